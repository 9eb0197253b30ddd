"""Forms of the topic pages (议题): the list's filters, and the forms that rename, merge (合并),
split (拆分), move voices between and change the state of a topic.

Forms only parse and check the shape of the input; the rules (same compound, live topics, what
each state needs) are the actions' and come back as their Chinese ValidationErrors, which
`ActionErrors.add_action_errors` puts next to the fields.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from laoyuan.voices.models import TopicState, Voice

TITLE_MAX = 120
TEXT_MAX = 5000
PARTY_MAX = 120
NOTE_MAX = 2000
SEARCH_MAX = 40


class ActionErrors:
    """Put the Chinese messages of an action's ValidationError next to their fields."""

    def add_action_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


STATE_FILTERS = [
    ("", _("全部（不含已并入的）")),
    ("live", _("进行中（待议、协商中、已决定）")),
    *[(value, label) for value, label in TopicState.choices],
]


class TopicFilterForm(forms.Form):
    """The filters of the topic list; a bad value is ignored rather than refused."""

    q = forms.CharField(label=_("议题名称包含"), required=False, max_length=SEARCH_MAX)
    compound = forms.TypedChoiceField(label=_("小区"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_FILTERS)
    category = forms.ChoiceField(label=_("分类"), required=False)

    def __init__(self, data, *, compounds: list[tuple[int, str]], categories: list[str]):
        super().__init__(data)
        self.fields["compound"].choices = [("", _("全部小区")), *compounds]
        self.fields["category"].choices = [("", _("全部分类")), *[(c, c) for c in categories]]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "text": (data.get("q") or "").strip(),
            "compound_id": data.get("compound"),
            "state": data.get("state") or "",
            "category": data.get("category") or "",
        }


class TopicEditForm(ActionErrors, forms.Form):
    title = forms.CharField(
        label=_("议题名称"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("议题名称不能为空。"),
            "max_length": _("议题名称最多120个字。"),
        },
    )
    category = forms.ChoiceField(label=_("一级分类"), required=False)
    subcategory = forms.ChoiceField(label=_("二级分类"), required=False)

    def __init__(self, *args, taxonomy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("（未归类）")),
            *[(c.name, c.name) for c in taxonomy.categories],
        ]
        # Grouped by first level, so a reader sees which second level belongs where; the action
        # refuses a second level that does not belong to the chosen first level.
        self.fields["subcategory"].choices = [
            ("", _("（不细分）")),
            *[
                (c.name, [(s.name, s.name) for s in c.children])
                for c in taxonomy.categories
                if c.children
            ],
        ]
        for name in ("category", "subcategory"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "“%(value)s”不在本街道的分类目录中。"
            )


class TopicMergeForm(ActionErrors, forms.Form):
    """Merge this topic into another live topic of the same compound."""

    target = forms.ModelChoiceField(
        label=_("并入哪个议题"),
        queryset=None,
        empty_label=_("请选择议题"),
        error_messages={
            "required": _("请选择要并入的议题。"),
            "invalid_choice": _("所选议题已不存在、已办结或不在本小区，请刷新后重选。"),
        },
    )
    note = forms.CharField(
        label=_("合并说明（可不填）"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("合并说明最多2000个字。")},
    )

    def __init__(self, *args, targets: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


def _voice_ids(raw: list[str]) -> list[int]:
    ids = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(_("所选意见编号不对：%(value)s") % {"value": value}) from None
    return list(dict.fromkeys(ids))


class VoicesPickForm(ActionErrors, forms.Form):
    """The voices ticked on the topic page (checkboxes named `voices`)."""

    voices = forms.TypedMultipleChoiceField(
        label=_("选中的意见"),
        coerce=int,
        choices=(),
        error_messages={
            "required": _("请先勾选意见。"),
            "invalid_choice": _("所选意见已不在本议题中（可能刚被他人移走），请刷新后重选。"),
        },
    )

    def __init__(self, *args, topic_voices: QuerySet[Voice], **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_voices = topic_voices
        # Checked against the topic's voices in the database, not against the page shown: a
        # topic may have more voices than one page.
        self.fields["voices"].valid_value = self._is_voice_of_topic
        self._known: set[int] | None = None

    def _is_voice_of_topic(self, value) -> bool:
        if self._known is None:
            raw = self.data.getlist("voices") if hasattr(self.data, "getlist") else []
            try:
                wanted = _voice_ids(raw)
            except ValidationError:
                wanted = []
            self._known = set(self.topic_voices.filter(pk__in=wanted).values_list("pk", flat=True))
        try:
            return int(value) in self._known
        except (TypeError, ValueError):
            return False

    def picked(self) -> list[Voice]:
        return list(self.topic_voices.filter(pk__in=self.cleaned_data["voices"]))


class TopicSplitForm(VoicesPickForm):
    title = forms.CharField(
        label=_("新议题名称"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("请给拆出的新议题起个名称。"),
            "max_length": _("议题名称最多120个字。"),
        },
    )


class TopicMoveForm(VoicesPickForm):
    target = forms.ModelChoiceField(
        label=_("移到哪个议题"),
        queryset=None,
        empty_label=_("请选择议题"),
        error_messages={
            "required": _("请选择要移入的议题。"),
            "invalid_choice": _("所选议题已不存在、已办结或不在本小区，请刷新后重选。"),
        },
    )

    def __init__(self, *args, targets: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class TopicTransitionForm(ActionErrors, forms.Form):
    """A state change. Any state may be asked for: whether it may follow the current one is the
    action's rule (TOPIC_TRANSITIONS), and its refusal names both states in Chinese."""

    to_state = forms.ChoiceField(
        label=_("改为"),
        choices=[(v, label) for v, label in TopicState.choices if v != TopicState.MERGED],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择新的状态。"),
            "invalid_choice": _("“%(value)s”不是可选的状态。"),
        },
    )
    # The state the user saw: if someone else changed the topic meanwhile, refuse rather than
    # act on a page that is out of date.
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)
    decision = forms.CharField(
        label=_("决定内容"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("决定内容最多5000个字。")},
    )
    responsible_party = forms.CharField(
        label=_("责任方"),
        required=False,
        max_length=PARTY_MAX,
        error_messages={"max_length": _("责任方最多120个字。")},
    )
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("完成时限请填写日期，例如 2026-06-30。")},
    )
    answer = forms.CharField(
        label=_("给居民的答复"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("答复最多5000个字。")},
    )
    reason = forms.CharField(
        label=_("不予采纳的理由"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("理由最多5000个字。")},
    )
    note = forms.CharField(
        label=_("备注（可不填）"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("备注最多2000个字。")},
    )

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.fields["seen_state"].initial = topic.state

    def clean(self):
        data = super().clean()
        seen = data.get("seen_state")
        if seen and seen != self.topic.state:
            raise ValidationError(
                _("这个议题的状态刚被改为“%(now)s”，请看过最新情况后再操作。")
                % {"now": self.topic.get_state_display()}
            )
        return data

    def deadline_value(self) -> dt.date | None:
        return self.cleaned_data.get("deadline")
