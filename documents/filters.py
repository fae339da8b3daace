import django_filters

from .models import DocumentStatus, GeneratedDocument


class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(help_text="A document kind, e.g. `asset_inventory_xlsx`.")
    status = django_filters.MultipleChoiceFilter(choices=DocumentStatus.choices)

    class Meta:
        model = GeneratedDocument
        fields = ["kind", "status"]
