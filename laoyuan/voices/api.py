"""The voices JSON API (社情民意接口) under /api/v1/: residents' voices (意见), topics (议题),
grouping proposals and the funnel (漏斗).

Reads go through `voices.queries` (already scoped to the caller); writes through
`voices.actions` only, which check the permission, validate and write the audit log and the
topic's timeline. The object a call acts on (a path id, the compound a voice is recorded in,
the voices a topic is made of) answers 404 "未找到" when the caller may not see it, exactly as
if it did not exist; one the caller sees but may not change answers 403. A secondary reference
in the body that cannot be found (a building, the topic to merge into, voices to move) is a 422
naming the field. Lists are paginated with `limit` (at most 200) and `offset`, and run a fixed
number of queries whatever the data size.

Anonymity (匿名): an anonymous voice reads "匿名" and never names its resident or its account,
and a resident's own step in a topic's timeline (adding her voice) is shown without her name.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building, Community, Compound, Street
from laoyuan.registry.schemas import MAX_ID
from laoyuan.voices import actions, queries, services
from laoyuan.voices.models import LIVE_STATES, Topic, TopicEvent, TopicEventKind, Voice
from laoyuan.voices.places import voice_compound_or_404
from laoyuan.voices.schemas import (
    FunnelOut,
    FunnelQuery,
    MyVoiceOut,
    PortalVoiceIn,
    ProposalOut,
    ProposalsAcceptedOut,
    ProposalsAcceptIn,
    RowsRejectedOut,
    SimilarQuery,
    SimilarTopicOut,
    TopicCreateIn,
    TopicDetailOut,
    TopicDetailQuery,
    TopicFilters,
    TopicMergeIn,
    TopicMoveIn,
    TopicOut,
    TopicPatchIn,
    TopicSplitIn,
    TopicTransitionIn,
    VoiceCategoryIn,
    VoiceFilters,
    VoiceOut,
    VoicesRecordIn,
)

router = Router()

VOICES = ["意见"]
TOPICS = ["议题"]


def _pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _user(request: HttpRequest) -> User:
    return request.auth


def compound_for_voices_or_404(
    user: User, compound_id: int, permission: str = "voices.view"
) -> Compound:
    """The compound if the user holds `permission` on its voices, else 404 (workers on a
    building or a grid hold it on their whole compound: see voices.places)."""
    return voice_compound_or_404(user, compound_id, permission)


def rows_rejected(rows: dict[int, list[str]]) -> Status:
    """The 422 answer for bad rows: the usual `detail` list, plus `rows` keyed by row number."""
    return Status(
        422,
        {
            "detail": [
                {
                    "loc": ["body", "entries", row - 1],
                    "field": "entries",
                    "msg": _("第{row}行：{problems}").format(row=row, problems="；".join(problems)),
                    "type": "invalid",
                }
                for row, problems in sorted(rows.items())
            ],
            "rows": {str(row): problems for row, problems in sorted(rows.items())},
        },
    )


def _visible_voices(user: User, ids: list[int], *, field: str) -> list[Voice]:
    """The voices named in the body, in the order given; any the user may not see is a 422."""
    found = visible(user, Voice, "voices.view").select_related("compound").in_bulk(ids)
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        raise ValidationError(
            {field: _("未找到这些意见：{ids}").format(ids="、".join(str(i) for i in missing[:20]))}
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _topic_out(user: User, topic_id: int) -> Topic:
    """The topic just written, with its counts, as the caller sees it."""
    return queries.with_counts(queries.topics_for(user)).get(pk=topic_id)


def _ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "title", None) or str(obj)}


# --- voices -----------------------------------------------------------------------------------


@router.post(
    "/voices",
    response={201: list[VoiceOut], 422: RowsRejectedOut},
    tags=VOICES,
    summary="录入意见（可一次多条）",
    description=(
        "工作人员把在一次会议、一轮入户走访或一天电话中听到的意见一次录入：渠道、日期、场次相同，"
        "每条有内容、反映人（或匿名）、楼栋与具体位置。任何一行有问题则一条也不保存，"
        "回答 422，`rows` 按行号（从1起）列出每行的问题。"
    ),
)
def voices_record(request: HttpRequest, payload: VoicesRecordIn):
    user = _user(request)
    compound = compound_for_voices_or_404(user, payload.compound_id)
    building_ids = {e.building_id for e in payload.entries if e.building_id}
    buildings = Building.objects.filter(compound=compound).in_bulk(list(building_ids))
    rows: dict[int, list[str]] = {}
    entries = []
    for row, e in enumerate(payload.entries, start=1):
        if e.building_id and e.building_id not in buildings:
            rows[row] = [_("未找到该楼栋（编号{id}），或它不在这个小区").format(id=e.building_id)]
        entries.append(
            actions.VoiceEntry(
                text=e.text,
                speaker_name=e.speaker_name,
                anonymous=e.anonymous,
                building=buildings.get(e.building_id) if e.building_id else None,
                spot=e.spot,
            )
        )
    if rows:
        return rows_rejected(rows)
    try:
        voices = actions.voices_record(
            actor=user,
            compound=compound,
            channel=payload.channel,
            said_on=payload.said_on,
            occasion=payload.occasion,
            entries=entries,
        )
    except actions.BatchError as exc:
        return rows_rejected(exc.rows)
    saved = queries.voices_for(user).filter(pk__in=[v.pk for v in voices]).order_by("pk")
    return Status(201, list(saved))


@router.get(
    "/voices",
    response=list[VoiceOut],
    tags=VOICES,
    summary="意见列表",
    description="按反映日期从新到旧。category 为“-”时只看未归类的。",
)
@paginate(Page)
def voice_list(request: HttpRequest, filters: Query[VoiceFilters]):
    return queries.voice_list(
        _user(request),
        compound_id=filters.compound,
        community_id=filters.community,
        channel=filters.channel or "",
        category=filters.category,
        grouped=filters.grouped,
        text=filters.q,
        since=filters.since,
        until=filters.until,
    )


@router.get("/voices/{voice_id}", response=VoiceOut, tags=VOICES, summary="意见详情")
def voice_detail(request: HttpRequest, voice_id: int = _pk("意见编号")):
    return queries.voice_or_404(_user(request), voice_id)


@router.post(
    "/voices/{voice_id}/category",
    response=VoiceOut,
    tags=VOICES,
    summary="确认或更正意见分类",
    description="与系统建议相同即为确认，不同即为更正；两者都作为本街道分类模型的训练数据保存。",
)
def voice_set_category(
    request: HttpRequest, payload: VoiceCategoryIn, voice_id: int = _pk("意见编号")
):
    user = _user(request)
    voice = queries.voice_or_404(user, voice_id)
    actions.voice_set_category(
        actor=user, voice=voice, category=payload.category, subcategory=payload.subcategory
    )
    return queries.voice_or_404(user, voice_id)


# --- the resident's side ----------------------------------------------------------------------


@router.post(
    "/portal/voices",
    response={201: MyVoiceOut},
    tags=VOICES,
    summary="居民：提交意见或附议",
    description=(
        "居民向自己所在的小区反映意见；带 topic_id 时，把意见加入本小区仍在办理的议题（附议）。"
        "匿名时工作人员看不到是谁，本人仍可在“我的意见”中跟进。照片请在网页上传。"
    ),
)
def portal_voice_submit(request: HttpRequest, payload: PortalVoiceIn):
    user = _user(request)
    compound = queries.portal_compounds(user).filter(pk=payload.compound_id).first()
    if compound is None:
        raise Http404
    building = None
    if payload.building_id:
        building = Building.objects.filter(pk=payload.building_id, compound=compound).first()
        if building is None:
            raise ValidationError({"building_id": _("未找到该楼栋，或它不在这个小区")})
    topic = None
    if payload.topic_id:
        topic = (
            visible(user, Topic, "portal.voice")
            .filter(pk=payload.topic_id, compound=compound)
            .first()
        )
        if topic is None:
            raise ValidationError({"topic_id": _("未找到该议题，或它不在这个小区")})
    try:
        voice = actions.voice_submit(
            actor=user,
            compound=compound,
            text=payload.text,
            building=building,
            spot=payload.spot,
            anonymous=payload.anonymous,
            topic=topic,
        )
    except ValidationError as exc:
        raise _renamed(exc, {"topic": "topic_id", "building": "building_id"}) from exc
    return Status(201, queries.my_voices(user).get(pk=voice.pk))


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    # The actions name model fields ("topic"); the caller sent "topic_id".
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


@router.get(
    "/portal/voices",
    response=list[MyVoiceOut],
    tags=VOICES,
    summary="居民：我的意见及办理情况",
    description="本人提交的意见（含匿名的），以及所在议题的状态和答复。",
)
@paginate(Page)
def portal_my_voices(request: HttpRequest):
    return queries.my_voices(_user(request))


# --- topics -----------------------------------------------------------------------------------


@router.get(
    "/topics/similar",
    response=list[SimilarTopicOut],
    tags=TOPICS,
    summary="查找相似的议题",
    description=(
        "输入时调用：本小区仍可附议的议题中与这段文字最相似的几个（最多5个），最相似的在前。"
        "工作人员查看其管辖的小区，居民查看自己所在的小区。"
    ),
)
def topics_similar(request: HttpRequest, params: Query[SimilarQuery]):
    user = _user(request)
    compound = queries.portal_compounds(user).filter(pk=params.compound_id).first()
    if compound is None:
        compound = compound_for_voices_or_404(user, params.compound_id)
    found = services.similar_topics(
        compound_id=compound.pk, community_id=compound.community_id, text=params.text
    )
    return [
        {
            "topic": s.topic,
            "score": f"{s.score:.3f}",
            "voice_count": s.voice_count,
            "example": s.example,
        }
        for s in found
    ]


@router.get(
    "/topics",
    response=list[TopicOut],
    tags=TOPICS,
    summary="议题列表",
    description="最近有变动的在前；默认不含已并入其他议题的（state=merged 可查看）。",
)
@paginate(Page)
def topic_list(request: HttpRequest, filters: Query[TopicFilters]):
    return queries.topic_list(
        _user(request),
        compound_id=filters.compound,
        community_id=filters.community,
        state=filters.state or "",
        category=filters.category,
        text=filters.q,
    )


@router.get(
    "/topics/{topic_id}",
    response=TopicDetailOut,
    tags=TOPICS,
    summary="议题详情：全部意见、渠道与反映人数、议题记录",
    description=(
        "voices 为本议题的全部意见（按反映日期），events 为议题记录（按时间），"
        "各自分页：voices_limit/voices_offset、events_limit/events_offset，每页最多200条；"
        "count 为总数。"
    ),
)
def topic_detail(
    request: HttpRequest, page: Query[TopicDetailQuery], topic_id: int = _pk("议题编号")
):
    user = _user(request)
    topic = queries.topic_or_404(user, topic_id)
    summary = queries.topic_summary(topic)
    voices = queries.topic_voices(topic).select_related("compound", "topic")
    voice_items = list(voices[page.voices_offset : page.voices_offset + page.voices_limit])
    events = queries.topic_events(topic)
    event_items = list(events[page.events_offset : page.events_offset + page.events_limit])
    topic.voice_count = summary.voices
    topic.channel_count = len(summary.by_channel)
    return {
        **{f: getattr(topic, f) for f in TopicOut.model_fields if f != "state_label"},
        "merged_into": _ref(topic.merged_into),
        "summary": {
            "voices": summary.voices,
            "by_channel": [
                {"channel": c, "label": label, "voices": n} for c, label, n in summary.by_channel
            ],
            "supporters": summary.supporters,
            "anonymous": summary.anonymous,
            "first_said": summary.first_said,
            "last_said": summary.last_said,
        },
        "voices": {"items": voice_items, "count": summary.voices},
        "events": {"items": _events_out(event_items), "count": events.count()},
    }


def _events_out(events: list[TopicEvent]) -> list[dict]:
    """The timeline, with residents' own steps unnamed: a resident adding her voice would
    otherwise show who wrote an anonymous voice (the event names the voice)."""
    voice_ids = {i for e in events for i in (e.data or {}).get("voices", []) if isinstance(i, int)}
    author_of = dict(
        Voice.objects.filter(pk__in=voice_ids, author__isnull=False).values_list("pk", "author_id")
    )
    out = []
    for e in events:
        ids = [i for i in (e.data or {}).get("voices", []) if isinstance(i, int)]
        own = e.actor_id is not None and any(author_of.get(i) == e.actor_id for i in ids)
        out.append(
            {
                "id": e.pk,
                "at": e.at,
                "kind": e.kind,
                "kind_label": str(TopicEventKind(e.kind).label)
                if e.kind in TopicEventKind.values
                else e.kind,
                "actor": None if own or e.actor is None else str(e.actor),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "other_topic": _ref(e.other_topic),
                "voice_ids": ids,
            }
        )
    return out


@router.post(
    "/topics",
    response={201: TopicOut},
    tags=TOPICS,
    summary="把意见归为新议题",
    description="所选意见须属于同一个小区；它们原来所在的议题会记下意见移出。",
)
def topic_create(request: HttpRequest, payload: TopicCreateIn):
    user = _user(request)
    found = visible(user, Voice, "voices.view").in_bulk(payload.voice_ids)
    if any(i not in found for i in payload.voice_ids):
        raise Http404
    voices = [found[i] for i in dict.fromkeys(payload.voice_ids)]
    topic = actions.topic_create(actor=user, voices=voices, title=payload.title)
    return Status(201, _topic_out(user, topic.pk))


@router.patch(
    "/topics/{topic_id}",
    response=TopicOut,
    tags=TOPICS,
    summary="修改议题名称或分类",
    description="只修改请求中出现的字段；改了一级分类而未给二级分类时，二级分类清空。",
)
def topic_edit(request: HttpRequest, payload: TopicPatchIn, topic_id: int = _pk("议题编号")):
    user = _user(request)
    topic = queries.topic_or_404(user, topic_id)
    sent = payload.dict(exclude_unset=True)
    category = sent.get("category", topic.category)
    if "subcategory" in sent:
        subcategory = sent["subcategory"]
    else:
        subcategory = topic.subcategory if category == topic.category else ""
    actions.topic_edit(
        actor=user,
        topic=topic,
        title=sent.get("title") or topic.title,
        category=category or "",
        subcategory=subcategory or "",
    )
    return _topic_out(user, topic.pk)


@router.post(
    "/topics/{topic_id}/merge",
    response=TopicOut,
    tags=TOPICS,
    summary="把议题并入另一个议题",
    description=(
        "本议题的全部意见移到 into_topic_id；本议题保留为“已并入其他议题”，指向并入的议题。"
        "回答并入后的议题。"
    ),
)
def topic_merge(request: HttpRequest, payload: TopicMergeIn, topic_id: int = _pk("议题编号")):
    user = _user(request)
    source = queries.topic_or_404(user, topic_id)
    target = queries.topics_for(user).filter(pk=payload.into_topic_id).first()
    if target is None:
        raise ValidationError({"into_topic_id": _("未找到要并入的议题")})
    actions.topic_merge(actor=user, source=source, target=target, note=payload.note)
    return _topic_out(user, target.pk)


@router.post(
    "/topics/{topic_id}/split",
    response={201: TopicOut},
    tags=TOPICS,
    summary="从议题中拆出新议题",
    description="所选意见移到一个新议题（待议）；原议题至少要留下一条意见。回答新议题。",
)
def topic_split(request: HttpRequest, payload: TopicSplitIn, topic_id: int = _pk("议题编号")):
    user = _user(request)
    topic = queries.topic_or_404(user, topic_id)
    voices = _visible_voices(user, payload.voice_ids, field="voice_ids")
    new = actions.topic_split(actor=user, topic=topic, voices=voices, title=payload.title)
    return Status(201, _topic_out(user, new.pk))


@router.post(
    "/topics/{topic_id}/move",
    response=TopicOut,
    tags=TOPICS,
    summary="把意见移入本议题",
    description="所选意见（同一小区，可来自其他议题或尚未归类）移入本议题。",
)
def topic_move(request: HttpRequest, payload: TopicMoveIn, topic_id: int = _pk("议题编号")):
    user = _user(request)
    topic = queries.topic_or_404(user, topic_id)
    voices = _visible_voices(user, payload.voice_ids, field="voice_ids")
    actions.voices_move(actor=user, voices=voices, topic=topic)
    return _topic_out(user, topic.pk)


@router.post(
    "/topics/{topic_id}/transition",
    response=TopicOut,
    tags=TOPICS,
    summary="改变议题状态（协商、决定、转工单、入项目库、答复、不予采纳）",
    description=(
        "open→deliberation/decided/answered/rejected；deliberation→decided/answered/rejected/open；"
        "decided→case/project/answered。决定须写决定内容，答复须写答复，不予采纳须写理由。"
        "每条意见的提交人都会收到通知。"
    ),
)
def topic_transition(
    request: HttpRequest, payload: TopicTransitionIn, topic_id: int = _pk("议题编号")
):
    user = _user(request)
    topic = queries.topic_or_404(user, topic_id)
    actions.topic_transition(
        actor=user,
        topic=topic,
        to_state=payload.to_state,
        outcome=actions.Outcome(
            decision=payload.decision,
            answer=payload.answer,
            reason=payload.reason,
            responsible_party=payload.responsible_party,
            deadline=payload.deadline,
            note=payload.note,
        ),
    )
    return _topic_out(user, topic.pk)


# --- grouping proposals -----------------------------------------------------------------------


@router.get(
    "/compounds/{compound_id}/grouping-proposals",
    response=list[ProposalOut],
    tags=TOPICS,
    summary="归类建议：未归类的意见应并入哪个议题或合成哪些新议题",
    description=(
        "与已有议题很相似的意见建议并入该议题（topic 不为空），其余相近的意见建议合成新议题。"
        "确认后把（可修改的）建议发给 grouping-proposals/accept。"
    ),
)
@paginate(Page)
def grouping_proposals(request: HttpRequest, compound_id: int = _pk("小区编号")):
    user = _user(request)
    compound = compound_for_voices_or_404(user, compound_id)
    proposals, voices, topics = queries.grouping_proposals(user, compound)
    return [
        {
            "voice_ids": p.voice_ids,
            "topic": _ref(topics.get(p.topic_id)) if p.topic_id else None,
            "title": p.title,
            "voices": [
                {
                    "id": voices[i].pk,
                    "text": voices[i].text_redacted,
                    "channel": voices[i].channel,
                    "said_on": voices[i].said_on,
                }
                for i in p.voice_ids
            ],
        }
        for p in proposals
    ]


@router.post(
    "/compounds/{compound_id}/grouping-proposals/accept",
    response=ProposalsAcceptedOut,
    tags=TOPICS,
    summary="采纳归类建议",
    description=(
        "每条建议：有 topic_id 则把意见移入该议题，否则用这些意见新建议题。"
        "其间已被归类的意见保持不动；不属于本小区的意见编号被忽略。"
    ),
)
def grouping_proposals_accept(
    request: HttpRequest, payload: ProposalsAcceptIn, compound_id: int = _pk("小区编号")
):
    user = _user(request)
    compound = compound_for_voices_or_404(user, compound_id)
    live = set(
        Topic.objects.filter(
            pk__in=[p.topic_id for p in payload.proposals if p.topic_id],
            compound=compound,
            state__in=LIVE_STATES,
        ).values_list("pk", flat=True)
    )
    missing = [p.topic_id for p in payload.proposals if p.topic_id and p.topic_id not in live]
    if missing:
        raise ValidationError(
            {"topic_id": _("未找到这些议题，或它们已办结：{ids}").format(ids=missing[:20])}
        )
    grouped = actions.proposals_accept(
        actor=user,
        compound=compound,
        proposals=[
            actions.Proposal(voice_ids=p.voice_ids, topic_id=p.topic_id, title=p.title)
            for p in payload.proposals
        ],
    )
    return {"grouped": grouped}


# --- the funnel -------------------------------------------------------------------------------

_PLACE_MODELS = {"street": Street, "community": Community, "compound": Compound}


@router.get(
    "/funnel",
    response=FunnelOut,
    tags=VOICES,
    summary="意见漏斗：意见→议题→已决定→入项目库/转工单/答复",
    description=(
        "按反映日期统计一个时期内的意见，它们归入的议题，以及议题的决定和去向；"
        "总数、按渠道、按分类。place 为 street:编号、community:编号 或 compound:编号。"
    ),
)
def funnel(request: HttpRequest, params: Query[FunnelQuery]):
    user = _user(request)
    place = None
    if params.place:
        kind, _sep, key = params.place.partition(":")
        if kind == "compound":
            place = compound_for_voices_or_404(user, int(key))
        else:
            place = get_visible_or_404(user, _PLACE_MODELS[kind], "voices.view", pk=int(key))
    result = queries.funnel(user, place=place, since=params.since, until=params.until)
    return {
        "place": None
        if place is None
        else {"kind": params.place.partition(":")[0], "id": place.pk, "name": place.name},
        "since": result.since,
        "until": result.until,
        "total": result.total,
        "by_channel": result.by_channel,
        "by_category": result.by_category,
        "ungrouped": result.ungrouped,
    }
