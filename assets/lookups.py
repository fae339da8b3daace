"""The asset lookup that record pickers (``core.widgets.RecordPicker``) search:
a few matching assets of the organization, as JSON. Reads only."""

from django.http import JsonResponse
from django.views import View

from organizations.scoping import OrganizationPageMixin

from . import selectors

LOOKUP_LIMIT = 20


def asset_picker_label(asset) -> str:
    return f"{asset.identifier} — {asset.name}"


class AssetPickerLookupView(OrganizationPageMixin, View):
    """``?q=`` words of an identifier or name → ``{"results": [{"id", "label", "hint"}]}``."""

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
        assets = selectors.asset_lookup(organization=self.organization, query=query, limit=LOOKUP_LIMIT)
        return JsonResponse(
            {
                "results": [
                    {"id": a.pk, "label": asset_picker_label(a), "hint": a.get_kind_display()} for a in assets
                ]
            }
        )
