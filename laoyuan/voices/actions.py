"""Writes to voices and topics. Each action is atomic, takes the acting user, checks the user's
permission on the place, writes the audit log and, for topics, the topic's own timeline.

Bad input raises ValidationError with Chinese messages (keyed by field where there is one);
a missing permission raises PermissionDenied. Nothing half-done is ever stored.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from laoyuan.core import pii
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.notify import notify
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Building, Compound, Resident, Street
from laoyuan.voices import places, services
from laoyuan.voices.engine import taxonomy as taxonomy_mod
from laoyuan.voices.engine.text import VoiceTextError, check, redact
from laoyuan.voices.models import (
    LIVE_STATES,
    TOPIC_TRANSITIONS,
    VOICE_MAX_CHARS,
    CategoryCorrection,
    CategorySource,
    Channel,
    StreetTaxonomy,
    Topic,
    TopicEvent,
    TopicEventKind,
    TopicState,
    Voice,
    VoicePhoto,
)

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
MAX_BATCH = 200
TITLE_CHARS = 60


def _require(actor: User, permission: str, obj) -> None:
    if not has_permission(actor, permission, obj):
        raise PermissionDenied(permission)


def _require_compound(actor: User, permission: str, compound: Compound) -> None:
    if not places.may_on_compound(actor, permission, compound):
        raise PermissionDenied(permission)


def _checked_text(text: object, field_name: str = "text") -> str:
    try:
        return check(text, max_chars=VOICE_MAX_CHARS)
    except VoiceTextError as exc:
        raise ValidationError({field_name: str(exc)}) from exc


def title_from(text: str) -> str:
    """A topic's first title: the start of its representative voice, redacted."""
    clean = redact(text)
    return clean if len(clean) <= TITLE_CHARS else clean[: TITLE_CHARS - 1] + "…"


# --- photos -----------------------------------------------------------------------------------


