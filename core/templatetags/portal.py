from django import forms, template
from django.utils.html import format_html
from django.utils.http import urlencode

register = template.Library()

_SELECTS = (forms.Select, forms.SelectMultiple)
_CHECKS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def styled(bound_field):
    """Render a form field's widget with the portal's form classes."""
    widget = bound_field.field.widget
    if isinstance(widget, _CHECKS):
        css = "form-check-input"
    elif isinstance(widget, _SELECTS):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def is_date(bound_field) -> bool:
    """A date input (``core.widgets.DatePicker``): its help says how the portal writes dates."""
    return getattr(bound_field.field.widget, "input_type", "") == "date"


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.filter
def initials(user) -> str:
    name = user.get_full_name() or user.username
    parts = [p for p in name.replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str):
    """A column header that sorts by ``field``; a second click reverses the order."""
    params = context["request"].GET.copy()
    current = params.get("ordering", "")
    if current == field:
        next_ordering, icon, state = f"-{field}", "bi-sort-up", "ascending"
    elif current == f"-{field}":
        next_ordering, icon, state = field, "bi-sort-down", "descending"
    else:
        next_ordering, icon, state = field, "", "none"
    params["ordering"] = next_ordering
    params.pop("page", None)
    href = "?" + urlencode(sorted(params.lists()), doseq=True)
    if icon:
        return format_html(
            '<a class="sort-link is-sorted" href="{}" aria-sort="{}">{} <i class="bi {}"></i></a>',
            href,
            state,
            label,
            icon,
        )
    return format_html('<a class="sort-link" href="{}">{}</a>', href, label)


@register.simple_tag(takes_context=True)
def filter_link(context, **filters):
    """The list address filtered by ``filters`` alone (for chips and stat cards);
    ``a|b`` selects several values of one filter."""
    pairs = [(k, part) for k, v in filters.items() if v not in (None, "") for part in str(v).split("|")]
    return "?" + urlencode(sorted(pairs))


@register.filter
def page_window(paginator, current: int) -> list[int | None]:
    """Page numbers around ``current`` plus the first and last; ``None`` marks a gap."""
    last = paginator.num_pages
    wanted = {1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}
    pages: list[int | None] = []
    for number in sorted(wanted):
        if pages and pages[-1] is not None and number - pages[-1] > 1:
            pages.append(None)
        pages.append(number)
    return pages


@register.filter
def values_of(params, key: str) -> list[str]:
    """Every value of ``key`` in a query string (``QueryDict.getlist``), for selects that may repeat it."""
    return params.getlist(key) if hasattr(params, "getlist") else []
