"""Forms of a project's links: choosing its owners' vote (业主表决) and publishing its plan or
accounts as a public notice (公示)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from laoyuan.renewal.forms.common import ActionErrors, date_field, positive_int_field, text_field

MAX_PERIOD_DAYS = 90


class VoteForm(ActionErrors, forms.Form):
    vote = forms.ModelChoiceField(
        label=_("业主表决"),
        queryset=None,
        required=False,
        empty_label=_("不关联（取消关联）"),
        error_messages={"invalid_choice": _("只能选择本小区、本事项的业主表决。")},
    )

    def __init__(self, *args, votes: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vote"].queryset = votes
        self.fields["vote"].label_from_instance = lambda v: (
            f"{v.title}（{v.get_status_display()}，{v.closes_at:%Y-%m-%d}截止）"
        )


class NoticeForm(ActionErrors, forms.Form):
    title = text_field(_("标题"), most=120)
    body = text_field(_("正文"), most=20000, rows=10)
    starts_on = date_field(_("开始日期"), help_text=_("今天或以后。"))
    period_days = positive_int_field(_("公示天数"), most=MAX_PERIOD_DAYS)
    working_days = forms.BooleanField(
        label=_("按工作日计算（节假日顺延）"), required=False, initial=True
    )