def _clean_photo(upload: UploadedFile) -> tuple[ContentFile, int, int]:
    """Re-encode an uploaded photo: proves it is an image, strips EXIF (GPS), bounds its size."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = getattr(upload, "name", "") or "photo"
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photos": _("照片“{name}”太大：每张不超过10MB。").format(name=name)})
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise UnidentifiedImageError(image.format)
        if image.width * image.height > 50_000_000:
            raise ValidationError({"photos": _("照片“{name}”像素过大。").format(name=name)})
        image = ImageOps.exif_transpose(image)
        image.thumbnail((2048, 2048))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken or disguised files
        raise ValidationError(
            {"photos": _("文件“{name}”不是可识别的照片（支持 JPG、PNG、WEBP）。").format(name=name)}
        ) from exc
    return ContentFile(out.getvalue(), name="photo.jpg"), image.width, image.height


def _attach_photos(voice: Voice, photos: Sequence[UploadedFile]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传{n}张照片。").format(n=MAX_PHOTOS)})
    cleaned = [_clean_photo(p) for p in photos]
    for content, width, height in cleaned:
        photo = VoicePhoto(voice=voice, width=width, height=height)
        photo.image.save(content.name, content, save=False)
        photo.save()


# --- voices -----------------------------------------------------------------------------------


@dataclass
class VoiceEntry:
    """One voice as a worker writes it down (batch entry, imports)."""

    text: str
    speaker_name: str = ""
    anonymous: bool = False
    building: Building | None = None
    spot: str = ""
    resident: Resident | None = None
    said_on: dt.date | None = None
    channel: str | None = None
    external_ref: str = ""
    topic: Topic | None = None


class BatchError(ValidationError):
    """Batch entry or import rows that cannot be saved: {row number (1-based): [messages]}."""

    def __init__(self, rows: dict[int, list[str]]) -> None:
        self.rows = rows
        super().__init__(
            [
                _("第{row}行：{problems}").format(row=row, problems="；".join(problems))
                for row, problems in sorted(rows.items())
            ]
        )


def _check_place(compound: Compound, building: Building | None, topic: Topic | None) -> None:
    if building is not None and building.compound_id != compound.pk:
        raise ValidationError({"building": _("所选楼栋不在这个小区。")})
    if topic is not None:
        if topic.compound_id != compound.pk:
            raise ValidationError({"topic": _("所选议题不在这个小区。")})
        if topic.state not in LIVE_STATES:
            raise ValidationError(
                {
                    "topic": _("议题“{title}”当前为“{state}”，不能再加入意见。").format(
                        title=topic.title, state=topic.get_state_display()
                    )
                }
            )


def _build_voice(
    *,
    actor: User,
    compound: Compound,
    entry: VoiceEntry,
    channel: str,
    said_on: dt.date,
    occasion: str,
    author: User | None,
) -> Voice:
    text = _checked_text(entry.text)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("渠道不对：{value}").format(value=channel)})
    today = timezone.localdate()
    if said_on > today:
        raise ValidationError({"said_on": _("反映日期不能晚于今天。")})
    if said_on < dt.date(2000, 1, 1):
        raise ValidationError({"said_on": _("反映日期太早：{date}。").format(date=said_on)})
    _check_place(compound, entry.building, entry.topic)
    speaker = (entry.speaker_name or "").strip()
    if len(speaker) > 60:
        raise ValidationError({"speaker_name": _("反映人最多60个字。")})
    spot = (entry.spot or "").strip()
    if len(spot) > 100:
        raise ValidationError({"spot": _("具体位置最多100个字。")})
    if len(occasion) > 100:
        raise ValidationError({"occasion": _("场次最多100个字。")})
    redacted = redact(text)
    return Voice(
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        building=entry.building,
        spot=redact(spot),
        text_redacted=redacted,
        text_sealed="" if redacted == text else pii.encrypt(text),
        channel=channel,
        said_on=said_on,
        occasion=redact(occasion.strip()),
        anonymous=entry.anonymous,
        speaker_name="" if entry.anonymous else redact(speaker),
        resident=entry.resident,
        author=author,
        recorded_by=actor,
        topic=entry.topic,
        external_ref=entry.external_ref,
    )


def _classify(voices: list[Voice]) -> None:
    if not voices:
        return
    by_street: dict[int, list[Voice]] = {}
    for v in voices:
        by_street.setdefault(v.street_id, []).append(v)
    for street_id, group in by_street.items():
        predictions = services.propose_categories(street_id, [v.text_redacted for v in group])
        for voice, p in zip(group, predictions, strict=True):
            voice.category = p.category or ""
            voice.subcategory = p.subcategory or ""
            voice.category_confidence = (
                Decimal(str(p.confidence)).quantize(Decimal("0.001")) if p.category else None
            )
            voice.category_source = (
                (CategorySource.MODEL if p.source == "model" else CategorySource.RULES)
                if p.category
                else CategorySource.NONE
            )


def _topic_joined(topic: Topic, voices: list[Voice], actor: User | None) -> None:
    TopicEvent.objects.create(
        topic=topic,
        actor=actor,
        kind=TopicEventKind.VOICES_IN,
        data={"voices": [v.pk for v in voices]},
    )
    Topic.objects.filter(pk=topic.pk).update(updated_at=timezone.now())


@transaction.atomic
def voice_submit(
    *,
    actor: User,
    compound: Compound,
    text: str,
    building: Building | None = None,
    spot: str = "",
    anonymous: bool = False,
    topic: Topic | None = None,
    photos: Sequence[UploadedFile] = (),
) -> Voice:
    """A resident's own suggestion from the portal, to her compound; or, with `topic`, her
    voice added to a topic already open there (附议)."""
    if not has_permission(actor, "portal.voice"):
        raise PermissionDenied("portal.voice")
    own = [
        a for a in actor.assignments.filter(role="resident").select_related("household", "resident")
    ]
    if not any(a.household.compound_id == compound.pk for a in own):
        raise PermissionDenied("portal.voice")
    resident = next(
        (a.resident for a in own if a.household.compound_id == compound.pk and a.resident), None
    )
    voice = _build_voice(
        actor=actor,
        compound=compound,
        entry=VoiceEntry(
            text=text,
            speaker_name="" if anonymous else (resident.name if resident else str(actor)),
            anonymous=anonymous,
            building=building,
            spot=spot,
            resident=resident,
            topic=topic,
        ),
        channel=Channel.ONLINE,
        said_on=timezone.localdate(),
        occasion="",
        author=actor,
    )
    _classify([voice])
    voice.save()
    _attach_photos(voice, photos)
    if topic is not None:
        _topic_joined(topic, [voice], actor)
    audit_log(
        actor=actor,
        action="voice.submit",
        obj=voice,
        changes={"channel": voice.channel, "topic": voice.topic_id, "anonymous": anonymous},
    )
    return voice


@transaction.atomic
def voices_record(
    *,
    actor: User,
    compound: Compound,
    channel: str,
    said_on: dt.date,
    entries: Sequence[VoiceEntry],
    occasion: str = "",
    import_batch=None,
) -> list[Voice]:
    """Record many voices heard at once (a meeting, a round of door-to-door visits, a day of
    phone calls). Every entry is checked first; any bad entry raises BatchError naming each bad
    row, and nothing is saved. An entry's own channel or date overrides the batch's."""
    # An import run from the command line by the operator has no actor (as the roster's).
    if actor is not None or import_batch is None:
        _require_compound(
            actor, "voices.record" if import_batch is None else "voices.import", compound
        )
    if not entries:
        raise ValidationError(_("没有要保存的意见：请至少填写一条。"))
    if len(entries) > MAX_BATCH and import_batch is None:
        raise ValidationError(_("一次最多录入{n}条意见，请分批保存。").format(n=MAX_BATCH))
    voices: list[Voice] = []
    problems: dict[int, list[str]] = {}
    for row, entry in enumerate(entries, start=1):
        try:
            voices.append(
                _build_voice(
                    actor=actor,
                    compound=compound,
                    entry=entry,
                    channel=entry.channel or channel,
                    said_on=entry.said_on or said_on,
                    occasion=occasion,
                    author=None,
                )
            )
        except ValidationError as exc:
            problems[row] = [m for msgs in exc.message_dict.values() for m in msgs]
    if problems:
        raise BatchError(problems)
    for voice in voices:
        voice.import_batch = import_batch
    _classify(voices)
    Voice.objects.bulk_create(voices)
    by_topic: dict[int, list[Voice]] = {}
    for voice, entry in zip(voices, entries, strict=True):
        if entry.topic is not None:
            by_topic.setdefault(entry.topic.pk, []).append(voice)
    for joined in by_topic.values():
        _topic_joined(joined[0].topic, joined, actor)
    audit_log(
        actor=actor,
        action="voice.record_batch" if import_batch is None else "voice.import",
        obj=compound,
        changes={
            "channel": channel,
            "said_on": said_on,
            "occasion": occasion,
            "voices": [v.pk for v in voices],
        },
    )
    return voices


@transaction.atomic
def voice_set_category(*, actor: User, voice: Voice, category: str, subcategory: str = "") -> Voice:
    """Confirm the proposed category (same value) or correct it. Either way the choice is kept
    as training data for the street's classifier."""
    _require(actor, "topics.sort", voice)
    taxonomy = services.taxonomy_for(voice.street_id)
    known = taxonomy.get(category)
    if known is None:
        raise ValidationError(
            {"category": _("分类“{name}”不在本街道的分类目录中。").format(name=category)}
        )
    if subcategory and subcategory not in {s.name for s in known.children}:
        raise ValidationError(
            {
                "subcategory": _("二级分类“{sub}”不属于“{name}”。").format(
                    sub=subcategory, name=category
                )
            }
        )
    proposed, confidence = voice.category, voice.category_confidence
    confirmed = category == voice.category and voice.category_source in (
        CategorySource.MODEL,
        CategorySource.RULES,
        CategorySource.CONFIRMED,
    )
    voice.category, voice.subcategory = category, subcategory
    voice.category_source = CategorySource.CONFIRMED if confirmed else CategorySource.CORRECTED
    voice.save(update_fields=["category", "subcategory", "category_source", "updated_at"])
    CategoryCorrection.objects.create(
        voice=voice,
        street_id=voice.street_id,
        by=actor,
        proposed_category=proposed,
        proposed_confidence=confidence,
        category=category,
        subcategory=subcategory,
        text=voice.text_redacted,
    )
    audit_log(
        actor=actor,
        action="voice.category_confirm" if confirmed else "voice.category_correct",
        obj=voice,
        changes={"category": [proposed, category], "subcategory": subcategory},
    )
    return voice


