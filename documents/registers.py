"""A register's filters as a generated document's parameters.

A register export built in the background (the asset inventory, the risk register) takes
the list page's filters as parameters — ``{"kind": ["ai_system"]}``, ``{"level": ["high"]}``
— checked by the register's own filterset when the document is requested, and applied by the
same filterset when the worker builds it, so a document means what the same filters mean on
the page.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict

from core.registers.exports import PAGE_ONLY_PARAMETERS
from core.registers.filters import RegisterFilterSet

BaseQueryset = Callable[[object], QuerySet]


def _filterset(filterset_class: type[RegisterFilterSet], base: BaseQueryset, parameters: dict, organization):
    data = QueryDict(mutable=True)
    for key, items in parameters.items():
        data.setlist(key, items)
    return filterset_class(data, queryset=base(organization), organization=organization)


def register_parameters(
    filterset_class: type[RegisterFilterSet], base: BaseQueryset, *, noun: str
) -> Callable[[dict, object], dict]:
    """A document kind's parameter validator: the filters of ``filterset_class``, each as a list of strings.

    Sorting and paging are dropped (they say nothing about which records); an unknown filter or
    a value the filterset refuses is a ``ValidationError`` naming it.
    """

    def clean(values: dict, organization) -> dict:
        known = set(filterset_class.base_filters) - PAGE_ONLY_PARAMETERS
        values = {k: v for k, v in values.items() if k not in PAGE_ONLY_PARAMETERS}
        unknown = sorted(set(values) - known)
        if unknown:
            names, allowed = ", ".join(unknown), ", ".join(sorted(known))
            raise ValidationError({"parameters": f"Unknown {noun} filter(s): {names}. Use: {allowed}."})
        cleaned: dict[str, list[str]] = {}
        for key, value in values.items():
            items = value if isinstance(value, list) else [value]
            items = [str(item) for item in items if item not in (None, "")]
            if items:
                cleaned[key] = items
        filterset = _filterset(filterset_class, base, cleaned, organization)
        if not filterset.is_valid():
            messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items())
            raise ValidationError({"parameters": messages})
        return cleaned

    return clean


def register_filtered(filterset_class: type[RegisterFilterSet], base: BaseQueryset, document) -> QuerySet:
    """The records ``document``'s parameters select, as the list page would with the same filters."""
    return _filterset(filterset_class, base, document.parameters, document.organization).qs


def register_title(base: str) -> Callable[[dict], str]:
    def title(parameters: dict) -> str:
        return f"{base} (filtered)" if parameters else base

    return title


def counted(rows, total: int, progress, *, start: int = 0, end: int = 100):
    """``rows`` unchanged, reporting progress from ``start`` to ``end`` percent as they are consumed."""
    for index, row in enumerate(rows, start=1):
        if total and index % 50 == 0:
            progress(start + (end - start) * index // total)
        yield row
