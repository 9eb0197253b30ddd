"""Forms of the compound's renewal pages: the rectification list (整治清单) and its items, the
inventory and check-ups (城市体检)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laoyuan.renewal import catalog
from laoyuan.renewal.forms.common import (
    ActionErrors,
    MoneyField,
    date_field,
    positive_int_field,
    text_field,
)
from laoyuan.renewal.models import Condition, Origin, RectificationState

ITEM_STATE_FILTERS = [("", _("全部")), ("open", _("未销号")), *RectificationState.choices]


class ItemFilterForm(forms.Form):
    compound = forms.TypedChoiceField(label=_("小区"), required=False, coerce=int, empty_value=None)
    origin = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", _("全部来源")), *Origin.choices]
    )
    state = forms.ChoiceField(label=_("状态"), required=False, choices=ITEM_STATE_FILTERS)
    overdue = forms.BooleanField(label=_("只看超期的"), required=False)

    def __init__(self, data, *, compounds: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["compound"].choices = [("", _("全部小区")), *compounds]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "compound_id": data.get("compound"),
            "origin": data.get("origin") or "",
            "state": data.get("state") or "",
            "overdue": bool(data.get("overdue")),
        }


class ItemForm(ActionErrors, forms.Form):
    title = text_field(_("问题"), most=120, help_text=_("如：3栋门口井盖松动"))
    location = text_field(_("位置"), most=120, required=False)
    description = text_field(_("情况说明"), most=5000, required=False, rows=3)
    responsible_party = text_field(_("责任方"), most=120)
    found_on = date_field(_("发现日期"))
    work_days = positive_int_field(
        _("整改时限（工作日）"), most=250, help_text=_("按工作日计，节假日顺延、调休上班日计入")
    )
    topic = forms.ModelChoiceField(
        label=_("来自居民议题（可不选）"),
        queryset=None,
        required=False,
        empty_label=_("不关联议题"),
        error_messages={"invalid_choice": _("所选议题不在这个小区。")},
    )

    def __init__(self, *args, topics: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["found_on"].initial = timezone.localdate()


class ItemTransitionForm(ActionErrors, forms.Form):
    to_state = forms.ChoiceField(
        label=_("改为"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择下一步。"), "invalid_choice": _("请选择下一步。")},
    )
    note = text_field(
        _("说明"), most=2000, required=False, rows=3, help_text=_("撤销或复核不通过时必须写明理由")
    )

    def __init__(self, *args, states: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = states


class AssetForm(ActionErrors, forms.Form):
    asset_type = forms.ChoiceField(
        label=_("设施类型"),
        error_messages={"required": _("请选择设施类型。"), "invalid_choice": _("请选择设施类型。")},
    )
    name = text_field(_("名称或位置"), most=120, help_text=_("如：3栋雨水管、东门至5栋主干道"))
    building = forms.ModelChoiceField(
        label=_("楼栋（可不选）"),
        queryset=None,
        required=False,
        empty_label=_("全小区"),
        error_messages={"invalid_choice": _("所选楼栋不在这个小区。")},
    )
    quantity = MoneyField(_("数量"), required=False)
    unit = text_field(_("单位"), most=10, required=False, help_text=_("留空则用该类设施的常用单位"))
    installed_year = forms.IntegerField(
        label=_("建设年份"),
        required=False,
        error_messages={"invalid": _("请填写四位年份，如 1994。")},
    )

    def __init__(self, *args, buildings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["asset_type"].choices = [
            ("", _("请选择")),
            *[(t.code, f"{t.name}（{t.unit}）") for t in catalog.asset_types()],
        ]


class CheckupForm(ActionErrors, forms.Form):
    checked_on = date_field(_("体检日期"))
    inspector = text_field(_("体检单位或人员"), most=120)
    parking_demand = forms.IntegerField(
        label=_("停车需求（个）"),
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=_("需要车位的户数，用来算停车缺口"),
        error_messages={
            "invalid": _("请填写整数。"),
            "min_value": _("应不小于0。"),
            "max_value": _("数值过大。"),
        },
    )
    note = text_field(_("说明"), most=5000, required=False, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()


CONDITION_CHOICES = [("", _("未检查")), *Condition.choices]


class RatingForm(forms.Form):
    asset = forms.IntegerField(widget=forms.HiddenInput)
    condition = forms.ChoiceField(
        label=_("状况"),
        required=False,
        choices=CONDITION_CHOICES,
        error_messages={"invalid_choice": _("请选择状况。")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


RatingFormSet = forms.formset_factory(RatingForm, extra=0, max_num=500, absolute_max=500)


class RatingRectifyForm(ActionErrors, forms.Form):
    responsible_party = text_field(_("责任方"), most=120)
    work_days = positive_int_field(_("整改时限（工作日）"), most=250)