# --- topics -----------------------------------------------------------------------------------


def _fresh(voices: Sequence[Voice]) -> list[Voice]:
    """The voices as they are now in the database (locked), in the order given: the caller's
    copies may predate a merge or a move."""
    ids = [v.pk for v in voices]
    rows = Voice.objects.select_for_update().select_related("compound").in_bulk(ids)
    return [rows[i] for i in ids if i in rows]


def _same_compound(voices: Sequence[Voice], compound_id: int) -> None:
    if any(v.compound_id != compound_id for v in voices):
        raise ValidationError(_("只能把同一个小区的意见归入同一个议题。"))


def _majority_category(voices: Sequence[Voice]) -> tuple[str, str]:
    counts: dict[tuple[str, str], int] = {}
    for v in voices:
        if v.category:
            key = (v.category, v.subcategory)
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "", ""
    return max(counts, key=lambda k: counts[k])


def _event(topic: Topic, actor: User | None, kind: str, **kwargs) -> TopicEvent:
    return TopicEvent.objects.create(topic=topic, actor=actor, kind=kind, **kwargs)


@transaction.atomic
def topic_create(
    *, actor: User, voices: Sequence[Voice], title: str = "", representative: Voice | None = None
) -> Topic:
    """A new topic from voices not yet in a live topic (or moved out of one)."""
    voices = _fresh(voices)
    if not voices:
        raise ValidationError(_("请至少选择一条意见。"))
    compound = voices[0].compound
    _same_compound(voices, compound.pk)
    # Checked on a voice, not on the compound: a grid worker sorts her compound's voices but
    # holds no assignment the compound itself can be reached from.
    _require(actor, "topics.sort", voices[0])
    title = (title or "").strip() or title_from((representative or voices[0]).text_redacted)
    if len(title) > 120:
        raise ValidationError({"title": _("议题名称最多120个字。")})
    category, subcategory = _majority_category(voices)
    topic = Topic.objects.create(
        compound=compound,
        community_id=compound.community_id,
        street_id=voices[0].street_id,
        title=redact(title),
        category=category,
        subcategory=subcategory,
        created_by=actor,
        state_changed_at=timezone.now(),
    )
    _event(topic, actor, TopicEventKind.CREATED, to_state=TopicState.OPEN)
    _move(actor, voices, topic)
    audit_log(
        actor=actor, action="topic.create", obj=topic, changes={"voices": [v.pk for v in voices]}
    )
    return topic


