"""Where a record is used: the records of other registers that name it, for its page and its API.

An asset is named by risks, impact assessments, relations and audits; a control by
the risks it treats and the SoA; a member owns assets, risks, actions and SoA rows.
Those registers sit *above* the record's own app, so the record's app cannot ask
them. Like ``core.deletion``, each domain app contributes instead:

- ``@where_used_contributor(Asset)`` registers a function ``(record, organization,
  limit) -> Iterable[UsageLine]`` — import its module from ``AppConfig.ready()``;
- ``where_used(record, organization=…)`` gathers every line, in registration order
  (apps are ready bottom-up, so lower registers come first).

A line is one kind of use: a count, the first ``limit`` records (each a link), a
link to the filtered list that shows them all and, where it helps, a link that records
one more use from here ("Record a risk" on an asset), which the page shows only to
members who may create records. A contributor runs a fixed number
of queries (one per line: the first rows with the total beside them), so a page's query
count does not grow with the number of uses. Contributors filter by ``organization`` themselves: another
organization's records never appear, even where the record is shared (catalogue
controls).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Window

#: How many records a line shows before its "all" link.
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class UsageItem:
    """One record that uses the record: what it is called, where it lives, and a short note."""

    label: str
    url: str = ""
    note: str = ""  # e.g. a decision ("applicable · implemented") or a status


@dataclass
class UsageLine:
    """One kind of use ("Risks that name it"): how many, the first few, and where to see all."""

    key: str  # stable name for the API and the tests: "risks", "soa_decision"
    title: str
    count: int
    items: list[UsageItem] = field(default_factory=list)
    all_url: str = ""
    empty_text: str = ""  # what a zero means, when it says something ("not yet decided")
    add_url: str = ""  # a form that records one more use of the record, filled in with it
    add_label: str = ""

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


Contributor = Callable[..., Iterable[UsageLine]]
_contributors: dict[type[models.Model], list[Contributor]] = {}


def where_used_contributor(model: type[models.Model]) -> Callable[[Contributor], Contributor]:
    """Register a function that says where a ``model`` record is used.

    Called as ``function(record, organization=…, limit=…)``; it returns (or yields)
    ``UsageLine`` objects and must only read.
    """

    def register(function: Contributor) -> Contributor:
        _contributors.setdefault(model, [])
        if function not in _contributors[model]:
            _contributors[model].append(function)
        return function

    return register


def where_used(record: models.Model, *, organization, limit: int = DEFAULT_LIMIT) -> list[UsageLine]:
    """Every line of use of ``record`` inside ``organization`` (reads only)."""
    lines: list[UsageLine] = []
    for model in type(record).__mro__:
        for contributor in _contributors.get(model, []):
            lines.extend(contributor(record, organization=organization, limit=limit))
    return lines


def usage_line(
    *,
    key: str,
    title: str,
    queryset: models.QuerySet,
    item: Callable[[models.Model], UsageItem],
    limit: int,
    all_url: str = "",
    empty_text: str = "",
    add_url: str = "",
    add_label: str = "",
) -> UsageLine:
    """A line from a queryset in one query: the first ``limit`` rows, each carrying the
    total as a window count, so that the line costs the same for one use or thousands."""
    rows = list(queryset.annotate(usage_total=Window(Count("pk")))[:limit])
    count = rows[0].usage_total if rows else 0
    return UsageLine(
        key=key,
        title=title,
        count=count,
        items=[item(row) for row in rows],
        all_url=all_url if count else "",
        empty_text=empty_text,
        add_url=add_url,
        add_label=add_label,
    )
