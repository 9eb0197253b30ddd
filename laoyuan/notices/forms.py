"""Forms of the notice pages (公示): the staff list's filters, writing a notice, withdrawing it,
typing in a paper objection, answering one, and a resident's objection on the portal.

Forms only parse what was typed; the rules are the actions' and their Chinese messages are put
next to the fields (`add_action_errors`), so a refused form keeps everything typed.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.notices import files
from laoyuan.notices.models import (
    ANSWER_MAX,
    BODY_MAX,
    CONTACT_MAX,
    ISSUER_MAX,
    OBJECTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    AnswerOutcome,
    NoticeKind,
)
from laoyuan.notices.phases import Phase

DATE_INVALID = gettext_lazy("请填写日期，例如 2026-09-28。")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionErrors:
    def add_action_errors(self, error: ValidationError) -> None:
        """Put an action's Chinese ValidationError messages next to their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class NoticeFilterForm(forms.Form):
    """Filters of the staff list; a bad value is reported and ignored."""

    place = forms.ChoiceField(label=gettext_lazy("地点"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *NoticeKind.choices],
    )
    phase = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *Phase.choices],
    )
    since = forms.DateField(
        label=gettext_lazy("公示期从"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    until = forms.DateField(
        label=gettext_lazy("到"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    q = forms.CharField(label=gettext_lazy("标题包含"), required=False, max_length=60)

    def __init__(self, data, *, places: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["place"].choices = [("", _("全部地点")), *places]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        place = data.get("place") or ""
        level, _sep, pk = place.partition(":")
        return {
            "compound_id": int(pk) if level == "compound" and pk.isdigit() else None,
            "community_id": int(pk) if level == "community" and pk.isdigit() else None,
            "kind": data.get("kind") or "",
            "phase": data.get("phase") or "",
            "since": data.get("since") if "until" not in self.errors else None,
            "until": data.get("until") if "until" not in self.errors else None,
            "text": (data.get("q") or "").strip(),
        }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one box; their kind and size are checked by the action (by content)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


def attachments_field(label) -> AttachmentsField:
    return AttachmentsField(
        label=label,
        required=False,
        help_text=gettext_lazy(
            "PDF、图片（JPG、PNG、WEBP、GIF）、Excel（.xlsx）或 Word（.docx），"
            "最多{n}个，每个不超过{size}MB。图片中的拍摄地点等信息会自动去掉。"
        ),
        widget=MultipleFileInput(attrs={"accept": files.ACCEPT}),
    )


class NoticeForm(ActionErrors, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("公示类型"),
        choices=NoticeKind.choices,
        error_messages={
            "required": gettext_lazy("请选择公示类型。"),
            "invalid_choice": gettext_lazy("请选择公示类型。"),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("标题"),
        required=False,
        max_length=TITLE_MAX,
        help_text=gettext_lazy("如“五福苑老旧小区改造实施方案公示”"),
        error_messages={"max_length": gettext_lazy("标题最多120个字。")},
    )
    body = forms.CharField(
        label=gettext_lazy("正文"),
        required=False,
        strip=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "max_length": gettext_lazy("正文最多20000个字；较长的材料请作为附件上传。")
        },
    )
    starts_on = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    period_days = forms.IntegerField(
        label=gettext_lazy("公示天数"),
        required=False,
        # The bounds are the action's (60 working days, 90 calendar days), said there.
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        error_messages={"invalid": gettext_lazy("公示天数应为整数。")},
    )
    working_days = forms.TypedChoiceField(
        label=gettext_lazy("按什么计算"),
        choices=[
            ("1", gettext_lazy("工作日（节假日不计，调休上班日计入）")),
            ("0", gettext_lazy("自然日")),
        ],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("请选择按工作日还是自然日计算。")},
    )
    ends_on = forms.DateField(
        label=gettext_lazy("结束日期（可不填）"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy("不填时按天数计算；只知道结束日期时，可以不填天数只填它。"),
        error_messages={"invalid": DATE_INVALID},
    )
    buildings = forms.ModelMultipleChoiceField(
        label=gettext_lazy("只对部分楼栋公示（不选即全小区）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("所选楼栋不在这个小区。")},
    )
    issuer = forms.CharField(
        label=gettext_lazy("发布单位（落款）"),
        required=False,
        max_length=ISSUER_MAX,
        error_messages={"max_length": gettext_lazy("发布单位最多80个字。")},
    )
    objection_contact = forms.CharField(
        label=gettext_lazy("书面异议交到哪里（可不填）"),
        required=False,
        max_length=CONTACT_MAX,
        help_text=gettext_lazy(
            "如“五福苑党群服务站（1栋旁），工作日9:00—17:00”；不填时写发布单位。"
        ),
        error_messages={"max_length": gettext_lazy("最多200个字。")},
    )
    attachments = attachments_field(gettext_lazy("附件（可不传）"))

    def __init__(self, *args, buildings: QuerySet | None, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if buildings is None:
            del self.fields["buildings"]
        else:
            self.fields["buildings"].queryset = buildings
        if not with_files:
            del self.fields["attachments"]
        else:
            field = self.fields["attachments"]
            field.help_text = str(field.help_text).format(
                n=files.max_attachments(), size=files.max_bytes() // (1024 * 1024)
            )
        if not self.is_bound and not self.initial.get("starts_on"):
            self.fields["starts_on"].initial = timezone.localdate()
        if not self.is_bound and not self.initial.get("period_days"):
            self.fields["period_days"].initial = 7

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        out = {
            "kind": data["kind"],
            "title": data.get("title") or "",
            "body": data.get("body") or "",
            "starts_on": data.get("starts_on"),
            "period_days": data.get("period_days"),
            "working_days": data.get("working_days", True),
            "ends_on": data.get("ends_on"),
            "issuer": data.get("issuer") or "",
            "objection_contact": data.get("objection_contact") or "",
        }
        if "buildings" in self.fields:
            out["buildings"] = list(data.get("buildings") or [])
        return out


class AttachForm(ActionErrors, forms.Form):
    attachments = attachments_field(gettext_lazy("再添加附件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attachments"]
        field.help_text = str(field.help_text).format(
            n=files.max_attachments(), size=files.max_bytes() // (1024 * 1024)
        )


class WithdrawForm(ActionErrors, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回理由"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("会记录在案，并在公示页面上说明。"),
        error_messages={"max_length": gettext_lazy("撤回理由最多1000个字。")},
    )


class PaperObjectionForm(ActionErrors, forms.Form):
    objector_name = forms.CharField(
        label=gettext_lazy("异议人姓名（按书面材料写）"),
        required=False,
        max_length=60,
        error_messages={"max_length": gettext_lazy("姓名最多60个字。")},
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话（可不填）"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy("加密保存，页面上只显示部分号码。"),
        error_messages={"max_length": gettext_lazy("电话号码太长。")},
    )
    received_on = forms.DateField(
        label=gettext_lazy("收到日期"),
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_INVALID},
    )
    text = forms.CharField(
        label=gettext_lazy("异议内容（照书面材料录入）"),
        required=False,
        strip=False,
        max_length=OBJECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": gettext_lazy("异议最多2000个字。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class AnswerForm(ActionErrors, forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=AnswerOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择处理结果：采纳、解释说明或正在核实。"),
            "invalid_choice": gettext_lazy("请选择处理结果：采纳、解释说明或正在核实。"),
        },
    )
    text = forms.CharField(
        label=gettext_lazy("答复内容"),
        required=False,
        strip=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "答复会在公示页面上公开（不显示异议人），线上提出的居民会收到通知。"
        ),
        error_messages={"max_length": gettext_lazy("答复最多5000个字。")},
    )


class ObjectionForm(ActionErrors, forms.Form):
    """A resident's objection on her portal."""

    text = forms.CharField(
        label=gettext_lazy("您的异议"),
        required=False,
        strip=False,
        max_length=OBJECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        help_text=gettext_lazy("写清楚哪里不同意、为什么。最多2000个字。您的姓名和电话不会公开。"),
        error_messages={"max_length": gettext_lazy("异议最多2000个字。")},
    )
