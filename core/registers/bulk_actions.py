"""Bulk actions on a register's list: the rows ticked on a page get a new owner, status or
tags, or are deleted after the same "what it affects" confirmation as one record.

A register declares ``BulkActions`` (which actions, its status choices) on its list view
(``bulk_actions`` and ``urls.bulk``) and a ``RegisterBulkView`` subclass that names its
records and calls its own services, one record at a time, so that each change is checked
(roles, frozen records) and kept in history with the actor. All or nothing: when one
record refuses, nothing is written and the page says which and why.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from ..deletion import DeletionRefused, deletion_impact
from ..fields import tags_parse
from ..roles import Capability
from .forms import MemberChoiceField
from .members import member_users

#: At most this many records in one bulk action (a page holds at most 200).
BULK_ACTION_MAX = 200

OWNER, STATUS, TAGS_ADD, TAGS_REMOVE, DELETE = "owner", "status", "tags_add", "tags_remove", "delete"


@dataclass(frozen=True)
class BulkActions:
    """What a register's list offers on ticked rows."""

    status_choices: Sequence[tuple[str, str]] = ()  # empty: no status action
    status_label: str = "status"
    tags: bool = False
    delete: bool = True

    def choices(self) -> list[tuple[str, str]]:
        offered = [(OWNER, "Change owner")]
        if self.status_choices:
            offered.append((STATUS, f"Change {self.status_label}"))
        if self.tags:
            offered += [(TAGS_ADD, "Add tags"), (TAGS_REMOVE, "Remove tags")]
        if self.delete:
            offered.append((DELETE, "Delete"))
        return offered


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label="Action")
    ids = forms.ModelMultipleChoiceField(queryset=None, error_messages={"required": "Tick at least one row."})
    owner = MemberChoiceField(queryset=None, required=False, label="New owner")
    status = forms.ChoiceField(required=False, label="New status")
    tags = forms.CharField(required=False, label="Tags", help_text="Comma-separated.")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, records: models.QuerySet, organization, actions: BulkActions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = actions.choices()
        self.fields["ids"].queryset = records
        self.fields["owner"].queryset = member_users(organization)
        self.fields["status"].choices = [("", "—"), *actions.status_choices]

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if len(ids) > BULK_ACTION_MAX:
            raise ValidationError(f"At most {BULK_ACTION_MAX} rows at once.")
        return ids

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == OWNER and not data.get("owner"):
            self.add_error("owner", "Choose the new owner.")
        if action == STATUS and not data.get("status"):
            self.add_error("status", "Choose the new status.")
        if action in (TAGS_ADD, TAGS_REMOVE):
            data["tag_list"] = tags_parse(data.get("tags") or "")
            if not data["tag_list"]:
                self.add_error("tags", "Name at least one tag.")
        return data


class RegisterBulkView(TemplateView):
    """POST only: apply the chosen action to the ticked rows, or (delete) show what the
    delete affects first. A register's subclass declares ``bulk_actions``, ``list_url``
    (the list's URL name), ``noun``/``noun_plural``, ``status_field``, and implements
    ``get_base_queryset``, ``bulk_update(record, values)`` and ``bulk_delete(record)``
    with its services. Expects ``self.organization`` and ``self.membership``
    (``OrganizationPageMixin`` first in the bases)."""

    http_method_names = ["post"]
    required_capability = Capability.EDIT_OWN  # viewers and auditors change no register row
    template_name = "core/bulk_confirm_delete.html"
    bulk_actions: BulkActions
    list_url: str
    noun: str
    noun_plural: str
    status_field: str = "status"

    def get_base_queryset(self) -> models.QuerySet:
        raise NotImplementedError("A bulk view declares get_base_queryset(): the register's records.")

    def bulk_update(self, record, values: dict) -> None:
        raise NotImplementedError("A bulk view declares bulk_update(record, values) with its service.")

    def bulk_delete(self, record) -> None:
        raise NotImplementedError("A bulk view declares bulk_delete(record) with its service.")

    def _back(self) -> str:
        from django.urls import reverse

        list_url = reverse(self.list_url, args=[self.organization.slug])
        wanted = self.request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={self.request.get_host()})
        return wanted if safe and wanted.startswith(list_url) else list_url

    def _values(self, record, data) -> dict:
        action = data["action"]
        if action == OWNER:
            return {"owner": data["owner"]}
        if action == STATUS:
            return {self.status_field: data["status"]}
        tags = list(record.tags or [])
        if action == TAGS_ADD:
            return {"tags": tags + [t for t in data["tag_list"] if t not in tags]}
        return {"tags": [t for t in tags if t not in data["tag_list"]]}

    def post(self, request, *args, **kwargs):
        form = BulkActionForm(
            request.POST,
            records=self.get_base_queryset(),
            organization=self.organization,
            actions=self.bulk_actions,
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self._back())
        data = form.cleaned_data
        records = list(data["ids"])
        if data["action"] == DELETE and not data["confirmed"]:
            impacts = [(record, deletion_impact(record, actor=request.user)) for record in records]
            return self.render_to_response(
                self.get_context_data(
                    impacts=impacts,
                    refused=any(impact.is_refused for _, impact in impacts),
                    back=self._back(),
                    noun=self.noun,
                    noun_plural=self.noun_plural,
                )
            )
        problems = []
        with transaction.atomic():
            for record in records:
                try:
                    if data["action"] == DELETE:
                        self.bulk_delete(record)
                    else:
                        self.bulk_update(record, self._values(record, data))
                except DeletionRefused as refused:
                    problems.append(f"{record}: {refused.impact.refusal()}")
                except (PermissionDenied, ValidationError) as refused:
                    problems.append(f"{record}: {' '.join(_messages(refused))}")
            if problems:
                transaction.set_rollback(True)
        if problems:
            messages.error(request, "Nothing was changed: " + " · ".join(problems))
        else:
            count = len(records)
            what = self.noun if count == 1 else self.noun_plural
            verb = "deleted" if data["action"] == DELETE else "changed"
            messages.success(request, f"{count} {what} {verb}. Each one's history names you.")
        return redirect(self._back())


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or "You may not change it."]
