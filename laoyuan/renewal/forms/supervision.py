"""Forms of supervision, schedule and acceptance (监督、进度与验收): volunteers, the group's draw
or election, inspections with the problems found (repeatable rows), milestones and work items,
sign-offs, the survey (on the portal and from paper), the maintenance schedule."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laoyuan.renewal.actions import ProblemEntry
from laoyuan.renewal.forms.common import (
    ActionErrors,
    MoneyField,
    date_field,
    positive_int_field,
    text_field,
)
from laoyuan.renewal.models import Satisfaction


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one box (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("居民姓名"), required=False, max_length=30)


class DrawForm(ActionErrors, forms.Form):
    seats = positive_int_field(_("名额"), most=15)
    seed = text_field(
        _("抽签种子"),
        most=100,
        help_text=_("在见证人面前当场确定的数字或文字，如当天福彩3D开奖号、居民掷骰子的点数"),
    )
    witnesses = text_field(_("见证人"), most=300, help_text=_("如：社区党委书记、两位业主代表"))
    formed_on = date_field(_("成立日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formed_on"].initial = timezone.localdate()


class ElectForm(ActionErrors, forms.Form):
    volunteers = forms.ModelMultipleChoiceField(
        label=_("推选的成员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请选择监督小组成员。"),
            "invalid_choice": _("只能从本项目的志愿者中选。"),
        },
    )
    leader = forms.ModelChoiceField(
        label=_("组长"),
        queryset=None,
        required=False,
        empty_label=_("暂不指定"),
        error_messages={"invalid_choice": _("组长须是所选成员之一。")},
    )
    formed_on = date_field(_("成立日期"))

    def __init__(self, *args, volunteers: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("volunteers", "leader"):
            self.fields[name].queryset = volunteers
            self.fields[name].label_from_instance = lambda v: f"{v.number}. {v.resident.name}"
        self.fields["formed_on"].initial = timezone.localdate()


class InspectionForm(ActionErrors, forms.Form):
    inspected_on = date_field(_("检查日期"))
    inspectors = text_field(_("检查人"), most=200, help_text=_("监督小组成员及陪同人员"))
    findings = text_field(_("检查情况"), most=5000, rows=5)
    photos = MultipleFileField(
        label=_("照片"),
        required=False,
        help_text=_("最多9张；上传时去除照片里的位置等信息"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), required=False, max_length=120)
    location = forms.CharField(label=_("位置"), required=False, max_length=120)
    responsible_party = forms.CharField(label=_("责任方"), required=False, max_length=120)
    work_days = forms.IntegerField(
        label=_("整改时限（工作日）"),
        required=False,
        min_value=1,
        max_value=250,
        error_messages={
            "invalid": _("请填写整数。"),
            "min_value": _("应不小于1。"),
            "max_value": _("应不大于250。"),
        },
    )

    def entry(self) -> ProblemEntry | None:
        data = self.cleaned_data
        if not any(data.get(k) for k in ("title", "location", "responsible_party", "work_days")):
            return None
        return ProblemEntry(
            title=data.get("title") or "",
            responsible_party=data.get("responsible_party") or "",
            work_days=data.get("work_days"),
            location=data.get("location") or "",
        )


ProblemFormSet = forms.formset_factory(
    ProblemForm, extra=2, max_num=30, validate_max=True, absolute_max=30
)


def problem_entries(formset) -> list[ProblemEntry]:
    return [e for e in (f.entry() for f in formset.forms) if e is not None]


class MilestoneForm(ActionErrors, forms.Form):
    name = text_field(
        _("节点"), most=120, help_text=_("如：进场施工、管网完工、外立面完工、竣工验收")
    )
    planned_on = date_field(_("计划日期"))
    note = text_field(_("备注"), most=200, required=False)


class DoneForm(ActionErrors, forms.Form):
    done_on = date_field(_("实际完成日期"))
    note = text_field(_("说明"), most=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class WorkItemForm(ActionErrors, forms.Form):
    name = text_field(_("子项名称"), most=120)
    weight = positive_int_field(
        _("权重"), most=10**9, help_text=_("在总进度中的分量，如该子项的合同价（元）")
    )
    planned_quantity = MoneyField(_("计划工程量"))
    unit = text_field(_("单位"), most=10)


class WorkReportForm(ActionErrors, forms.Form):
    done_quantity = MoneyField(_("累计完成工程量"))
    note = text_field(
        _("说明"), most=200, required=False, help_text=_("比上次少时必须写明更正原因")
    )


class SignoffForm(ActionErrors, forms.Form):
    member = forms.ModelChoiceField(
        label=_("监督小组成员"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择签字的成员。"),
            "invalid_choice": _("这位成员已签过字，或不是本项目监督小组的成员。"),
        },
    )
    agrees = forms.TypedChoiceField(
        label=_("验收意见"),
        choices=[("yes", _("同意验收")), ("no", _("不同意验收"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不同意。")},
    )
    remark = text_field(_("意见"), most=300, required=False, help_text=_("不同意时必须写明原因"))

    def __init__(self, *args, members: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.volunteer.resident.name


class SurveyOpenForm(ActionErrors, forms.Form):
    closes_on = date_field(_("截止日期"))


class PaperAnswerForm(ActionErrors, forms.Form):
    """A paper answer (纸质问卷): which flat, and its answer."""

    building = forms.ModelChoiceField(
        label=_("楼栋"),
        queryset=None,
        empty_label=_("请选择楼栋"),
        error_messages={"required": _("请选择楼栋。"), "invalid_choice": _("请选择楼栋。")},
    )
    entrance = forms.CharField(label=_("单元"), required=False, max_length=20)
    room = text_field(_("房号"), most=20)
    choice = forms.ChoiceField(
        label=_("满意度"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度。"), "invalid_choice": _("请选择满意度。")},
    )
    comment = text_field(_("意见建议"), most=500, required=False, rows=2)

    def __init__(self, *args, buildings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class PortalSurveyForm(ActionErrors, forms.Form):
    choice = forms.ChoiceField(
        label=_("您对这次改造满意吗？"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选一项。"), "invalid_choice": _("请选一项。")},
    )
    comment = text_field(_("还有什么想说的（可不填）"), most=500, required=False, rows=3)


class PortalSignoffForm(ActionErrors, forms.Form):
    agrees = forms.TypedChoiceField(
        label=_("作为监督小组成员，您同意验收吗？"),
        choices=[("yes", _("同意验收")), ("no", _("不同意验收"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选一项。")},
    )
    remark = text_field(
        _("意见"), most=300, required=False, rows=3, help_text=_("不同意时请写明原因")
    )


class MaintenanceForm(ActionErrors, forms.Form):
    name = text_field(_("维护内容"), most=120)
    responsible_party = text_field(_("责任方"), most=120)
    interval_months = positive_int_field(_("周期（月）"), most=120)
    first_due = date_field(_("首次维护日期"))