def _move(actor: User, voices: Sequence[Voice], target: Topic) -> None:
    """Point voices at `target`, recording on each topic they left what went where."""
    sources: dict[int | None, list[int]] = {}
    for v in voices:
        if v.topic_id != target.pk:
            sources.setdefault(v.topic_id, []).append(v.pk)
    moving = [pk for ids in sources.values() for pk in ids]
    if not moving:
        return
    Voice.objects.filter(pk__in=moving).update(topic=target, updated_at=timezone.now())
    for v in voices:
        v.topic = target
    for source_id, ids in sources.items():
        if source_id is not None:
            TopicEvent.objects.create(
                topic_id=source_id,
                actor=actor,
                kind=TopicEventKind.VOICES_OUT,
                other_topic=target,
                data={"voices": ids},
            )
    _event(
        target,
        actor,
        TopicEventKind.VOICES_IN,
        data={"voices": moving, "from": [s for s in sources if s is not None]},
    )
    Topic.objects.filter(pk=target.pk).update(updated_at=timezone.now())


@transaction.atomic
def voices_move(*, actor: User, voices: Sequence[Voice], topic: Topic) -> Topic:
    """Move voices into another topic of the same compound (e.g. one put in the wrong place)."""
    voices = _fresh(voices)
    if not voices:
        raise ValidationError(_("请至少选择一条意见。"))
    _require(actor, "topics.sort", topic)
    _same_compound(voices, topic.compound_id)
    if topic.state not in LIVE_STATES:
        raise ValidationError(
            {
                "topic": _("议题“{title}”当前为“{state}”，不能再移入意见。").format(
                    title=topic.title, state=topic.get_state_display()
                )
            }
        )
    _move(actor, voices, topic)
    audit_log(
        actor=actor,
        action="topic.move_voices",
        obj=topic,
        changes={"voices": [v.pk for v in voices]},
    )
    return topic


