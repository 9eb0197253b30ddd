"""Forms of the project library pages (改造项目库): filters, a project's fields with its lines
of scope (工程量, repeatable rows), a step of the lifecycle, linking topics and the meeting
decision, and attaching a document."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from laoyuan.renewal import catalog
from laoyuan.renewal.actions import ProjectFields, QuantityEntry
from laoyuan.renewal.forms.common import ActionErrors, MoneyField, date_field, text_field
from laoyuan.renewal.models import AttachmentKind, OwnersMatter, ProjectState, RenewalClass

STATE_FILTERS = [
    ("", _("全部")),
    ("live", _("进行中（未验收）")),
    ("done", _("已验收及维护中")),
    *ProjectState.choices,
]


class ProjectFilterForm(forms.Form):
    """The list's filters; a bad value is ignored rather than refused."""

    q = forms.CharField(label=_("项目名称包含"), required=False, max_length=40)
    compound = forms.TypedChoiceField(label=_("小区"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_FILTERS)
    renewal_class = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *RenewalClass.choices]
    )
    behind = forms.BooleanField(label=_("只看进度滞后的"), required=False)

    def __init__(self, data, *, compounds: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["compound"].choices = [("", _("全部小区")), *compounds]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "compound_id": data.get("compound"),
            "state": data.get("state") or "",
            "renewal_class": data.get("renewal_class") or "",
            "behind": bool(data.get("behind")),
            "text": (data.get("q") or "").strip(),
        }


class ProjectForm(ActionErrors, forms.Form):
    title = text_field(_("项目名称"), most=120)
    item_type = forms.ChoiceField(
        label=_("改造项"),
        help_text=_("类别（基础类、完善类、提升类）随改造项而定"),
        error_messages={"required": _("请选择改造项。"), "invalid_choice": _("请选择改造项。")},
    )
    description = text_field(_("改造内容"), most=5000, required=False, rows=4)
    buildings = forms.ModelMultipleChoiceField(
        label=_("涉及楼栋"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选楼栋不在这个小区。")},
    )
    budget = MoneyField(_("预算（元）"), required=False, help_text=_("如 15000000.00"))
    planned_start = date_field(_("计划开工"), required=False)
    planned_end = date_field(_("计划完工"), required=False)
    designer = text_field(_("设计单位"), most=120, required=False)
    contractor = text_field(_("施工单位"), most=120, required=False)
    vote_matter = forms.ChoiceField(
        label=_("需业主共同决定的事项（民法典第278条）"),
        required=False,
        choices=[("", _("无须业主表决")), *OwnersMatter.choices],
        error_messages={"invalid_choice": _("请选择需业主共同决定的事项，或留空。")},
    )
    fund_emergency = forms.BooleanField(
        label=_("按应急程序使用维修资金（民法典第281条）"), required=False
    )
    fund_emergency_reason = text_field(_("应急理由"), most=2000, required=False, rows=2)

    def __init__(self, *args, buildings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = buildings
        self.fields["item_type"].choices = [("", _("请选择改造项")), *catalog.item_type_choices()]

    def project_fields(self, quantities: list[QuantityEntry]) -> ProjectFields:
        data = self.cleaned_data
        return ProjectFields(
            title=data["title"],
            item_type=data["item_type"],
            description=data["description"],
            budget=data["budget"] or None,
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            designer=data["designer"],
            contractor=data["contractor"],
            vote_matter=data["vote_matter"],
            fund_emergency=data["fund_emergency"],
            fund_emergency_reason=data["fund_emergency_reason"],
            buildings=list(data["buildings"]),
            quantities=quantities,
        )


class QuantityForm(forms.Form):
    item = forms.CharField(label=_("内容"), required=False, max_length=120)
    amount = forms.CharField(label=_("数量"), required=False, max_length=24)
    unit = forms.CharField(label=_("单位"), required=False, max_length=10)

    def entry(self) -> QuantityEntry | None:
        data = self.cleaned_data
        if not any((data.get(k) or "").strip() for k in ("item", "amount", "unit")):
            return None
        return QuantityEntry(item=data["item"], amount=data["amount"], unit=data["unit"])


MAX_QUANTITY_ROWS = 50
QuantityFormSet = forms.formset_factory(
    QuantityForm,
    extra=3,
    max_num=MAX_QUANTITY_ROWS,
    validate_max=True,
    absolute_max=MAX_QUANTITY_ROWS,
)


def quantity_entries(formset) -> list[QuantityEntry]:
    return [e for e in (f.entry() for f in formset.forms) if e is not None]


class TransitionForm(ActionErrors, forms.Form):
    to_state = forms.ChoiceField(
        label=_("改为"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择下一步。"), "invalid_choice": _("请选择下一步。")},
    )
    note = text_field(
        _("说明"),
        most=2000,
        required=False,
        rows=3,
        help_text=_("撤销或退回设计时必须写明理由"),
    )

    def __init__(self, *args, states: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = states


class TopicsForm(ActionErrors, forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("本小区已决定的议题"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一个议题。"),
            "invalid_choice": _("所选议题已不能列入，请刷新后重选。"),
        },
    )

    def __init__(self, *args, topics: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics


class ResolutionForm(ActionErrors, forms.Form):
    resolution = forms.ModelChoiceField(
        label=_("会议决定"),
        queryset=None,
        empty_label=_("请选择会议决定"),
        error_messages={
            "required": _("请选择会议决定。"),
            "invalid_choice": _("只能选择本小区会议的决定。"),
        },
    )

    def __init__(self, *args, decisions: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = decisions
        self.fields["resolution"].label_from_instance = lambda d: (
            f"{d.meeting.held_on:%Y-%m-%d} {d.meeting.title}：{d.topic.title} → {d.solution[:40]}"
        )


class AttachmentForm(ActionErrors, forms.Form):
    kind = forms.ChoiceField(
        label=_("附件类型"),
        choices=AttachmentKind.choices,
        error_messages={"required": _("请选择附件类型。"), "invalid_choice": _("请选择附件类型。")},
    )
    title = text_field(_("附件名称"), most=120)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG、PNG、WEBP、XLSX、DOCX，不超过20MB"),
        error_messages={"required": _("请选择要上传的文件。"), "empty": _("文件是空的。")},
    )
