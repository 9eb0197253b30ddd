"""Forms of the funding pages (资金共担): a source and its pledge, money received, a payment
request and its approval, a reversal, a share scheme and a household's payment."""

from __future__ import annotations

import re

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laoyuan.renewal.forms.common import ActionErrors, MoneyField, date_field, text_field
from laoyuan.renewal.models import ShareBasis, SourceKind

VOUCHER_HELP = _("可选：收据、银行回单、拨款文件等（PDF 或照片，不超过20MB）")


def _voucher(label=None) -> forms.FileField:
    return forms.FileField(
        label=label or _("凭证"),
        required=False,
        help_text=VOUCHER_HELP,
        error_messages={"empty": _("文件是空的。")},
    )


class SourceForm(ActionErrors, forms.Form):
    kind = forms.ChoiceField(
        label=_("资金来源"),
        choices=SourceKind.choices,
        error_messages={"required": _("请选择资金来源。"), "invalid_choice": _("请选择资金来源。")},
    )
    funder = text_field(_("出资方"), most=120, help_text=_("如：锦江区财政局、某党建联盟单位"))
    reference = text_field(_("预算科目或文号"), most=120, required=False)
    pledged = MoneyField(
        _("认缴金额（元）"),
        required=False,
        help_text=_("居民自筹可留空：按分摊方案认缴"),
    )
    booked_on = date_field(_("认缴日期"))
    document = _voucher(_("资金文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class MoneyMoveForm(ActionErrors, forms.Form):
    """A pledge or a receipt: amount, date, what for, and a voucher for a receipt."""

    amount = MoneyField(_("金额（元）"))
    booked_on = date_field(_("日期"))
    description = text_field(_("摘要"), most=200, required=False)
    voucher = _voucher()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class PaymentForm(ActionErrors, forms.Form):
    amount = MoneyField(_("支付金额（元）"))
    payee = text_field(_("收款单位"), most=120)
    purpose = text_field(_("用途"), most=200, help_text=_("如：管网改造工程进度款（第一期）"))
    voucher = _voucher()


class DecideForm(ActionErrors, forms.Form):
    decision = forms.ChoiceField(
        label=_("审批"),
        choices=[("approve", _("批准支付")), ("reject", _("退回"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择批准或退回。"),
            "invalid_choice": _("请选择批准或退回。"),
        },
    )
    note = text_field(_("审批意见"), most=200, required=False, help_text=_("退回时必须写明理由"))


class ReverseForm(ActionErrors, forms.Form):
    reason = text_field(_("冲正理由"), most=180, help_text=_("如：金额录错，应为……"))


FLOOR_LINE = re.compile(r"^\s*(-?\d+)\s*(?:层|楼|F|f)?\s*[:：=＝,，\s]\s*([0-9.]+)\s*$")


def parse_floor_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """'1层: 0' / '2=0.6' lines → ({"1": "0", "2": "0.6"}, [lines that could not be read])."""
    out, bad = {}, []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = FLOOR_LINE.match(line)
        if match:
            out[match.group(1)] = match.group(2)
        else:
            bad.append(line.strip()[:40])
    return out, bad


class SchemeForm(ActionErrors, forms.Form):
    source = forms.ModelChoiceField(
        label=_("资金来源（居民自筹）"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={
            "required": _("请先添加“居民自筹”类的资金来源，再选择它。"),
            "invalid_choice": _("请选择本项目“居民自筹”类的资金来源。"),
        },
    )
    basis = forms.ChoiceField(
        label=_("分摊依据"),
        choices=ShareBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择分摊依据。"), "invalid_choice": _("请选择分摊依据。")},
    )
    total = MoneyField(_("分摊总额（元）"))
    buildings = forms.ModelMultipleChoiceField(
        label=_("分摊楼栋"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请选择分摊的楼栋。"),
            "invalid_choice": _("所选楼栋不在这个小区。"),
        },
    )
    coefficients = text_field(
        _("楼层系数（按楼层分摊时填写）"),
        most=2000,
        required=False,
        rows=6,
        help_text=_("每行一层，如“1: 0”“2: 0.6”“7: 1.4”；一楼不用电梯可填0"),
    )
    agreed_at = text_field(
        _("依据的约定"), most=200, required=False, help_text=_("如：2025年5月12日单元业主协商会")
    )

    def __init__(self, *args, sources: QuerySet, buildings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["buildings"].queryset = buildings

    def clean(self):
        data = super().clean()
        parsed, bad = parse_floor_lines(data.get("coefficients", ""))
        if bad:
            self.add_error(
                "coefficients", _("看不懂这几行：%(lines)s") % {"lines": "、".join(bad[:5])}
            )
        data["coefficient_map"] = parsed
        return data


class SharePayForm(ActionErrors, forms.Form):
    amount = MoneyField(_("本次缴纳（元）"))
    booked_on = date_field(_("缴纳日期"))
    voucher = _voucher(_("收据"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class CollectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("缴纳情况"),
        required=False,
        choices=[
            ("", _("全部")),
            ("paid", _("已缴清")),
            ("part", _("部分缴纳")),
            ("unpaid", _("未缴")),
        ],
    )
    q = forms.CharField(label=_("房号包含"), required=False, max_length=20)

    def filters(self) -> dict:
        self.is_valid()
        return {
            "status": self.cleaned_data.get("status") or "",
            "text": (self.cleaned_data.get("q") or "").strip(),
        }
