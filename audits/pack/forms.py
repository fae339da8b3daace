"""The audit pack page's request form: which sections, in which order.

Every section is a row with a tick and a position number. The numbers are the order without
JavaScript; with it, ``static/js/audit-pack.js`` adds Move up / Move down buttons that move the rows
and renumber them, so what is posted is the same either way."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms import BoundField

from core.registers.forms import ServiceErrorsMixin

from .build import SECTIONS, PackSection

_INDEX = {section.code: index for index, section in enumerate(SECTIONS)}


def position_name(code: str) -> str:
    return f"position_{code}"


@dataclass(frozen=True)
class SectionRow:
    section: PackSection
    checked: bool
    position: BoundField


class AuditPackRequestForm(ServiceErrorsMixin, forms.Form):
    """``ordered_sections()`` is the ticked codes by position; rows given the same position (or
    none) keep the order they were posted in, which is the page's order."""

    sections = forms.MultipleChoiceField(
        choices=[(section.code, section.title) for section in SECTIONS],
        label="Sections",
        error_messages={"required": "Choose at least one section for the pack."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, section in enumerate(SECTIONS, start=1):
            self.fields[position_name(section.code)] = forms.IntegerField(
                label=f"Position of {section.title}",
                required=False,
                min_value=1,
                max_value=len(SECTIONS),
                initial=index,
            )

    def _position(self, code: str) -> int | None:
        """The position asked for ``code``: the cleaned value once valid, else what was typed
        (so that a form shown again keeps the user's order), else the standard one."""
        name = position_name(code)
        if hasattr(self, "cleaned_data") and name in self.cleaned_data:
            return self.cleaned_data[name]
        if self.is_bound:
            try:
                return int(self.data.get(name, ""))
            except ValueError:
                return None
        return _INDEX[code] + 1

    def _posted(self) -> list[str]:
        return self.data.getlist("sections") if self.is_bound and hasattr(self.data, "getlist") else []

    def ordered_sections(self) -> list[str]:
        """The ticked section codes in the order asked; call once the form is valid."""
        codes = self.cleaned_data["sections"]
        return sorted(
            codes,
            key=lambda code: (self._position(code) or len(SECTIONS) + 1, codes.index(code)),
        )

    def rows(self) -> list[SectionRow]:
        """Every section as the page shows it: by position, then in the standard order."""
        ticked = set(self._posted()) if self.is_bound else set(_INDEX)

        def order(section: PackSection):
            return (self._position(section.code) or len(SECTIONS) + 1, _INDEX[section.code])

        return [
            SectionRow(
                section=section,
                checked=section.code in ticked,
                position=self[position_name(section.code)],
            )
            for section in sorted(SECTIONS, key=order)
        ]
