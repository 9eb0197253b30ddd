"""The owners' vote API (业主表决接口) under /api/v1/.

Staff: list and prepare votes, open, close and cancel them, read the roll (phones masked; the
not-voted list with voted=false), the ballot history, written proxies, the result and the check
of the records; type in paper ballots and record proxies (multipart, with the scan). Residents:
their votes, and casting a ballot (`/portal/votes`).

Same rules as the rest of the API: reads through `votes.queries` (scoped), writes through the
actions. A vote the caller may not see answers 404 "未找到"; one she sees but may not change
answers 403; a refused action is a 422 naming the field, in Chinese. While a vote is open no
answer carries a choice: the split is given only after the close.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission, visible
from laoyuan.decisions.models import Meeting
from laoyuan.decisions.votes import (
    actions,
    ballots,
    counting,
    publishing,
    queries,
    roll,
    rulesets,
    tally,
)
from laoyuan.decisions.votes.models import (
    Proxy,
    RollOwner,
    Vote,
    VoteStatus,
    cents_to_m2,
)
from laoyuan.decisions.votes.results import result_of
from laoyuan.decisions.votes.schemas import (
    BallotOut,
    MyVoteBriefOut,
    MyVoteOut,
    PaperBallotIn,
    PortalBallotIn,
    ProxyIn,
    ProxyOut,
    ReasonIn,
    ResultNoticeOut,
    RollFilters,
    VerifyOut,
    VoteCreateIn,
    VoteDetailOut,
    VoteFilters,
    VoteIn,
    VoteNoticeIn,
    VoteOut,
    VoteResultOut,
    VotingPersonOut,
    my_person_out,
    result_notice_out,
    result_out,
)
from laoyuan.decisions.votes.verification import verify
from laoyuan.registry.api import Page
from laoyuan.registry.import_api import Message
from laoyuan.registry.models import Building, Resident
from laoyuan.registry.schemas import MAX_ID
from laoyuan.voices.api import compound_for_voices_or_404

router = Router()

VOTES = ["业主表决"]
PORTAL = ["居民端：表决"]


def _user(request: HttpRequest) -> User:
    return request.auth


def _pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _vote(user: User, vote_id: int, permission: str = "votes.view") -> Vote:
    return queries.vote_or_404(user, vote_id, permission)


def _detail(user: User, vote_id: int) -> Vote:
    """The vote as the detail answer shows it: its rule, the roll check of a draft, the
    participation of an open or closed one (a fixed number of queries)."""
    vote = queries.vote_list(user).prefetch_related("buildings").filter(pk=vote_id).first()
    if vote is None:
        raise Http404
    vote.rule_out = (
        vote.rule or rulesets.rule_of(rulesets.rule_set_for(vote.compound), vote.matter).snapshot()
    )
    vote.roll_check_out = None
    vote.participation_out = None
    vote.result_notice_out = None
    if vote.status == VoteStatus.DRAFT:
        check = roll.roll_check(vote)
        vote.roll_check_out = {
            "units": check.units,
            "area": cents_to_m2(check.area_cents),
            "units_without_area": check.without_area_count,
            "units_without_owner": check.without_owner_count,
            "problems": actions.open_problems(vote, check),
        }
    elif vote.status in (VoteStatus.OPEN, VoteStatus.CLOSED):
        share = tally.participation(vote)
        vote.participation_out = {
            "area": cents_to_m2(share.area_cents),
            "owners": share.persons,
            "area_share": counting.percent(share.area_cents, vote.total_area_cents),
            "owners_share": counting.percent(share.persons, vote.total_persons),
        }
    if vote.status == VoteStatus.CLOSED:
        vote.result_notice_out = result_notice_out(publishing.result_notice(vote))
    return vote


def _detail_out(user: User, vote_id: int) -> Vote:
    return _detail(user, vote_id)


def _draft(user: User, compound, payload: VoteIn) -> actions.VoteDraft:
    wanted = list(dict.fromkeys(payload.building_ids))
    buildings = Building.objects.filter(compound=compound).in_bulk(wanted)
    missing = [i for i in wanted if i not in buildings]
    if missing:
        raise ValidationError(
            {
                "building_ids": _("未找到这些楼栋，或它们不在这个小区：{ids}").format(
                    ids="、".join(str(i) for i in missing[:20])
                )
            }
        )
    meeting = None
    if payload.meeting_id:
        meeting = visible(user, Meeting, "voices.view").filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise ValidationError({"meeting_id": _("未找到该业主大会。")})
    return actions.VoteDraft(
        title=payload.title,
        question=payload.question,
        matter=payload.matter,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        buildings=[buildings[i] for i in wanted],
        meeting=meeting,
        options=list(payload.options),
    )


@router.get(
    "/votes",
    response=list[VoteOut],
    tags=VOTES,
    summary="表决列表",
    description="最近的在前，含已投票人数。",
)
@paginate(Page)
def vote_list(request: HttpRequest, filters: Query[VoteFilters]):
    return queries.vote_list(
        _user(request),
        compound_id=filters.compound,
        status=filters.status or "",
        matter=filters.matter or "",
    ).prefetch_related("buildings")


@router.post(
    "/votes",
    response={201: VoteDetailOut},
    tags=VOTES,
    summary="发起表决（草稿）",
    description=(
        "表决事项须在业主大会上表决（meeting_id：已计划并通知的业主大会），截止时间不早于"
        "大会日期；意见征询需要2至10个选项。保存为草稿，开始投票时名册冻结。"
    ),
)
def vote_create(request: HttpRequest, payload: VoteCreateIn):
    user = _user(request)
    compound = compound_for_voices_or_404(user, payload.compound_id, "votes.view")
    vote = actions.vote_create(actor=user, compound=compound, draft=_draft(user, compound, payload))
    return Status(201, _detail_out(user, vote.pk))


@router.get("/votes/{vote_id}", response=VoteDetailOut, tags=VOTES, summary="表决详情")
def vote_detail(request: HttpRequest, vote_id: int = _pk("表决编号")):
    return _detail_out(_user(request), vote_id)


@router.patch(
    "/votes/{vote_id}",
    response=VoteDetailOut,
    tags=VOTES,
    summary="修改表决草稿",
    description="整体替换草稿的内容；开始投票后不能再改。",
)
def vote_update(request: HttpRequest, payload: VoteIn, vote_id: int = _pk("表决编号")):
    user = _user(request)
    vote = _vote(user, vote_id)
    actions.vote_update(actor=user, vote=vote, draft=_draft(user, vote.compound, payload))
    return _detail_out(user, vote.pk)


@router.post(
    "/votes/{vote_id}/open",
    response=VoteDetailOut,
    tags=VOTES,
    summary="开始投票",
    description="冻结名册（房屋、面积、业主、表决权人）和计票规则；名册有问题时回答422并说明。",
)
def vote_open(request: HttpRequest, vote_id: int = _pk("表决编号")):
    user = _user(request)
    actions.vote_open(actor=user, vote=_vote(user, vote_id))
    return _detail_out(user, vote_id)


@router.post(
    "/votes/{vote_id}/close",
    response=VoteDetailOut,
    tags=VOTES,
    summary="结束投票并计票",
    description="截止时间到了以后才能结束；结果封存在表决记录里，用 GET /votes/{id}/result 读取。",
)
def vote_close(request: HttpRequest, vote_id: int = _pk("表决编号")):
    user = _user(request)
    actions.vote_close(actor=user, vote=_vote(user, vote_id))
    return _detail_out(user, vote_id)


@router.post("/votes/{vote_id}/cancel", response=VoteDetailOut, tags=VOTES, summary="取消表决")
def vote_cancel(request: HttpRequest, payload: ReasonIn, vote_id: int = _pk("表决编号")):
    user = _user(request)
    actions.vote_cancel(actor=user, vote=_vote(user, vote_id), reason=payload.reason)
    return _detail_out(user, vote_id)


@router.get(
    "/votes/{vote_id}/roll",
    response=list[VotingPersonOut],
    tags=VOTES,
    summary="表决名册",
    description="表决权人及其房屋、面积、业主（电话脱敏）和是否已投票；voted=false 为还没投票的"
    "名单（上门动员）。网格员只看到本网格的。计票后才给出各人的选择。",
)
@paginate(Page)
def vote_roll(request: HttpRequest, filters: Query[RollFilters], vote_id: int = _pk("表决编号")):
    user = _user(request)
    vote = _vote(user, vote_id)
    return queries.roll_page(
        user,
        vote,
        voted=filters.voted,
        building_id=filters.building,
        grid_id=filters.grid,
        text=filters.q,
    ).select_related("vote")


@router.get(
    "/votes/{vote_id}/ballots",
    response=list[BallotOut],
    tags=VOTES,
    summary="表决票记录",
    description="每张票按记录链倒序，改票后旧票仍在；计票后才给出选择。",
)
@paginate(Page)
def vote_ballots(request: HttpRequest, vote_id: int = _pk("表决编号")):
    vote = _vote(_user(request), vote_id)
    return queries.ballot_history(vote).select_related("vote")


@router.post(
    "/votes/{vote_id}/ballots/paper",
    response={201: BallotOut},
    tags=VOTES,
    summary="录入纸质表决票",
    description=(
        "multipart/form-data：owner_id、choice、ballot_number、received_at、proxy_id（可选）、"
        "replaces_paper 和文件 scan（PDF、JPG、PNG，不超过10MB）。纸质票优先于线上投票；"
        "同一表决权人的第二张纸质票须 replaces_paper=true。"
    ),
)
def paper_create(
    request: HttpRequest,
    payload: Form[PaperBallotIn],
    scan: File[UploadedFile] = None,
    vote_id: int = _pk("表决编号"),
):
    user = _user(request)
    vote = _vote(user, vote_id)
    owner = _roll_owner(user, vote, payload.owner_id)
    proxy = None
    if payload.proxy_id:
        proxy = Proxy.objects.filter(vote=vote, pk=payload.proxy_id).first()
        if proxy is None:
            raise ValidationError({"proxy_id": _("未找到该委托。")})
    try:
        ballot = ballots.ballot_enter_paper(
            actor=user,
            vote=vote,
            paper=ballots.PaperBallot(
                owner=owner,
                choice=payload.choice,
                ballot_number=payload.ballot_number,
                received_at=payload.received_at,
                scan=scan,
                proxy=proxy,
                replaces_paper=payload.replaces_paper,
            ),
        )
    except ValidationError as exc:
        raise _renamed(exc, {"owner": "owner_id", "proxy": "proxy_id"}) from exc
    return Status(201, queries.ballot_history(vote).select_related("vote").get(pk=ballot.pk))


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def _roll_owner(user: User, vote: Vote, owner_id: int) -> RollOwner:
    try:
        return queries.roll_owner_or_404(user, vote, owner_id)
    except Http404 as exc:
        if has_permission(user, "votes.enter", vote):
            raise ValidationError(
                {"owner_id": _("未找到该业主：不在这次表决的名册上，或不在您负责的范围。")}
            ) from exc
        raise PermissionDenied("votes.enter") from exc


@router.get("/votes/{vote_id}/proxies", response=list[ProxyOut], tags=VOTES, summary="委托列表")
@paginate(Page)
def proxy_list(request: HttpRequest, vote_id: int = _pk("表决编号")):
    return queries.proxies_of(_vote(_user(request), vote_id))


@router.post(
    "/votes/{vote_id}/proxies",
    response={201: ProxyOut},
    tags=VOTES,
    summary="登记书面委托",
    description=(
        "multipart/form-data：owner_id、proxy_name、proxy_resident_id（可选：受托人的居民编号，"
        "她就能在手机上代为投票）、note 和文件 scan（授权委托书）。"
    ),
)
def proxy_create(
    request: HttpRequest,
    payload: Form[ProxyIn],
    scan: File[UploadedFile] = None,
    vote_id: int = _pk("表决编号"),
):
    user = _user(request)
    vote = _vote(user, vote_id)
    owner = _roll_owner(user, vote, payload.owner_id)
    resident = None
    if payload.proxy_resident_id:
        resident = (
            visible(user, Resident, "registry.view").filter(pk=payload.proxy_resident_id).first()
        )
        if resident is None:
            raise ValidationError({"proxy_resident_id": _("未找到该居民。")})
    try:
        proxy = ballots.proxy_record(
            actor=user,
            vote=vote,
            owner=owner,
            proxy_name=payload.proxy_name,
            proxy_resident=resident,
            scan=scan,
            note=payload.note,
        )
    except ValidationError as exc:
        raise _renamed(exc, {"owner": "owner_id", "proxy_resident": "proxy_resident_id"}) from exc
    return Status(201, queries.proxies_of(vote).get(pk=proxy.pk))


@router.get(
    "/votes/{vote_id}/result",
    response={200: VoteResultOut, 409: Message},
    tags=VOTES,
    summary="表决结果",
    description=(
        "计票后封存的结果：总面积与总人数、参与表决的面积与人数、同意/反对/弃权的面积与人数"
        "（面积为㎡的小数字符串）、适用的规则及各项检验、是否达到参与要求、是否通过。"
        "还没计票时回答409。"
    ),
)
def vote_result(request: HttpRequest, vote_id: int = _pk("表决编号")):
    vote = _vote(_user(request), vote_id)
    sheet = result_of(vote)
    if sheet is None:
        return Status(409, {"detail": _("表决还没计票：结束投票并计票后才有结果。")})
    return result_out(sheet, publishing.result_notice(vote))


@router.post(
    "/votes/{vote_id}/notice",
    response={201: ResultNoticeOut},
    tags=VOTES,
    summary="公示表决结果",
    description=(
        "把已计票的表决结果发布为公示（公示类型 vote_result）：公示范围为表决的小区或楼栋，"
        "附表决结果 PDF，公示对象为这次表决。开始日期不填为今天，默认7个工作日。"
        "表决还没计票、已取消，或结果已经公示（公示中或已结束；撤回的可以重新公示）时回答422。"
        "需要组织表决和发布公示的权限。"
    ),
)
def vote_notice(request: HttpRequest, payload: VoteNoticeIn, vote_id: int = _pk("表决编号")):
    user = _user(request)
    vote = _vote(user, vote_id)
    notice = publishing.vote_publish_result(
        actor=user,
        vote=vote,
        starts_on=payload.starts_on,
        period_days=payload.period_days,
        working_days=payload.working_days,
        note=payload.note,
    )
    return Status(201, result_notice_out(notice))


@router.get(
    "/votes/{vote_id}/verify",
    response=VerifyOut,
    tags=VOTES,
    summary="核验表决记录",
    description="逐条核对表决记录链、冻结的名册、计入的票和封存的结果（与 laoyuan verify-votes 相同）。",
)
def vote_verify(request: HttpRequest, vote_id: int = _pk("表决编号")):
    vote = _vote(_user(request), vote_id, "votes.organise")
    problems = verify(vote)
    return {
        "ok": not problems,
        "chain_length": vote.chain_length,
        "problems": [p.message for p in problems],
    }


# --- the resident's side ----------------------------------------------------------------------


def _my_vote(user: User, vote: Vote) -> dict:
    sheet = result_of(vote)
    return {
        "id": vote.pk,
        "compound": {"id": vote.compound_id, "name": vote.compound.name},
        "title": vote.title,
        "question": vote.question,
        "status": vote.status,
        "status_label": str(vote.get_status_display()),
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "options": [{"key": o["key"], "label": o["label"]} for o in vote.options],
        "persons": [my_person_out(vote, p) for p in queries.my_persons(user, vote)],
        "result": result_out(sheet, publishing.result_notice(vote)) if sheet else None,
    }


@router.get(
    "/portal/votes",
    response=list[MyVoteBriefOut],
    tags=PORTAL,
    summary="我的表决",
    description="您是业主（或受委托）的表决，最近的在前；详情和投票见 /portal/votes/{id}。",
)
@paginate(Page)
def my_votes(request: HttpRequest):
    user = _user(request)
    return queries.portal_votes_with_mine(user)


@router.get("/portal/votes/{vote_id}", response=MyVoteOut, tags=PORTAL, summary="我的一次表决")
def my_vote(request: HttpRequest, vote_id: int = _pk("表决编号")):
    user = _user(request)
    return _my_vote(user, queries.portal_vote_or_404(user, vote_id))


@router.post(
    "/portal/votes/{vote_id}/ballots",
    response={201: MyVoteOut},
    tags=PORTAL,
    summary="投票",
    description="为您能投的一个表决权人投票；截止前可以改票（改票后旧票仍保留）。"
    "已交纸质票的以纸质票为准，手机上不能再改。",
)
def my_ballot(request: HttpRequest, payload: PortalBallotIn, vote_id: int = _pk("表决编号")):
    user = _user(request)
    vote = queries.portal_vote_or_404(user, vote_id)
    person = next((p for p in queries.my_persons(user, vote) if p.pk == payload.person_id), None)
    if person is None:
        raise ValidationError({"person_id": _("您不能为这个表决权人投票。")})
    ballots.ballot_cast_online(actor=user, vote=vote, person=person, choice=payload.choice)
    return Status(201, _my_vote(user, vote))
