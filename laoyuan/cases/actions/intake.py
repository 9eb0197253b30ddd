"""Cases that come from elsewhere in the system (立案来源): a topic moved to "已转工单"
(`voices.actions.topic_transition` calls `topic_became_case`), a decided topic or an on-site
meeting's decision turned into a case on purpose (`case_open_from_topic`,
`case_open_from_decision`, which move the topic too), and the 12345 work orders among the voices
an import commits (`cases_open_from_hotline`, once per 12345 number).

A case from a topic or a decision carries the decision (the solution asked for), the party it
names (matched against the registered parties by name or alias; none found: it waits for
dispatch) and the deadline (by the end of that day); its reporter is the topic's first voice
with a portal account, and the topic's residents follow it on the portal.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laoyuan.cases import clocks
from laoyuan.cases.actions.common import require
from laoyuan.cases.actions.opening import _build, _check_party, _opened, match_category
from laoyuan.cases.models import TEXT_MAX, Case, CaseSource, Category, Party
from laoyuan.cases.queries import match_party
from laoyuan.core.models import User
from laoyuan.registry.models import Compound
from laoyuan.voices.models import Channel, Topic, TopicState, Voice


def _topic_reporter(topic: Topic) -> Voice | None:
    """The voice that speaks for the topic: the earliest with a portal account, else the
    earliest."""
    voices = Voice.objects.filter(topic=topic).order_by("said_on", "id")
    return voices.filter(author__isnull=False).first() or voices.first()


def _topic_case(
    *,
    actor: User | None,
    topic: Topic,
    party: Party | None,
    category: Category | None,
    decision=None,
) -> Case:
    compound = Compound.objects.select_related("community").get(pk=topic.compound_id)
    if decision is None:
        decision = topic.meeting_decisions.order_by("-created_at", "-id").first()
    voice = _topic_reporter(topic)
    count = Voice.objects.filter(topic=topic).count()
    text = voice.text_redacted if voice else topic.title
    if count > 1:
        text = _("{text}（该议题共{n}条意见）").format(text=text, n=count)
    solution = decision.solution if decision else topic.decision
    deadline = decision.deadline if decision else topic.deadline
    named = decision.responsible_party if decision else topic.responsible_party
    if party is None and named:
        party = match_party(named, compound)
    _check_party(party, compound)
    at = clocks.now()
    case = _build(
        actor=actor,
        compound=compound,
        category=category or match_category(topic.category, topic.subcategory),
        description=text[:TEXT_MAX],
        title=topic.title,
        solution_asked=(solution or "")[:TEXT_MAX],
        building=voice.building if voice else None,
        spot=voice.spot if voice else "",
        source=CaseSource.MEETING if decision else CaseSource.TOPIC,
        reporter_name=voice.speaker_name if voice else "",
        anonymous=bool(voice and voice.anonymous),
        reporter_account=voice.author if voice else None,
        reporter_resident=voice.resident if voice else None,
        deadline=deadline,
        allow_past_deadline=True,
        voice=voice,
        topic=topic,
        decision=decision,
        at=at,
    )
    note = _("由议题“{title}”转为工单").format(title=topic.title)
    if named and party is None:
        note += _("；决定中的责任方“{party}”未在责任方名录中找到，待派单").format(party=named)
    return _opened(case, actor=actor, at=at, party=party, note=note)


def topic_became_case(*, actor: User, topic: Topic) -> Case:
    """Called by `voices.actions.topic_transition` when a topic moves to "case": open its case
    (once: a topic already carrying one keeps it). The transition checked the permission."""
    existing = Case.objects.filter(topic=topic).first()
    if existing is not None:
        return existing
    return _topic_case(actor=actor, topic=topic, party=None, category=None)


@transaction.atomic
def case_open_from_topic(
    *,
    actor: User,
    topic: Topic,
    party: Party | None = None,
    category: Category | None = None,
) -> Case:
    """Turn a decided topic into a case (转为工单), with the party and category chosen here
    (else matched from the decision), and move the topic to "case" (its authors are told)."""
    from laoyuan.voices import actions as voice_actions

    require(actor, "topics.decide", topic)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.state != TopicState.DECIDED:
        raise ValidationError(
            _("议题当前为“{state}”：先作出决定（责任方、解决办法、时限），再转为工单。").format(
                state=topic.get_state_display()
            )
        )
    if party is not None:
        require(actor, "cases.dispatch", topic.compound)
    case = _topic_case(actor=actor, topic=topic, party=party, category=category)
    voice_actions.topic_transition(
        actor=actor,
        topic=topic,
        to_state=TopicState.CASE,
        outcome=voice_actions.Outcome(
            note=_("转为工单 {rid}").format(rid=case.request_id), extra={"case": case.pk}
        ),
    )
    return case


@transaction.atomic
def case_open_from_decision(
    *,
    actor: User,
    decision,
    party: Party | None = None,
    category: Category | None = None,
) -> Case:
    """Turn a meeting's decision (现场办公会决定: party, solution, deadline) into a case linked to
    it, and move its topic to "case"."""
    from laoyuan.voices import actions as voice_actions

    require(actor, "topics.decide", decision.meeting)
    if Case.objects.filter(decision=decision).exists():
        raise ValidationError(_("这项决定已经转为工单了。"))
    topic = Topic.objects.select_for_update().get(pk=decision.topic_id)
    if topic.state != TopicState.DECIDED:
        raise ValidationError(
            _("议题“{title}”当前为“{state}”，不能再转为工单。").format(
                title=topic.title, state=topic.get_state_display()
            )
        )
    if party is not None:
        require(actor, "cases.dispatch", topic.compound)
    case = _topic_case(actor=actor, topic=topic, party=party, category=category, decision=decision)
    voice_actions.topic_transition(
        actor=actor,
        topic=topic,
        to_state=TopicState.CASE,
        outcome=voice_actions.Outcome(
            note=_("会议决定转为工单 {rid}").format(rid=case.request_id),
            extra={"case": case.pk, "decision": decision.pk},
        ),
    )
    return case


def cases_open_from_hotline(*, actor: User | None, voices: Sequence[Voice]) -> list[Case]:
    """Open a case for each 12345 work order among these voices (channel hotline, with its
    12345 number), unless one was opened for that number before. Called by the voice import's
    commit inside its transaction; `actor` is who confirmed the import (None from the
    command line)."""
    orders = [v for v in voices if v.channel == Channel.HOTLINE and v.external_ref]
    if not orders:
        return []
    if actor is not None:
        for compound_id in {v.compound_id for v in orders}:
            require(actor, "voices.import", Compound.objects.get(pk=compound_id))
    known = set(
        Case.objects.filter(
            source=CaseSource.HOTLINE,
            compound_id__in={v.compound_id for v in orders},
            external_ref__in=[v.external_ref for v in orders],
        ).values_list("compound_id", "external_ref")
    )
    compounds = Compound.objects.select_related("community").in_bulk(
        {v.compound_id for v in orders}
    )
    opened = []
    for voice in orders:
        if (voice.compound_id, voice.external_ref) in known:
            continue
        known.add((voice.compound_id, voice.external_ref))
        at = clocks.now()
        case = _build(
            actor=actor,
            compound=compounds[voice.compound_id],
            category=match_category(voice.category, voice.subcategory),
            description=voice.text_redacted,
            spot=voice.spot,
            building=voice.building,
            source=CaseSource.HOTLINE,
            external_ref=voice.external_ref,
            reporter_name=voice.speaker_name,
            anonymous=voice.anonymous,
            voice=voice,
            at=at,
        )
        if voice.text_sealed:
            case.description_sealed = voice.text_sealed
            case.save(update_fields=["description_sealed"])
        opened.append(
            _opened(
                case,
                actor=actor,
                at=at,
                note=_("12345热线工单 {ref}").format(ref=voice.external_ref),
            )
        )
    return opened
