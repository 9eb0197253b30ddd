"""Forms of the meeting pages (会议): the list's filters, recording a meeting with its attendees
(参会人, repeatable rows) and topics raised, and recording a decision (决定) on one of its
topics. The rules themselves are the actions'; their Chinese errors are put next to the fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laoyuan.decisions.actions import AttendeeEntry
from laoyuan.decisions.models import (
    NOTICE_REQUIRED_KINDS,
    AttendeeKind,
    MeetingKind,
    MeetingStatus,
)

DATE_INVALID = _("请填写日期，例如 2026-06-30。")


class ActionErrors:
    def add_action_errors(self, error: ValidationError) -> None:
        """Put an action's Chinese ValidationError messages next to their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingFilterForm(forms.Form):
    """Filters of the meeting list; bad values are ignored."""

    compound = forms.TypedChoiceField(label=_("小区"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("会议类型"), required=False, choices=[("", _("全部类型")), *MeetingKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *MeetingStatus.choices]
    )
    since = forms.DateField(
        label=_("从"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    until = forms.DateField(
        label=_("到"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )

    def __init__(self, data, *, compounds: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["compound"].choices = [("", _("全部小区")), *compounds]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "compound_id": data.get("compound"),
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }


# A meeting recorded after it was held: an owners' assembly is planned and noticed first.
RECORDABLE_KINDS = [c for c in MeetingKind.choices if c[0] not in NOTICE_REQUIRED_KINDS]


class MeetingForm(ActionErrors, forms.Form):
    kind = forms.ChoiceField(
        label=_("会议类型"),
        choices=RECORDABLE_KINDS,
        initial=MeetingKind.ONSITE,
        error_messages={"required": _("请选择会议类型。"), "invalid_choice": _("请选择会议类型。")},
    )
    title = forms.CharField(
        label=_("会议名称"),
        max_length=120,
        error_messages={
            "required": _("请填写会议名称。"),
            "max_length": _("会议名称最多120个字。"),
        },
    )
    held_on = forms.DateField(
        label=_("日期"),
        widget=_date_widget(),
        error_messages={"required": _("请填写开会日期。"), "invalid": DATE_INVALID},
    )
    place = forms.CharField(
        label=_("地点"),
        max_length=120,
        error_messages={"required": _("请填写地点。"), "max_length": _("地点最多120个字。")},
    )
    minutes = forms.CharField(
        label=_("纪要（可不填）"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("纪要最多20000个字。")},
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("会上讨论的议题"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("所选议题已不在本小区的进行中议题里，请刷新后重选。"),
            "invalid_pk_value": _("议题编号不对。"),
        },
    )

    def __init__(self, *args, topics: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics
        self.fields["held_on"].initial = timezone.localdate()


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label=_("姓名"),
        required=False,
        max_length=60,
        error_messages={"max_length": _("姓名最多60个字。")},
    )
    kind = forms.ChoiceField(
        label=_("身份"),
        choices=AttendeeKind.choices,
        initial=AttendeeKind.STAFF,
        error_messages={"invalid_choice": _("请选择参会人的身份。")},
    )
    organisation = forms.CharField(
        label=_("单位或部门"),
        required=False,
        max_length=120,
        error_messages={"max_length": _("单位或部门最多120个字。")},
    )

    def entry(self) -> AttendeeEntry | None:
        data = self.cleaned_data
        name = (data.get("name") or "").strip()
        if not name:
            return None
        return AttendeeEntry(
            name=name, kind=data["kind"], organisation=(data.get("organisation") or "").strip()
        )


MAX_ATTENDEES = 200
AttendeeFormSet = forms.formset_factory(
    AttendeeForm, extra=5, max_num=MAX_ATTENDEES, validate_max=True, absolute_max=MAX_ATTENDEES
)


def attendee_entries(formset) -> list[AttendeeEntry]:
    return [e for e in (f.entry() for f in formset.forms) if e is not None]


class DecideForm(ActionErrors, forms.Form):
    """One decision on one of the meeting's topics: who does what by when."""

    topic = forms.ModelChoiceField(
        label=_("议题"),
        queryset=None,
        empty_label=_("请选择议题"),
        error_messages={
            "required": _("请选择要作决定的议题。"),
            "invalid_choice": _("所选议题不是这次会议的议题。"),
        },
    )
    responsible_party = forms.CharField(
        label=_("责任方"),
        max_length=120,
        error_messages={"required": _("请写明责任方。"), "max_length": _("责任方最多120个字。")},
    )
    solution = forms.CharField(
        label=_("解决办法"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("请写明解决办法。"),
            "max_length": _("解决办法最多5000个字。"),
        },
    )
    deadline = forms.DateField(
        label=_("完成时限"),
        widget=_date_widget(),
        error_messages={"required": _("请填写完成时限。"), "invalid": DATE_INVALID},
    )

    def __init__(self, *args, topics: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
