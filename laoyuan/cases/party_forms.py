"""Forms of the party registry (责任方名录): a party, a contact, an account acting for it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laoyuan.cases.models import PartyKind
from laoyuan.voices.topic_forms import ActionErrors


class PartyForm(ActionErrors, forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=80,
        error_messages={"required": _("请填写名称。"), "max_length": _("名称最多80个字。")},
    )
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("请选择类型")), *PartyKind.choices])
    street = forms.TypedChoiceField(label=_("所属街道"), coerce=int)
    serves = forms.ChoiceField(
        label=_("服务范围"),
        required=False,
        help_text=_("整个街道，或其中一个社区、一个小区。"),
    )
    aliases = forms.CharField(
        label=_("别称（可不填，用顿号“、”分隔）"),
        required=False,
        max_length=400,
        help_text=_("决定和议题里写的名称，如“自来水公司”，用来自动匹配责任方。"),
    )
    duty = forms.CharField(
        label=_("职责范围（可不填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    service_phone = forms.CharField(
        label=_("单位服务电话（可不填）"), required=False, max_length=30
    )
    is_active = forms.BooleanField(
        label=_("在用（不再合作的可取消勾选，已有工单不受影响）"), required=False, initial=True
    )

    def __init__(self, *args, streets, places, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = streets
        if len(streets) == 1:
            self.fields["street"].widget = forms.HiddenInput()
        self.fields["serves"].choices = [("", _("整个街道")), *places]
        if not editing:
            del self.fields["is_active"]

    def alias_list(self) -> list[str]:
        raw = self.cleaned_data.get("aliases") or ""
        for sep in (",", "，", ";", "；", "\n"):
            raw = raw.replace(sep, "、")
        return [a.strip() for a in raw.split("、") if a.strip()]


class ContactForm(ActionErrors, forms.Form):
    name = forms.CharField(label=_("联系人姓名"), max_length=40)
    post = forms.CharField(label=_("职务（可不填）"), required=False, max_length=40)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        help_text=_("加密保存，只显示脱敏号码；查看完整号码会留痕。"),
    )


class MemberForm(ActionErrors, forms.Form):
    username = forms.CharField(
        label=_("账号（用户名）"),
        max_length=150,
        help_text=_("已有的账号；新账号请系统管理员先开通。"),
    )
