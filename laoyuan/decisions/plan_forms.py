"""Forms of planned meetings (计划会议): planning one with its agenda (议程) and, if it already
went out, its notice (会议通知); changing it; recording the notice; adding agenda items; marking
it held with its minutes (纪要); correcting the minutes; cancelling it; and recording a
resolution (决议). The rules are the actions'; their Chinese errors go next to the fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laoyuan.decisions.forms import DATE_INVALID, ActionErrors, _date_widget
from laoyuan.decisions.models import MeetingKind, NoticeChannel, ResolutionKind
from laoyuan.decisions.plan_actions import AgendaEntry, NoticeEntry
from laoyuan.decisions.resolutions import ResolutionNotice
from laoyuan.decisions.votes.models import Matter

TIME_INVALID = _("请填写时间，例如 19:30。")


def _time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class BuildingsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class NoticeFields(forms.Form):
    """The notice of a meeting: when it went out, how, where it was posted."""

    noticed_on = forms.DateField(
        label=_("通知日期"),
        widget=_date_widget(),
        error_messages={"required": _("请填写通知日期。"), "invalid": DATE_INVALID},
    )
    channels = forms.MultipleChoiceField(
        label=_("通知方式"),
        choices=NoticeChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请选择至少一种通知方式。"),
            "invalid_choice": _("通知方式不对。"),
        },
    )
    posted_where = forms.CharField(
        label=_("张贴地点（可不填）"),
        required=False,
        max_length=200,
        help_text=_("如：各单元公告栏、小区大门"),
        error_messages={"max_length": _("最多200个字。")},
    )
    notice_text = forms.CharField(
        label=_("通知内容（可不填）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("最多5000个字。")},
    )

    def notice(self) -> NoticeEntry:
        data = self.cleaned_data
        return NoticeEntry(
            noticed_on=data["noticed_on"],
            channels=data["channels"],
            posted_where=data.get("posted_where") or "",
            text=data.get("notice_text") or "",
        )


class NoticeForm(ActionErrors, NoticeFields):
    pass


class MeetingPlanForm(ActionErrors, forms.Form):
    kind = forms.ChoiceField(
        label=_("会议类型"),
        choices=MeetingKind.choices,
        initial=MeetingKind.DELIBERATION,
        error_messages={"required": _("请选择会议类型。"), "invalid_choice": _("请选择会议类型。")},
    )
    title = forms.CharField(
        label=_("会议名称"),
        max_length=120,
        error_messages={"required": _("请填写会议名称。"), "max_length": _("最多120个字。")},
    )
    held_on = forms.DateField(
        label=_("会议日期"),
        widget=_date_widget(),
        error_messages={"required": _("请填写会议日期。"), "invalid": DATE_INVALID},
    )
    starts_at = forms.TimeField(
        label=_("开始时间（可不填）"),
        required=False,
        widget=_time_widget(),
        error_messages={"invalid": TIME_INVALID},
    )
    place = forms.CharField(
        label=_("地点"),
        max_length=120,
        error_messages={"required": _("请填写地点。"), "max_length": _("最多120个字。")},
    )
    buildings = BuildingsField(
        label=_("只涉及这些楼栋（不选则为全小区）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("只能选择本小区的楼栋。")},
    )
    noticed = forms.BooleanField(label=_("通知已经发出"), required=False)

    def __init__(self, *args, buildings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = buildings


class AgendaRowForm(forms.Form):
    title = forms.CharField(
        label=_("议程"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("每项议程最多200个字。")},
    )
    topic = forms.ModelChoiceField(
        label=_("关联议题"),
        queryset=None,
        required=False,
        empty_label=_("（不关联议题）"),
        error_messages={"invalid_choice": _("所选议题已不在本小区的进行中议题里。")},
    )

    def __init__(self, *args, topics: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics

    def entry(self) -> AgendaEntry | None:
        data = self.cleaned_data
        title = (data.get("title") or "").strip()
        topic = data.get("topic")
        if not title and topic is None:
            return None
        return AgendaEntry(title=title, topic=topic)


MAX_AGENDA_ROWS = 50
AgendaFormSet = forms.formset_factory(
    AgendaRowForm, extra=3, max_num=MAX_AGENDA_ROWS, validate_max=True, absolute_max=MAX_AGENDA_ROWS
)


def agenda_formset(data=None, *, topics: QuerySet) -> forms.BaseFormSet:
    return AgendaFormSet(data, prefix="agenda", form_kwargs={"topics": topics})


def agenda_entries(formset) -> list[AgendaEntry]:
    return [e for e in (f.entry() for f in formset.forms) if e is not None]


class MeetingChangeForm(ActionErrors, forms.Form):
    title = MeetingPlanForm.base_fields["title"]
    held_on = MeetingPlanForm.base_fields["held_on"]
    starts_at = MeetingPlanForm.base_fields["starts_at"]
    place = MeetingPlanForm.base_fields["place"]


class HoldForm(ActionErrors, forms.Form):
    held_on = forms.DateField(
        label=_("开会日期"),
        widget=_date_widget(),
        error_messages={"required": _("请填写开会日期。"), "invalid": DATE_INVALID},
    )
    minutes = forms.CharField(
        label=_("纪要"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": _("纪要最多20000个字。")},
    )


class MinutesForm(ActionErrors, forms.Form):
    minutes = HoldForm.base_fields["minutes"]


class CancelForm(ActionErrors, forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明取消的原因。"), "max_length": _("最多2000个字。")},
    )


class ResolutionForm(ActionErrors, forms.Form):
    """A resolution: its text and kind, and what the kind needs (the topics it decides with
    party and deadline; or the vote it calls for, completed on the vote's own form)."""

    kind = forms.ChoiceField(
        label=_("决议类型"),
        choices=ResolutionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择决议类型。"), "invalid_choice": _("请选择决议类型。")},
    )
    text = forms.CharField(
        label=_("决议内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请写明决议内容。"), "max_length": _("最多5000个字。")},
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("决定的议题"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选议题不是这次会议可以决定的议题。")},
    )
    responsible_party = forms.CharField(
        label=_("责任方"),
        required=False,
        max_length=120,
        error_messages={"max_length": _("责任方最多120个字。")},
    )
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    matter = forms.ChoiceField(
        label=_("表决事项"),
        required=False,
        choices=[("", _("请选择")), *Matter.choices],
        error_messages={"invalid_choice": _("请选择表决事项。")},
    )

    # Publishing the resolution (公示决定事项): the notice's title and period, and its place.
    notice_title = forms.CharField(
        label=_("公示标题（可不填）"),
        required=False,
        max_length=120,
        help_text=_("不填为“会议名称＋决议公示”。"),
        error_messages={"max_length": _("标题最多120个字。")},
    )
    notice_starts_on = forms.DateField(
        label=_("公示开始日期"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    notice_period_days = forms.IntegerField(
        label=_("公示天数"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        error_messages={"invalid": _("公示天数应为整数。")},
    )
    notice_working_days = forms.TypedChoiceField(
        label=_("按什么计算"),
        required=False,
        choices=[("1", _("工作日（节假日不计，调休上班日计入）")), ("0", _("自然日"))],
        coerce=lambda v: v == "1",
        empty_value=True,
        widget=forms.RadioSelect,
    )
    notice_community_wide = forms.BooleanField(
        label=_("对全社区公示（不勾选则只对会议的小区或楼栋公示）"), required=False
    )

    # The action's field names, as this form names them.
    NOTICE_FIELDS = {
        "title": "notice_title",
        "starts_on": "notice_starts_on",
        "period_days": "notice_period_days",
        "ends_on": "notice_period_days",
        "working_days": "notice_working_days",
        "community_wide": "notice_community_wide",
    }

    def __init__(self, *args, topics: QuerySet, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics
        self.fields["kind"].choices = [c for c in ResolutionKind.choices if c[0] in kinds]
        if not self.is_bound:
            self.fields["deadline"].initial = timezone.localdate()
            self.fields["notice_starts_on"].initial = timezone.localdate()
            self.fields["notice_period_days"].initial = 7
            self.fields["notice_working_days"].initial = "1"

    def add_action_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {self.NOTICE_FIELDS.get(k, k): v for k, v in error.message_dict.items()}
            )
        super().add_action_errors(error)

    def resolution_notice(self) -> ResolutionNotice | None:
        data = self.cleaned_data
        if data.get("kind") != ResolutionKind.NOTICE:
            return None
        return ResolutionNotice(
            title=data.get("notice_title") or "",
            starts_on=data.get("notice_starts_on"),
            period_days=data.get("notice_period_days"),
            working_days=data.get("notice_working_days", True),
            community_wide=bool(data.get("notice_community_wide")),
        )
