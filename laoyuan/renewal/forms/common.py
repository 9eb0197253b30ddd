"""Pieces every renewal form uses."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from laoyuan.decisions.forms import DATE_INVALID, ActionErrors

__all__ = ["DATE_INVALID", "ActionErrors", "MoneyField", "date_field", "text_field"]


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=date_widget(),
        help_text=help_text,
        error_messages={"required": _("请填写日期。"), "invalid": DATE_INVALID},
    )


def text_field(
    label, *, most: int, required: bool = True, rows: int = 0, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=most,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={
            "required": format_lazy(_("请填写{label}。"), label=label),
            "max_length": format_lazy(_("最多{n}个字。"), n=most),
        },
    )


class MoneyField(forms.CharField):
    """An amount as typed ("1,500,000.00"): the action checks it as a Decimal to the fen."""

    def __init__(self, label, *, required: bool = True, help_text: str = "", **kwargs):
        super().__init__(
            label=label,
            required=required,
            max_length=24,
            help_text=help_text,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "required": format_lazy(_("请填写{label}。"), label=label),
                "max_length": _("数值过长。"),
            },
            **kwargs,
        )


def positive_int_field(label, *, most: int, required: bool = True, help_text: str = ""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=most,
        help_text=help_text,
        error_messages={
            "required": format_lazy(_("请填写{label}。"), label=label),
            "invalid": _("请填写整数。"),
            "min_value": _("应不小于1。"),
            "max_value": format_lazy(_("应不大于{n}。"), n=most),
        },
    )
