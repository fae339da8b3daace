"""The list page of a register: filters, search, ordering, per page, pages.

A register's list view subclasses ``RegisterListView`` (after
``organizations.scoping.OrganizationPageMixin``), names its filterset, its
base queryset, its default ordering and its URLs, and adds what only it
shows (stat cards, the choices of its filter selects) in
``get_extra_context``. Its template extends ``core/register_list.html``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.views.generic import TemplateView

from ..roles import Capability
from .bulk_actions import BulkActions
from .exports import export_inline_max_rows
from .filters import RegisterFilterSet
from .members import member_users
from .saved_views import saved_views_for

#: The page sizes every list offers, and the default.
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def page_size_parse(value, *, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page size a query string asks for, if it is one of ``PAGE_SIZES``; else ``default``."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


@dataclass(frozen=True)
class RegisterURLs:
    """The URL names of a register's pages, as the list template links them.

    Each takes the organization's slug; ``export``/``import_``/``create`` may
    be empty when the register has no such page.
    """

    list: str
    create: str = ""
    import_: str = ""
    export: str = ""
    bulk: str = ""  # the register's RegisterBulkView (bulk_actions.py), when it offers bulk actions


class RegisterListView(TemplateView):
    """The scoped list of one register.

    Context for the template: ``page_obj``, ``paginator``, the page's records
    (as ``records`` and as ``context_object_name``), ``filterset`` and
    ``filter_form``, ``params`` (the query string), ``query_string``,
    ``active_filter_count``, ``ordering``, ``page_sizes``, ``page_size``,
    ``can_create``, ``can_export``, ``urls`` (``RegisterURLs``), ``noun``,
    ``noun_plural`` and ``has_records``.
    """

    template_name: str
    filterset_class: type[RegisterFilterSet]
    default_ordering: Sequence[str]
    context_object_name: str
    urls: RegisterURLs
    noun: str  # "asset"
    noun_plural: str  # "assets"
    default_page_size: int = DEFAULT_PAGE_SIZE  # one of PAGE_SIZES
    #: What the ticked rows can be given (``bulk_actions.BulkActions``); ``None``: no bulk actions.
    bulk_actions: BulkActions | None = None
    #: The register's name in saved views (``saved_views.SavedView.register``), e.g. "assets".
    register_key: str = ""

    def get_base_queryset(self) -> QuerySet:
        """The register's records of ``self.organization``, with what the rows show prefetched."""
        raise NotImplementedError("A register list declares get_base_queryset(): its records.")

    def get_filterset(self) -> RegisterFilterSet:
        return self.filterset_class(
            self.request.GET or None,
            queryset=self.get_base_queryset(),
            request=self.request,
            organization=self.organization,
        )

    def get_extra_context(self) -> dict:
        """What only this register's page shows."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = self.get_filterset()
        queryset = filterset.qs
        if not params.get("ordering"):
            queryset = queryset.order_by(*self.default_ordering)
        page_size = page_size_parse(params.get("page_size"), default=self.default_page_size)
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(params.get("page"))
        context.update(
            page_obj=page,
            paginator=paginator,
            records=page.object_list,
            filterset=filterset,
            filter_form=filterset.form,
            params=params,
            query_string=params.urlencode(),
            active_filter_count=filterset.active_filter_count(),
            ordering=params.get("ordering", ""),
            page_sizes=PAGE_SIZES,
            page_size=page_size,
            can_create=self.membership.can_create,
            can_export=self.membership.can(Capability.EXPORT),
            export_inline_max_rows=export_inline_max_rows(),
            urls=self.urls,
            noun=self.noun,
            noun_plural=self.noun_plural,
            # Whether the register holds anything at all (an empty page may be the filters' doing);
            # asked only when the page is empty. A register that counts its records anyway says it.
            has_records=filterset.queryset.exists,
        )
        can_bulk = bool(self.bulk_actions and self.urls.bulk and self.membership.can_create)
        context.update(
            can_bulk=can_bulk,
            bulk_actions=self.bulk_actions.choices() if can_bulk else [],
            bulk_status_choices=self.bulk_actions.status_choices if can_bulk else [],
            bulk_status_label=self.bulk_actions.status_label if can_bulk else "",
            bulk_members=member_users(self.organization) if can_bulk else [],
            saved_views=saved_views_for(self.organization, self.request.user, self.register_key)
            if self.register_key
            else [],
            register_key=self.register_key,
        )
        context[self.context_object_name] = page.object_list
        context.update(self.get_extra_context())
        return context
