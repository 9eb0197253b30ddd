"""Forms of owners' votes (业主表决): the list's filters, preparing a vote, typing in a paper
ballot (纸质票), recording a written proxy (委托), the roll's filters (door-knocking) and the
owner's ballot on her phone. The rules are the actions'; their Chinese errors go next to the
fields, and a refused form keeps everything typed (files excepted: browsers never refill them).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laoyuan.decisions.forms import ActionErrors
from laoyuan.decisions.votes.actions import VoteDraft
from laoyuan.decisions.votes.models import Matter, VoteStatus

DATETIME_INVALID = _("请填写日期和时间，例如 2026-12-20 18:00。")


def datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VoteFilterForm(forms.Form):
    """Filters of the vote list; bad values are ignored."""

    compound = forms.TypedChoiceField(label=_("小区"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *VoteStatus.choices]
    )
    matter = forms.ChoiceField(
        label=_("表决事项"), required=False, choices=[("", _("全部事项")), *Matter.choices]
    )

    def __init__(self, data, *, compounds: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["compound"].choices = [("", _("全部小区")), *compounds]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "compound_id": data.get("compound"),
            "status": data.get("status") or "",
            "matter": data.get("matter") or "",
        }


class BuildingChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.title}（{obj.get_status_display()}）"


class VoteForm(ActionErrors, forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=120,
        help_text=_("如：3栋加装电梯表决"),
        error_messages={"required": _("请填写标题。"), "max_length": _("标题最多120个字。")},
    )
    matter = forms.ChoiceField(
        label=_("表决事项"),
        choices=Matter.choices,
        help_text=_(
            "第（六）（七）（八）项须参与表决面积和人数的四分之三以上同意，其他事项须过半数同意；"
            "均须三分之二以上的面积和人数参与表决。意见征询不作为业主共同决定。"
        ),
        error_messages={"required": _("请选择表决事项。"), "invalid_choice": _("请选择表决事项。")},
    )
    question = forms.CharField(
        label=_("表决内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写清楚业主同意的是什么：方案、费用及分摊、期限。"),
        error_messages={"required": _("请写明表决的内容。"), "max_length": _("最多5000个字。")},
    )
    buildings = BuildingChoices(
        label=_("只由这些楼栋的业主表决（不选则为全小区）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("只能选择本小区的楼栋。")},
    )
    meeting = MeetingChoice(
        label=_("召开表决的业主大会"),
        queryset=None,
        required=False,
        empty_label=_("（意见征询不需要）"),
        error_messages={"invalid_choice": _("所选业主大会不在本小区，或已取消。")},
    )
    opens_at = forms.DateTimeField(
        label=_("开始投票"),
        widget=datetime_widget(),
        error_messages={"required": _("请填写开始时间。"), "invalid": DATETIME_INVALID},
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"),
        widget=datetime_widget(),
        error_messages={"required": _("请填写截止时间。"), "invalid": DATETIME_INVALID},
    )
    options = forms.CharField(
        label=_("意见征询的选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("表决事项固定为“同意、不同意、弃权”，不用填。"),
        max_length=1000,
        error_messages={"max_length": _("选项太长。")},
    )

    def __init__(self, *args, buildings: QuerySet, meetings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = buildings
        self.fields["meeting"].queryset = meetings
        if not self.is_bound and "opens_at" not in self.initial:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial["opens_at"] = now
            self.initial["closes_at"] = (now + dt.timedelta(days=15)).replace(hour=18, minute=0)

    def draft(self) -> VoteDraft:
        data = self.cleaned_data
        return VoteDraft(
            title=data["title"],
            question=data["question"],
            matter=data["matter"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            buildings=list(data["buildings"]),
            meeting=data["meeting"],
            options=(data.get("options") or "").splitlines(),
        )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ProxyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("受托人%(name)s（%(when)s登记）") % {
            "name": obj.proxy_name,
            "when": f"{timezone.localtime(obj.at):%Y-%m-%d}",
        }


class PaperBallotForm(ActionErrors, forms.Form):
    owner = OwnerChoice(
        label=_("投票的业主（签名人）"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("请选择业主。"), "invalid_choice": _("请选择业主。")},
    )
    choice = forms.ChoiceField(
        label=_("表决票上勾选的是"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择表决票上勾选的选项。"),
            "invalid_choice": _("请选择表决票上勾选的选项。"),
        },
    )
    ballot_number = forms.CharField(
        label=_("票号"),
        max_length=40,
        error_messages={
            "required": _("请填写表决票上的票号。"),
            "max_length": _("票号最多40个字符。"),
        },
    )
    received_at = forms.DateTimeField(
        label=_("收票时间"),
        widget=datetime_widget(),
        error_messages={"required": _("请填写收到这张票的时间。"), "invalid": DATETIME_INVALID},
    )
    scan = forms.FileField(
        label=_("表决票扫描件或照片（PDF、JPG、PNG）"),
        error_messages={"required": _("请上传扫描件或照片（PDF、JPG、PNG）。")},
    )
    proxy = ProxyChoice(
        label=_("由受托人代为投票"),
        queryset=None,
        required=False,
        empty_label=_("（业主本人投票）"),
        error_messages={"invalid_choice": _("所选委托不是这位业主的。")},
    )
    replaces_paper = forms.BooleanField(
        label=_("替换原纸质票（业主重新填写了表决票）"), required=False
    )

    def __init__(self, *args, owners: QuerySet, proxies: QuerySet, options: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["proxy"].queryset = proxies
        self.fields["choice"].choices = options
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class ResidentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.household.unit}）"


class ProxyForm(ActionErrors, forms.Form):
    owner = OwnerChoice(
        label=_("委托人（业主）"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("请选择业主。"), "invalid_choice": _("请选择业主。")},
    )
    proxy_name = forms.CharField(
        label=_("受托人姓名"),
        max_length=60,
        error_messages={"required": _("请填写受托人姓名。"), "max_length": _("最多60个字。")},
    )
    proxy_resident = ResidentChoice(
        label=_("受托人在本户有账号时，可让她在手机上代为投票"),
        queryset=None,
        required=False,
        empty_label=_("（受托人交纸质票）"),
        error_messages={"invalid_choice": _("所选居民不在这套房屋的住户里。")},
    )
    scan = forms.FileField(
        label=_("授权委托书扫描件或照片（PDF、JPG、PNG）"),
        error_messages={"required": _("请上传授权委托书的扫描件或照片。")},
    )
    note = forms.CharField(
        label=_("备注（可不填）"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("备注最多200个字。")},
    )

    def __init__(self, *args, owners: QuerySet, residents: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["proxy_resident"].queryset = residents


class RollFilterForm(forms.Form):
    """Filters of the roll (表决名册); bad values are ignored."""

    voted = forms.ChoiceField(
        label=_("投票情况"),
        required=False,
        choices=[("", _("全部")), ("no", _("还没投票")), ("yes", _("已投票"))],
    )
    building = forms.TypedChoiceField(label=_("楼栋"), required=False, coerce=int, empty_value=None)
    grid = forms.TypedChoiceField(label=_("网格"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("房号或姓名"), required=False, max_length=40)

    def __init__(self, data, *, buildings: list, grids: list):
        super().__init__(data)
        self.fields["building"].choices = [("", _("全部楼栋")), *buildings]
        self.fields["grid"].choices = [("", _("全部网格")), *grids]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        voted = {"yes": True, "no": False}.get(data.get("voted") or "")
        return {
            "voted": voted,
            "building_id": data.get("building"),
            "grid_id": data.get("grid"),
            "text": data.get("q") or "",
        }


class FindPersonForm(forms.Form):
    """Find the voting person of a paper ballot or a proxy by room or name."""

    q = forms.CharField(
        label=_("房号或业主姓名"),
        max_length=40,
        help_text=_("如：3栋2单元501，或 501，或业主姓名"),
        error_messages={"required": _("请填写房号或业主姓名。")},
    )


DATE_INVALID = _("请填写日期，例如 2026-09-28。")


def period_fields() -> dict[str, forms.Field]:
    """The period of a public notice (公示期): the start, the number of days and how they are
    counted; shared by the result notice and a resolution's notice."""
    return {
        "starts_on": forms.DateField(
            label=_("公示开始日期"),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"required": _("请填写公示开始日期。"), "invalid": DATE_INVALID},
        ),
        "period_days": forms.IntegerField(
            label=_("公示天数"),
            # The bounds are the notices' (60 working days, 90 calendar days), said there.
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            error_messages={
                "required": _("请填写公示天数。"),
                "invalid": _("公示天数应为整数。"),
            },
        ),
        "working_days": forms.TypedChoiceField(
            label=_("按什么计算"),
            choices=[
                ("1", _("工作日（节假日不计，调休上班日计入）")),
                ("0", _("自然日")),
            ],
            coerce=lambda v: v == "1",
            widget=forms.RadioSelect,
            initial="1",
            error_messages={"required": _("请选择按工作日还是自然日计算。")},
        ),
    }


class ResultNoticeForm(ActionErrors, forms.Form):
    """Publish a closed vote's result as a public notice: its period and an optional note."""

    starts_on = period_fields()["starts_on"]
    period_days = period_fields()["period_days"]
    working_days = period_fields()["working_days"]
    note = forms.CharField(
        label=_("补充说明（可不填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写在公示正文的最后，例如书面异议交到哪里。"),
        error_messages={"max_length": _("补充说明最多2000个字。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["starts_on"].initial = timezone.localdate()
            self.fields["period_days"].initial = 7
