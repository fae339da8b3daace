"""Form plumbing of the register pages: forms parse fields; the services
validate, and their errors are put back on the fields."""

from django import forms
from django.core.exceptions import ValidationError

from ..roles import Capability
from ..tabular import MAX_UPLOAD_BYTES
from .bulk import BULK_MAX_ITEMS
from .members import member_label


class ServiceErrorsMixin:
    """For a ``ModelForm`` whose rules live in a service: the form only parses,
    and ``add_service_errors`` puts the service's ``ValidationError`` back on
    the fields (or on the form, for a field it does not show)."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

    def _post_clean(self):
        # The services validate once, for every entry point; the form only parses.
        pass


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the organization; the view passes the members as ``queryset``
    (``core.registers.members.member_users``), so nobody else can be chosen."""

    def label_from_instance(self, obj) -> str:
        return member_label(obj)


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return member_label(obj)


def owner_field_limit(field: forms.ModelChoiceField, *, members, membership, owner_id, noun: str, verb: str):
    """Who the owner of a record may be, as the roles say (``core.roles``).

    Officers and administrators choose any member (themselves by default on a
    new record); a contributor keeps the owner of a record they change, and is
    the owner of a record they ``verb`` ("register", "record").
    """
    field.queryset = members
    if membership.can(Capability.EDIT_ANY):
        if owner_id is None:
            field.initial = membership.user_id
    elif owner_id is not None:
        field.queryset = members.filter(pk=owner_id)
        field.help_text = f"An officer or administrator can hand this {noun} to someone else."
    else:
        field.queryset = members.filter(pk=membership.user_id)
        field.initial = membership.user_id
        field.help_text = f"As a contributor you {verb} {noun}s you own."


class TableImportForm(forms.Form):
    """The upload of an import (``import_views.TableImportView``)."""

    file = forms.FileField(
        label="CSV or XLSX file",
        help_text=f"Up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and {BULK_MAX_ITEMS:,} rows; "
        "the first row holds the column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
