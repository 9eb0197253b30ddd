"""Forms of the staff workspace: the resident list filters and the resident (居民) edit form.

Forms only parse what was typed. Validation of ID numbers (身份证号) and phones, permissions and
the audit log live in `registry.actions`; their Chinese messages are put back next to the field.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from laoyuan.registry.models import Relation, Sex, Tenure

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]

AGE_GROUPS = [
    ("", _("全部年龄")),
    ("elderly", _("65岁及以上老人")),
    ("infant", _("3岁以下婴幼儿")),
]
FLAGS = [
    ("", _("不限")),
    ("lives_alone", _("独居")),
    ("disabled", _("残疾")),
    ("low_income", _("低保/低收入")),
    ("party_member", _("党员")),
]


class ResidentFilterForm(forms.Form):
    """The resident list's search and filters, read from the query string."""

    q = forms.CharField(
        label=_("姓名、完整身份证号或手机号"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    community = forms.IntegerField(label=_("社区"), required=False, min_value=1)
    compound = forms.IntegerField(label=_("小区"), required=False, min_value=1)
    building = forms.IntegerField(label=_("楼栋"), required=False, min_value=1)
    grid = forms.IntegerField(label=_("微网格"), required=False, min_value=1)
    age = forms.ChoiceField(label=_("年龄段"), required=False, choices=AGE_GROUPS)
    flag = forms.ChoiceField(label=_("关怀标记"), required=False, choices=FLAGS)
    # A search by full number, as its keyed hash and masked form (see queries.number_search_key).
    number = forms.CharField(required=False, max_length=80)
    shown = forms.CharField(required=False, max_length=30)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict:
        """The valid filters as keyword arguments of `queries.residents_for`; bad ones dropped."""
        self.is_valid()  # keeps the fields that are valid in cleaned_data
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "community_id": data.get("community"),
            "compound_id": data.get("compound"),
            "building_id": data.get("building"),
            "grid_id": data.get("grid"),
            "age_group": data.get("age") or "",
            "flag": data.get("flag") or "",
            "number_key": data.get("number") or "",
        }


class ResidentForm(forms.Form):
    """Add a resident to a household, or change one. The full ID number and phone are never put
    back into the form: an empty box keeps what is registered."""

    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = forms.CharField(
        label=_("身份证号"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    sex = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", _("按身份证号自动填写")), *Sex.choices],
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("留空则按身份证号自动填写"),
        error_messages={"invalid": _("出生日期格式不正确，请写成 1948-03-12")},
    )
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)
    tenure = forms.ChoiceField(label=_("居住类型"), choices=Tenure.choices)
    lives_alone = forms.BooleanField(label=_("独居"), required=False)
    disabled = forms.BooleanField(label=_("残疾"), required=False)
    low_income = forms.BooleanField(label=_("低保/低收入"), required=False)
    party_member = forms.BooleanField(label=_("党员"), required=False)
    is_active = forms.BooleanField(label=_("在住"), required=False, initial=True)
    note = forms.CharField(
        label=_("备注"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
    clear_id_number = forms.BooleanField(label=_("删除已登记的身份证号"), required=False)
    clear_phone = forms.BooleanField(label=_("删除已登记的联系电话"), required=False)

    FLAG_FIELDS = ("lives_alone", "disabled", "low_income", "party_member")
    PLAIN_FIELDS = ("name", "sex", "birth_date", "relation", "tenure", *FLAG_FIELDS, "note")

    def __init__(self, *args, resident=None, **kwargs):
        kwargs.setdefault("label_suffix", "")  # Chinese labels take no trailing colon here
        self.resident = resident
        if resident is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(resident, name) for name in (*self.PLAIN_FIELDS, "is_active")
            }
        super().__init__(*args, **kwargs)
        if resident is None:
            # A new resident: nothing to keep or clear, and she lives here.
            for name in ("is_active", "clear_id_number", "clear_phone"):
                del self.fields[name]
        else:
            keep = _("留空则保持不变（当前：{masked}）")
            none = _("尚未登记；留空则不登记")
            for field in ("id_number", "phone"):
                masked = getattr(resident, f"{field}_masked")
                self.fields[field].help_text = keep.format(masked=masked) if masked else none
                if not masked:
                    del self.fields[f"clear_{field}"]

    def clean(self):
        data = super().clean()
        for field in ("id_number", "phone"):
            if data.get(f"clear_{field}") and data.get(field):
                self.add_error(field, _("已勾选删除，请不要同时填写新号码"))
        return data

    def action_arguments(self) -> dict:
        """Keyword arguments for `actions.resident_create` / `resident_update`.

        id_number/phone: None keeps what is registered, "" clears it, anything else replaces it."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.PLAIN_FIELDS}
        arguments["name"] = data["name"].strip()
        if "is_active" in self.fields:
            arguments["is_active"] = data["is_active"]
        for field in ("id_number", "phone"):
            typed = data.get(field, "").strip()
            if data.get(f"clear_{field}"):
                arguments[field] = ""
            elif typed:
                arguments[field] = typed
            else:
                arguments[field] = None
        return arguments

    def add_action_errors(self, error: ValidationError) -> None:
        """Put the Chinese messages of an action's ValidationError next to their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