@transaction.atomic
def topic_merge(*, actor: User, source: Topic, target: Topic, note: str = "") -> Topic:
    """Merge `source` into `target`: every voice of source moves to target; source stays, as a
    tombstone ("merged") pointing to target, so links to it still lead somewhere."""
    _require(actor, "topics.sort", source)
    _require(actor, "topics.sort", target)
    if source.pk == target.pk:
        raise ValidationError(_("不能把议题合并到它自己。"))
    if source.compound_id != target.compound_id:
        raise ValidationError(_("只能合并同一个小区的议题。"))
    for t in (source, target):
        if t.state not in LIVE_STATES:
            raise ValidationError(
                _("议题“{title}”当前为“{state}”，不能合并。").format(
                    title=t.title, state=t.get_state_display()
                )
            )
    voice_ids = list(Voice.objects.filter(topic=source).values_list("pk", flat=True))
    Voice.objects.filter(pk__in=voice_ids).update(topic=target, updated_at=timezone.now())
    before = source.state
    source.state = TopicState.MERGED
    source.merged_into = target
    source.state_changed_at = timezone.now()
    source.save(update_fields=["state", "merged_into", "state_changed_at", "updated_at"])
    _event(
        source,
        actor,
        TopicEventKind.MERGED_INTO,
        from_state=before,
        to_state=TopicState.MERGED,
        other_topic=target,
        note=note,
        data={"voices": voice_ids},
    )
    _event(
        target,
        actor,
        TopicEventKind.MERGED_IN,
        other_topic=source,
        note=note,
        data={"voices": voice_ids},
    )
    # A topic merged earlier into source now points to the live one.
    Topic.objects.filter(merged_into=source).update(merged_into=target)
    Topic.objects.filter(pk=target.pk).update(updated_at=timezone.now())
    audit_log(
        actor=actor,
        action="topic.merge",
        obj=target,
        changes={"merged": source.pk, "voices": voice_ids},
    )
    return target


@transaction.atomic
def topic_split(*, actor: User, topic: Topic, voices: Sequence[Voice], title: str = "") -> Topic:
    """Split some voices of a topic out into a new topic (same category, state open)."""
    _require(actor, "topics.sort", topic)
    voices = _fresh(voices)
    if not voices:
        raise ValidationError(_("请选择要拆出的意见。"))
    if any(v.topic_id != topic.pk for v in voices):
        raise ValidationError(_("只能拆出本议题中的意见。"))
    remaining = Voice.objects.filter(topic=topic).exclude(pk__in=[v.pk for v in voices]).count()
    if remaining == 0:
        raise ValidationError(_("不能把全部意见都拆出：原议题至少要留下一条。"))
    if topic.state not in LIVE_STATES:
        raise ValidationError(
            _("议题“{title}”当前为“{state}”，不能拆分。").format(
                title=topic.title, state=topic.get_state_display()
            )
        )
    new = topic_create(actor=actor, voices=voices, title=title)
    _event(
        new,
        actor,
        TopicEventKind.SPLIT_FROM,
        other_topic=topic,
        data={"voices": [v.pk for v in voices]},
    )
    _event(
        topic,
        actor,
        TopicEventKind.SPLIT_OUT,
        other_topic=new,
        data={"voices": [v.pk for v in voices]},
    )
    return new


@transaction.atomic
def topic_edit(
    *, actor: User, topic: Topic, title: str, category: str = "", subcategory: str = ""
) -> Topic:
    """Rename a topic or set its category."""
    _require(actor, "topics.sort", topic)
    title = redact((title or "").strip())
    if not title:
        raise ValidationError({"title": _("议题名称不能为空。")})
    if len(title) > 120:
        raise ValidationError({"title": _("议题名称最多120个字。")})
    if category:
        known = services.taxonomy_for(topic.street_id).get(category)
        if known is None:
            raise ValidationError(
                {"category": _("分类“{name}”不在本街道的分类目录中。").format(name=category)}
            )
        if subcategory and subcategory not in {s.name for s in known.children}:
            raise ValidationError(
                {
                    "subcategory": _("二级分类“{sub}”不属于“{name}”。").format(
                        sub=subcategory, name=category
                    )
                }
            )
    before = {"title": topic.title, "category": topic.category, "subcategory": topic.subcategory}
    topic.title, topic.category, topic.subcategory = (
        title,
        category,
        subcategory if category else "",
    )
    topic.save(update_fields=["title", "category", "subcategory", "updated_at"])
    after = {"title": topic.title, "category": topic.category, "subcategory": topic.subcategory}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        _event(topic, actor, TopicEventKind.EDITED, data=changes)
        audit_log(actor=actor, action="topic.edit", obj=topic, changes=changes)
    return topic


