"""Forms of the case pages (工单): opening a case (staff and portal), the list's filters, and one
small form per step of the work (派单, 签收, 退回, 转派, 进展, 暂停, 办结, 评价, 复核, 督办).

Forms parse and bound what was typed and say in Chinese what is wrong; the rules (which state
may follow, which party serves the place, who may rate) are the actions', and their
ValidationErrors come back next to the fields (`ActionErrors`), with everything typed kept.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from laoyuan.cases.models import (
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    CaseSource,
    CaseState,
    Party,
    PauseReason,
    Rating,
)
from laoyuan.voices.portal_forms import PHOTO_ACCEPT, MultiplePhotoInput, PhotosField
from laoyuan.voices.topic_forms import ActionErrors

SEARCH_MAX = 40
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_ERRORS = {"invalid": _("日期不正确，请按“2026-12-31”的格式填写。")}


def category_choices(categories) -> list:
    """Categories grouped by their first level, as the select shows them."""
    groups: dict[str, list] = {}
    for c in categories:
        groups.setdefault(c.group, []).append((c.pk, c.name))
    return [("", _("请选择分类")), *groups.items()]


def photos_field(label) -> PhotosField:
    return PhotosField(
        label=label,
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=_("可选，最多6张，每张不超过10MB；照片中的位置信息会被去除。"),
    )


def _text(label, *, required=True, max_length=NOTE_MAX, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={
            "required": _("请填写这一项。"),
            "max_length": _("内容太长：最多%(limit_value)d个字（现在%(show_value)d个）。"),
        },
    )


class CaseFilterForm(forms.Form):
    """The list's filters; a bad value is ignored rather than refused."""

    q = forms.CharField(label=_("标题或受理编号"), required=False, max_length=SEARCH_MAX)
    compound = forms.TypedChoiceField(label=_("小区"), required=False, coerce=int, empty_value=None)
    party = forms.TypedChoiceField(label=_("责任方"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(label=_("分类"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False)
    source = forms.ChoiceField(label=_("来源"), required=False)
    overdue = forms.BooleanField(label=_("只看逾期的"), required=False)

    def __init__(self, data, *, compounds, parties, categories):
        super().__init__(data)
        self.fields["compound"].choices = [("", _("全部小区")), *compounds]
        self.fields["party"].choices = [("", _("全部责任方")), *parties]
        self.fields["category"].choices = category_choices(categories)
        self.fields["category"].choices[0] = ("", _("全部分类"))
        self.fields["state"].choices = [
            ("", _("全部")),
            ("open", _("办理中的（未结案）")),
            *CaseState.choices,
        ]
        self.fields["source"].choices = [("", _("全部来源")), *CaseSource.choices]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "text": (data.get("q") or "").strip(),
            "compound_id": data.get("compound"),
            "party_id": data.get("party"),
            "category_id": data.get("category"),
            "state": data.get("state") or "",
            "source": data.get("source") or "",
            "overdue": bool(data.get("overdue")),
        }


class CaseOpenForm(ActionErrors, forms.Form):
    """A worker opens a case (登记工单)."""

    compound = forms.TypedChoiceField(
        label=_("小区"), coerce=int, error_messages={"required": _("请选择小区。")}
    )
    building = forms.CharField(
        label=_("楼栋号（可不填）"), required=False, max_length=20, help_text=_("如“3”")
    )
    spot = forms.CharField(label=_("具体位置（可不填）"), required=False, max_length=100)
    category = forms.TypedChoiceField(
        label=_("分类"),
        coerce=int,
        error_messages={
            "required": _("请选择分类。"),
            "invalid_choice": _("分类不对，请从列表中选择。"),
        },
    )
    title = forms.CharField(
        label=_("标题（可不填，默认取问题描述的开头）"), required=False, max_length=TITLE_MAX
    )
    description = _text(_("问题描述"), max_length=TEXT_MAX, rows=5)
    solution_asked = _text(_("要求的解决办法（可不填）"), required=False, max_length=TEXT_MAX)
    reporter_name = forms.CharField(label=_("反映人（可不填）"), required=False, max_length=60)
    reporter_phone = forms.CharField(
        label=_("联系电话（可不填）"),
        required=False,
        max_length=20,
        help_text=_("加密保存，只显示脱敏号码；责任方回访时查看会留痕。"),
    )
    anonymous = forms.BooleanField(label=_("匿名（不记录反映人和电话）"), required=False)
    party = forms.TypedChoiceField(
        label=_("直接派给责任方（可不填）"), required=False, coerce=int, empty_value=None
    )
    deadline = forms.DateField(
        label=_("办结期限（可不填，默认按分类的办理时限）"),
        required=False,
        widget=DATE_INPUT,
        error_messages=_DATE_ERRORS,
    )
    photos = photos_field(_("照片"))

    def __init__(self, *args, compounds, categories, parties, may_dispatch: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [("", _("请选择小区")), *compounds]
        self.fields["category"].choices = category_choices(categories)
        if may_dispatch:
            self.fields["party"].choices = [("", _("暂不派单")), *parties]
        else:
            del self.fields["party"]


class PortalCaseForm(ActionErrors, forms.Form):
    """A resident reports a problem (我要报事)."""

    compound = forms.TypedChoiceField(label=_("小区"), coerce=int)
    category = forms.TypedChoiceField(
        label=_("是哪一类问题"),
        coerce=int,
        error_messages={
            "required": _("请选择是哪一类问题。"),
            "invalid_choice": _("分类不对，请从列表中选择。"),
        },
    )
    building = forms.TypedChoiceField(
        label=_("哪一栋（可不选）"), required=False, coerce=int, empty_value=None
    )
    spot = forms.CharField(label=_("具体在哪里（可不填）"), required=False, max_length=100)
    description = _text(_("出了什么问题"), max_length=TEXT_MAX, rows=5)
    phone = forms.CharField(
        label=_("联系电话（可不填，方便上门前联系您）"), required=False, max_length=20
    )
    anonymous = forms.BooleanField(label=_("匿名（工作人员看不到是谁反映的）"), required=False)
    photos = photos_field(_("照片"))

    def __init__(self, *args, compounds, categories, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = compounds
        if len(compounds) == 1:
            self.fields["compound"].widget = forms.HiddenInput()
            self.fields["compound"].initial = compounds[0][0]
        self.fields["category"].choices = category_choices(categories)
        self.fields["building"].choices = [("", _("不选")), *buildings]


def _party_field(label=None, required=True):
    return forms.ModelChoiceField(
        label=label or _("责任方"),
        queryset=Party.objects.none(),
        required=required,
        empty_label=_("请选择责任方"),
        error_messages={
            "required": _("请选择责任方。"),
            "invalid_choice": _("所选责任方不负责这个小区，请重新选择。"),
        },
    )


class DispatchForm(ActionErrors, forms.Form):
    party = _party_field()
    note = _text(_("派单说明（可不填）"), required=False, rows=2)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties


class NoteForm(ActionErrors, forms.Form):
    """Accept (签收) and resume (恢复计时): an optional note."""

    note = _text(_("说明（可不填）"), required=False, rows=2)


class ReasonForm(ActionErrors, forms.Form):
    """Return (退回) and cancel (撤销): the reason is required."""

    reason = _text(_("原因"), rows=2)


class TransferForm(ActionErrors, forms.Form):
    party = _party_field(_("转派给"))
    reason = _text(_("转派原因"), rows=2)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties


class ProgressForm(ActionErrors, forms.Form):
    note = _text(_("进展情况"), rows=3)
    photos = photos_field(_("现场照片"))


class PauseForm(ActionErrors, forms.Form):
    reason = forms.ChoiceField(
        label=_("暂停原因"),
        choices=PauseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择暂停的原因。")},
    )
    note = _text(_("说明（原因为“其他”时必填）"), required=False, rows=2)


class SolveForm(ActionErrors, forms.Form):
    note = _text(_("办理结果"), rows=3, help_text=_("居民会看到这段话，并据此评价。"))
    photos = photos_field(_("完工照片"))


class RateForm(ActionErrors, forms.Form):
    rating = forms.ChoiceField(
        label=_("您对办理结果满意吗？"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意、基本满意或不满意。")},
    )
    comment = _text(_("意见（选“不满意”时请写明哪里还没解决）"), required=False, rows=3)


class ReviewForm(ActionErrors, forms.Form):
    decision = forms.ChoiceField(
        label=_("复核决定"),
        choices=[
            ("reopen", _("由原责任方重新办理")),
            ("reassign", _("改派给其他责任方")),
            ("close", _("结案（写明理由）")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复核决定。")},
    )
    party = _party_field(_("改派给（选“改派”时）"), required=False)
    note = _text(_("复核意见"), rows=3)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties


class NoticeForm(ActionErrors, forms.Form):
    demand = _text(_("督办要求"), max_length=TEXT_MAX, rows=4)
    due_on = forms.DateField(
        label=_("反馈期限"),
        widget=DATE_INPUT,
        error_messages={"required": _("请填写反馈期限。"), **_DATE_ERRORS},
    )


class NoticeAnswerForm(ActionErrors, forms.Form):
    answer = _text(_("办理情况反馈"), max_length=TEXT_MAX, rows=4)


class FromOriginForm(ActionErrors, forms.Form):
    """Turn a decided topic or a meeting's decision into a case."""

    category = forms.TypedChoiceField(
        label=_("分类"), coerce=int, error_messages={"required": _("请选择分类。")}
    )
    party = _party_field(_("责任方（可不选：按决定中的名称匹配，匹配不到则待派单）"), False)

    def __init__(self, *args, categories, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(categories)
        self.fields["party"].queryset = parties


PERIODS = [
    ("30", _("最近30天")),
    ("90", _("最近90天")),
    ("365", _("最近一年")),
    ("year", _("今年")),
    ("custom", _("自定义")),
]
GROUPS = [
    ("party", _("按责任方")),
    ("category", _("按分类")),
    ("community", _("按社区")),
    ("street", _("按街道")),
]


class StatsForm(forms.Form):
    """The period and grouping of the statistics; a bad value falls back to the defaults."""

    group = forms.ChoiceField(label=_("分组"), required=False, choices=GROUPS)
    period = forms.ChoiceField(label=_("时段"), required=False, choices=PERIODS)
    since = forms.DateField(label=_("从"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("到"), required=False, widget=DATE_INPUT)

    def choice(self, today: dt.date) -> tuple[str, dt.date, dt.date]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        group = data.get("group") or "party"
        period = data.get("period") or "90"
        if period == "custom" and data.get("since") and data.get("until"):
            since, until = data["since"], data["until"]
            if since > until:
                since, until = until, since
            return group, since, until
        if period == "year":
            return group, today.replace(month=1, day=1), today
        days = int(period) if period.isdigit() else 90
        return group, today - dt.timedelta(days=days - 1), today


def clean_level_amount(amount: int | None, unit: str) -> int:
    if amount is None:
        raise ValidationError(_("请填写时限。"))
    return amount * (86400 if unit == "days" else 3600)


UNITS = [("days", _("个工作日")), ("hours", _("个工作小时"))]


class LevelForm(ActionErrors, forms.Form):
    """A street's service level for one category, as a number and a unit per step."""

    accept = forms.IntegerField(label=_("受理时限"), min_value=1, max_value=2160)
    accept_unit = forms.ChoiceField(label=_("受理时限的单位"), choices=UNITS)
    respond = forms.IntegerField(label=_("首次响应时限"), min_value=1, max_value=2160)
    respond_unit = forms.ChoiceField(label=_("首次响应时限的单位"), choices=UNITS)
    solve = forms.IntegerField(label=_("办结时限"), min_value=1, max_value=2160)
    solve_unit = forms.ChoiceField(label=_("办结时限的单位"), choices=UNITS)

    def seconds(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            f"{step}_seconds": clean_level_amount(data[step], data[f"{step}_unit"])
            for step in ("accept", "respond", "solve")
        }

    @staticmethod
    def initial_for(seconds: dict[str, int]) -> dict:
        out = {}
        for step, value in seconds.items():
            if value % 86400 == 0:
                out[step], out[f"{step}_unit"] = value // 86400, "days"
            else:
                out[step], out[f"{step}_unit"] = max(1, value // 3600), "hours"
        return out
