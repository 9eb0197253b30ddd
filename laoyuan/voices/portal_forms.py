"""Forms of the resident portal (居民端) for voices (社情民意): say something new, or add one's
voice to a topic already open (附议).

Forms only parse what was typed and say in plain Chinese what is wrong. The text checks are
the engine's own (`engine.text.check`), so the form and `actions.voice_submit` never disagree;
the photos are proven to be images and re-encoded by the action.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.registry.models import Building, Compound
from laoyuan.voices.actions import MAX_PHOTO_BYTES, MAX_PHOTOS
from laoyuan.voices.engine.text import VoiceTextError, check
from laoyuan.voices.models import VOICE_MAX_CHARS

# What a phone camera produces and the action can re-encode; said to her in these words.
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp"}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"
SPOT_MAX = 100


def clean_voice_text(value: object) -> str:
    """The text as the action will store it; browsers send line breaks as CR LF, which would
    count twice against the limit that the page's counter shows."""
    text = (value or "").replace("\r\n", "\n") if isinstance(value, str) else value
    try:
        return check(text, max_chars=VOICE_MAX_CHARS)
    except VoiceTextError as exc:
        raise ValidationError(str(exc)) from exc


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos in one file box; each checked for kind and size here, and for
    being a real picture by the action."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("最多上传{limit}张照片，您选了{count}张。请去掉几张再提交。").format(
                    limit=MAX_PHOTOS, count=len(files)
                )
            )
        problems = []
        for upload in files:
            name = getattr(upload, "name", "") or ""
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if ext and ext not in PHOTO_EXTENSIONS:
                problems.append(
                    _("“{name}”不是照片：只能上传 JPG、PNG 或 WEBP 格式。").format(name=name)
                )
            elif upload.size is not None and upload.size > MAX_PHOTO_BYTES:
                problems.append(_("照片“{name}”太大：每张不能超过10MB。").format(name=name))
        if problems:
            raise ValidationError(problems)
        return files


def _building_label(building: Building, several: bool) -> str:
    return f"{building.compound.name} {building}" if several else str(building)


def _natural(number: str) -> tuple:
    """Building numbers sort as people count: 2 before 10."""
    return (0, int(number), "") if number.isdigit() else (1, 0, number)


class VoiceForm(forms.Form):
    """A voice from the portal: where (her compound, a building, a spot), what, photos, and
    whether staff may see her name."""

    compound = forms.ModelChoiceField(
        label=gettext_lazy("哪个小区"),
        queryset=Compound.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("请选择您住的小区。")},
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("哪栋楼（可以不选）"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=gettext_lazy("不在哪栋楼里／说不清"),
        error_messages={"invalid_choice": gettext_lazy("所选楼栋不在您的小区。")},
    )
    spot = forms.CharField(
        label=gettext_lazy("具体位置（可以不填）"),
        required=False,
        help_text=gettext_lazy("例如：3单元楼道、东门停车棚、健身器材旁"),
        error_messages={"max_length": gettext_lazy("具体位置最多100个字。")},
        max_length=SPOT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    text = forms.CharField(
        label=gettext_lazy("您想反映什么？"),
        required=False,
        strip=False,
        help_text=gettext_lazy("写清楚是什么事、在哪里、有多久了。最多5000个字。"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
    )
    photos = PhotosField(
        label=gettext_lazy("照片（可以不传）"),
        required=False,
        help_text=gettext_lazy(
            "最多6张，JPG、PNG 或 WEBP 格式，每张不超过10MB。照片里的拍摄地点等信息会自动去掉。"
        ),
        widget=MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("匿名提交"),
        required=False,
        help_text=gettext_lazy(
            "勾选后，社区工作人员看不到您的名字；处理结果仍然会告诉您，在“我的意见”里也能看到。"
        ),
    )

    def __init__(
        self,
        *args,
        compounds: Iterable[Compound],
        buildings: Iterable[Building],
        **kwargs,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        compounds = list(compounds)
        self.compounds = compounds
        self.several = len(compounds) > 1
        ids = [c.pk for c in compounds]
        self.fields["compound"].queryset = Compound.objects.filter(pk__in=ids)
        self.fields["compound"].choices = [(c.pk, c.name) for c in compounds]
        if not self.several:
            self.fields["compound"].widget = forms.HiddenInput()
        buildings = sorted(
            (b for b in buildings if b.compound_id in ids),
            key=lambda b: (b.compound_id, _natural(b.number)),
        )
        self.fields["building"].queryset = Building.objects.filter(pk__in=[b.pk for b in buildings])
        self.fields["building"].choices = [("", self.fields["building"].empty_label)] + [
            (b.pk, _building_label(b, self.several)) for b in buildings
        ]
        # The help and the live counter are read out with the box they describe.
        self.fields["text"].widget.attrs["aria-describedby"] = "id_text_helptext text-count"
        self.fields["photos"].widget.attrs["aria-describedby"] = "id_photos_helptext"
        self.fields["anonymous"].widget.attrs["aria-describedby"] = "id_anonymous_helptext"
        self.text_count = len(clean_text_for_count(self.data.get("text", ""))) if self.data else 0
        self.text_limit = VOICE_MAX_CHARS

    def clean_text(self) -> str:
        return clean_voice_text(self.cleaned_data.get("text"))

    def clean_spot(self) -> str:
        return (self.cleaned_data.get("spot") or "").strip()

    def clean(self) -> dict:
        data = super().clean()
        compound, building = data.get("compound"), data.get("building")
        if compound and building and building.compound_id != compound.pk:
            self.add_error("building", _("所选楼栋不在这个小区，请重新选择。"))
        return data


class JoinTopicForm(forms.Form):
    """'我也反映这件事' on a topic's page: a few words (or none) and anonymity."""

    text = forms.CharField(
        label=gettext_lazy("补充几句（可以不写）"),
        required=False,
        strip=False,
        help_text=gettext_lazy("不写也可以：直接提交，就表示您也遇到了这件事。"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("匿名提交"),
        required=False,
        help_text=gettext_lazy("勾选后，社区工作人员看不到您的名字；处理结果仍然会告诉您。"),
    )

    def __init__(self, *args, topic_title: str = "", **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["anonymous"].widget.attrs["aria-describedby"] = "id_anonymous_helptext"
        self.topic_title = topic_title

    def clean_text(self) -> str:
        raw = (self.cleaned_data.get("text") or "").strip()
        if not raw:
            raw = _("我也遇到了这件事：{title}").format(title=self.topic_title)
        return clean_voice_text(raw)


def clean_text_for_count(value: str) -> str:
    """The text as counted against the limit (what the page's counter shows)."""
    return (value or "").replace("\r\n", "\n").strip()