@dataclass
class Outcome:
    """What a state change says: the decision, the answer to residents, a rejection's reason,
    and for a decision who does it by when."""

    decision: str = ""
    answer: str = ""
    reason: str = ""
    responsible_party: str = ""
    deadline: dt.date | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)
    # A decision recorded after the fact (a past meeting) may carry a deadline already past.
    allow_past_deadline: bool = False


_NOTICE_TITLES = {
    TopicState.DELIBERATION: gettext_noop("您反映的“{title}”已进入协商"),
    TopicState.DECIDED: gettext_noop("您反映的“{title}”已有决定"),
    TopicState.CASE: gettext_noop("您反映的“{title}”已转为工单办理"),
    TopicState.PROJECT: gettext_noop("您反映的“{title}”已列入改造项目库"),
    TopicState.ANSWERED: gettext_noop("您反映的“{title}”已答复办结"),
    TopicState.REJECTED: gettext_noop("您反映的“{title}”未被采纳"),
    TopicState.OPEN: gettext_noop("您反映的“{title}”重新回到待议"),
}


def authors_of(topic: Topic) -> list[User]:
    """The accounts behind the topic's voices (residents who submitted online)."""
    return list(User.objects.filter(voices__topic=topic, is_active=True).distinct().order_by("pk"))


@transaction.atomic
def topic_transition(*, actor: User, topic: Topic, to_state: str, outcome: Outcome) -> Topic:
    """Move a topic to its next state. Deciding needs the decision text; answering needs the
    answer; rejecting needs the reason. Every author of a voice in the topic is notified."""
    _require(actor, "topics.decide", topic)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    allowed = TOPIC_TRANSITIONS.get(topic.state, ())
    if to_state not in allowed:
        raise ValidationError(
            _("议题当前为“{now}”，不能改为“{to}”。").format(
                now=topic.get_state_display(),
                to=TopicState(to_state).label if to_state in TopicState.values else to_state,
            )
        )
    problems: dict[str, str] = {}
    clean = {
        k: (getattr(outcome, k) or "").strip()
        for k in ("decision", "answer", "reason", "responsible_party", "note")
    }
    for key, value in clean.items():
        if len(value) > (120 if key == "responsible_party" else 5000):
            problems[key] = _("内容太长。")
    if to_state == TopicState.DECIDED and not clean["decision"]:
        problems["decision"] = _("请写明决定内容。")
    if to_state == TopicState.ANSWERED and not (clean["answer"] or topic.decision):
        problems["answer"] = _("请写明给居民的答复。")
    if to_state == TopicState.REJECTED and not clean["reason"]:
        problems["reason"] = _("不予采纳必须写明理由。")
    if (
        not outcome.allow_past_deadline
        and outcome.deadline
        and outcome.deadline < timezone.localdate()
        and to_state == TopicState.DECIDED
    ):
        problems["deadline"] = _("完成时限不能早于今天。")
    if problems:
        raise ValidationError(problems)
    before = topic.state
    topic.state = to_state
    topic.state_changed_at = timezone.now()
    if to_state == TopicState.DECIDED:
        topic.decision = clean["decision"]
        topic.responsible_party = clean["responsible_party"]
        topic.deadline = outcome.deadline
    if clean["answer"]:
        topic.answer = clean["answer"]
    if to_state == TopicState.REJECTED:
        topic.reason = clean["reason"]
    topic.save()
    _event(
        topic,
        actor,
        TopicEventKind.STATE,
        from_state=before,
        to_state=to_state,
        note=clean["note"] or clean["decision"] or clean["answer"] or clean["reason"],
        data=outcome.extra,
    )
    if to_state == TopicState.PROJECT:
        # The project library (改造项目库) is renewal's: the topic joins the project named in
        # outcome.extra["project"], or a new one made from it, in this same transaction.
        from laoyuan.renewal.actions import topic_into_library

        topic_into_library(actor=actor, topic=topic, project_id=outcome.extra.get("project"))
    audit_log(
        actor=actor,
        action="topic.transition",
        obj=topic,
        changes={"state": [before, to_state], **{k: v for k, v in clean.items() if v}},
    )
    if to_state == TopicState.CASE:
        # Case work opens the topic's case (once), carrying its decision, party and deadline.
        from laoyuan.cases.actions import topic_became_case

        topic_became_case(actor=actor, topic=topic)
    _notify_authors(topic)
    return topic


def _notify_authors(topic: Topic) -> None:
    body = {
        TopicState.DECIDED: topic.decision,
        TopicState.ANSWERED: topic.answer or topic.decision,
        TopicState.REJECTED: topic.reason,
    }.get(topic.state, topic.answer)
    notify(
        authors_of(topic),
        title=_(_NOTICE_TITLES[topic.state]).format(title=topic.title),
        body=body or "",
        url=reverse("voices:portal_topic", kwargs={"pk": topic.pk}),
    )


# --- grouping proposals -----------------------------------------------------------------------


@dataclass
class Proposal:
    """Ungrouped voices the engine thinks belong together, and the live topic they resemble
    (None: they would make a new topic)."""

    voice_ids: list[int]
    topic_id: int | None
    title: str


@transaction.atomic
def proposals_accept(*, actor: User, compound: Compound, proposals: Iterable[Proposal]) -> int:
    """Accept grouping proposals: each makes a new topic or joins its live topic. Voices that
    were grouped meanwhile are left where they are. Returns the number of voices grouped."""
    _require_compound(actor, "topics.sort", compound)
    grouped = 0
    for proposal in proposals:
        voices = list(
            Voice.objects.filter(
                pk__in=proposal.voice_ids, compound=compound, topic__isnull=True
            ).select_related("compound")
        )
        if not voices:
            continue
        if proposal.topic_id:
            topic = Topic.objects.filter(
                pk=proposal.topic_id, compound=compound, state__in=LIVE_STATES
            ).first()
            if topic is None:
                raise ValidationError(_("所选议题已不存在或已办结，请刷新后重试。"))
            voices_move(actor=actor, voices=voices, topic=topic)
        else:
            topic_create(actor=actor, voices=voices, title=proposal.title)
        grouped += len(voices)
    return grouped


# --- the street's taxonomy --------------------------------------------------------------------


@transaction.atomic
def taxonomy_save(*, actor: User, street: Street, data: dict) -> StreetTaxonomy:
    """Replace the street's taxonomy (checked for shape: names, no duplicates)."""
    _require(actor, "voices.taxonomy", street)
    problems: list[str] = []
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, list) or not categories:
        raise ValidationError(_("分类目录至少要有一个一级分类。"))
    names: set[str] = set()
    for i, c in enumerate(categories, start=1):
        name = str(c.get("name", "")).strip() if isinstance(c, dict) else ""
        if not name:
            problems.append(_("第{i}个一级分类没有名称。").format(i=i))
            continue
        if len(name) > 40:
            problems.append(_("一级分类“{name}”超过40个字。").format(name=name[:40]))
        if name in names:
            problems.append(_("一级分类“{name}”重复。").format(name=name))
        names.add(name)
        subs = [
            str(s.get("name", "")).strip() for s in c.get("children", []) if isinstance(s, dict)
        ]
        if len(set(subs)) != len(subs):
            problems.append(_("“{name}”下有重复的二级分类。").format(name=name))
        if any(not s or len(s) > 60 for s in subs):
            problems.append(_("“{name}”下的二级分类名称为空或超过60个字。").format(name=name))
    if problems:
        raise ValidationError(problems)
    try:
        taxonomy_mod.parse(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(_("分类目录格式不对：{e}").format(e=exc)) from exc
    row, created = StreetTaxonomy.objects.select_for_update().get_or_create(
        street=street, defaults={"data": data, "updated_by": actor}
    )
    if not created:
        row.data = data
        row.version += 1
        row.updated_by = actor
        row.save()
    audit_log(
        actor=actor,
        action="voices.taxonomy_save",
        obj=street,
        changes={"version": row.version, "categories": sorted(names)},
    )
    return row
