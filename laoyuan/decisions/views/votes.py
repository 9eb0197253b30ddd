"""Pages of owners' votes (业主表决) for staff: the list, preparing a vote, its page (the roll
check before opening, the participation while open, the result once closed), opening,
closing and cancelling it, the roll (表决名册, with the not-voted list for door-knocking), the
ballot history, the result as A4 PDF and .xlsx, and the check of its records (核验).

Views parse the input and call the actions; a vote outside the user's scope, or one she may
not organise, answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.core import pdf
from laoyuan.core.scopes import get_visible_or_404, has_permission
from laoyuan.decisions.models import Meeting, MeetingKind, MeetingStatus
from laoyuan.decisions.plan_actions import notice_problem
from laoyuan.decisions.plan_forms import CancelForm
from laoyuan.decisions.votes import (
    actions,
    counting,
    exports,
    publishing,
    queries,
    roll,
    rulesets,
    tally,
)
from laoyuan.decisions.votes.forms import RollFilterForm, VoteFilterForm, VoteForm
from laoyuan.decisions.votes.models import (
    Matter,
    RollUnit,
    Vote,
    VoteEvent,
    VoteStatus,
    cents_to_m2,
)
from laoyuan.decisions.votes.results import option_label, result_of
from laoyuan.decisions.votes.verification import verify
from laoyuan.registry.models import Building, Compound, Grid
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.voices.places import voice_compounds

VOTES_PER_PAGE = 25
ROLL_PER_PAGE = 50
BALLOTS_PER_PAGE = 50


def crumbs(here: str = "", vote: Vote | None = None) -> list[Crumb]:
    out = [
        Crumb(_("工作台"), reverse("registry:workspace")),
        Crumb(_("业主表决"), reverse("decisions:votes") if here or vote else ""),
    ]
    if vote is not None:
        out.append(Crumb(vote.title, reverse("decisions:vote", args=[vote.pk]) if here else ""))
    if here:
        out.append(Crumb(here))
    return out


def rule_words(rule: counting.Rule) -> list[str]:
    """The quorum and the pass test in words."""
    if not rule.binding:
        return [_("意见征询：不设参与和通过的门槛，结果供参考。")]
    return [
        _("参与表决：专有部分面积 {area} 且人数 {owners}（占全部业主）").format(
            area=rule.quorum_area.describe(), owners=rule.quorum_owners.describe()
        ),
        _("通过：同意的面积 {area} 且同意的人数 {owners}（占参与表决的业主）").format(
            area=rule.pass_area.describe(), owners=rule.pass_owners.describe()
        ),
    ]


def _rule_of(vote: Vote) -> counting.Rule:
    if vote.rule:
        return counting.Rule.from_snapshot(vote.rule)
    return rulesets.rule_of(rulesets.rule_set_for(vote.compound), vote.matter)


@login_required
@require_safe
def vote_list(request: HttpRequest) -> HttpResponse:
    """Votes in scope, latest first, filtered by compound, status and matter."""
    user = request.user
    if not has_permission(user, "votes.view"):
        if has_permission(user, "registry.view"):
            # Property and social-organisation staff: not theirs to see (the property
            # company may be what the owners vote on). Say so rather than show an empty list.
            return render(request, "decisions/votes/not_yours.html", {"crumbs": crumbs()})
        raise Http404
    compounds = list(
        voice_compounds(user, "votes.view")
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    form = VoteFilterForm(request.GET, compounds=compounds)
    filters = form.filters()
    votes = paginate(request, queries.vote_list(user, **filters), per_page=VOTES_PER_PAGE)
    organise_in = [pk for pk, _n in compounds] if has_permission(user, "votes.organise") else []
    new_for = filters["compound_id"] or (organise_in[0] if len(organise_in) == 1 else None)
    return render(
        request,
        "decisions/votes/list.html",
        {
            "form": form,
            "votes": votes,
            "new_for": new_for if new_for in organise_in else None,
            "can_organise": bool(organise_in),
            "crumbs": crumbs(),
        },
    )


def _assemblies(compound: Compound):
    return (
        Meeting.objects.filter(compound=compound, kind=MeetingKind.OWNERS_ASSEMBLY)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-held_on", "-id")
    )


def _vote_form(request, compound: Compound, data=None, **kwargs) -> VoteForm:
    return VoteForm(
        data,
        buildings=Building.objects.filter(compound=compound).order_by("pk"),
        meetings=_assemblies(compound),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare a vote of a compound (a draft; nothing is frozen until it opens)."""
    user = request.user
    compound = get_visible_or_404(
        user, Compound.objects.select_related("community"), "votes.organise", pk=pk
    )
    if request.method == "POST":
        form = _vote_form(request, compound, request.POST)
        if form.is_valid():
            try:
                vote = actions.vote_create(actor=user, compound=compound, draft=form.draft())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已保存表决草稿。检查名册后即可开始投票。"))
                return redirect("decisions:vote", pk=vote.pk)
    else:
        initial = {}
        chosen = request.GET.get("meeting", "")
        if chosen.isdigit():
            meeting = _assemblies(compound).filter(pk=int(chosen)).first()
            if meeting is not None:
                initial = {
                    "meeting": meeting.pk,
                    "buildings": list(meeting.buildings.values_list("pk", flat=True)),
                }
        form = _vote_form(request, compound, initial=initial)
    return render(
        request,
        "decisions/votes/form.html",
        {"form": form, "compound": compound, "crumbs": crumbs(_("发起表决"))},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft vote."""
    vote = queries.vote_or_404(request.user, pk, "votes.organise")
    if vote.status != VoteStatus.DRAFT:
        messages.error(request, _("表决已开始，内容不能再改。"))
        return redirect("decisions:vote", pk=vote.pk)
    if request.method == "POST":
        form = _vote_form(request, vote.compound, request.POST)
        if form.is_valid():
            try:
                actions.vote_update(actor=request.user, vote=vote, draft=form.draft())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("decisions:vote", pk=vote.pk)
    else:
        form = _vote_form(
            request,
            vote.compound,
            initial={
                "title": vote.title,
                "question": vote.question,
                "matter": vote.matter,
                "buildings": [b.pk for b in vote.buildings.all()],
                "meeting": vote.meeting_id,
                "opens_at": timezone.localtime(vote.opens_at),
                "closes_at": timezone.localtime(vote.closes_at),
                "options": "\n".join(o["label"] for o in vote.options)
                if vote.matter == Matter.ADVISORY
                else "",
            },
        )
    return render(
        request,
        "decisions/votes/form.html",
        {"form": form, "compound": vote.compound, "vote": vote, "crumbs": crumbs(_("修改"), vote)},
    )


def _share(part: int, whole: int) -> str:
    return counting.percent(part, whole)


@login_required
@require_safe
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a vote, as far as its status allows: before opening the roll check,
    while open the participation (never the split), once closed the result."""
    user = request.user
    vote = queries.vote_or_404(user, pk)
    now = timezone.now()
    rule = _rule_of(vote)
    context = {
        "vote": vote,
        "buildings": list(vote.buildings.all()),
        "rule": rule,
        "rule_words": rule_words(rule),
        "matter_label": Matter(vote.matter).label,
        "options": [option_label(vote, o["key"]) for o in vote.options],
        "events": list(VoteEvent.objects.filter(vote=vote).select_related("actor").order_by("seq")),
        "can_organise": has_permission(user, "votes.organise", vote),
        "can_enter": has_permission(user, "votes.enter", vote),
        "not_started": now < vote.opens_at,
        "polls_closed": now >= vote.closes_at,
        "crumbs": crumbs(vote=vote),
    }
    if vote.meeting_id and vote.status == VoteStatus.DRAFT:
        context["meeting_problem"] = notice_problem(vote.meeting)
    if vote.status == VoteStatus.DRAFT:
        check = roll.roll_check(vote)
        context["check"] = check
        context["open_problems"] = actions.open_problems(vote, check)
        context["check_area"] = cents_to_m2(check.area_cents)
    if vote.status in (VoteStatus.OPEN, VoteStatus.CLOSED):
        taking_part = tally.participation(vote)
        context["taking_part"] = taking_part
        context["taking_part_area"] = cents_to_m2(taking_part.area_cents)
        context["total_area"] = cents_to_m2(vote.total_area_cents)
        context["area_share"] = _share(taking_part.area_cents, vote.total_area_cents)
        context["persons_share"] = _share(taking_part.persons, vote.total_persons)
        context["quorum_now"] = rule.quorum_area.met(
            taking_part.area_cents, vote.total_area_cents
        ) and rule.quorum_owners.met(taking_part.persons, vote.total_persons)
        conflicts = list(queries.conflicts(vote)[:50])
        for person in conflicts:
            for ballot in person.ballots.all():
                ballot.label = option_label(vote, ballot.choice)
        context["conflicts"] = conflicts
    if vote.status == VoteStatus.CLOSED:
        context["sheet"] = result_of(vote)
        notices = list(publishing.vote_notices(vote))
        context["notices"] = notices
        context["may_publish"] = (
            context["can_organise"]
            and not any(n.is_public for n in notices)
            and has_permission(user, "notices.publish", vote.compound)
        )
    return render(request, "decisions/votes/detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and open a draft vote: its roll is frozen."""
    vote = queries.vote_or_404(request.user, pk, "votes.organise")
    problems: list[str] = []
    if request.method == "POST":
        try:
            actions.vote_open(actor=request.user, vote=vote)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("投票已开始。业主名册已冻结，有账号的业主已收到通知。"))
            return redirect("decisions:vote", pk=vote.pk)
    check = roll.roll_check(vote) if vote.status == VoteStatus.DRAFT else None
    return render(
        request,
        "decisions/votes/open.html",
        {
            "vote": vote,
            "check": check,
            "check_area": cents_to_m2(check.area_cents) if check else "",
            "problems": problems or (actions.open_problems(vote, check) if check else []),
            "crumbs": crumbs(_("开始投票"), vote),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and close an open vote once its closing time has passed: it is counted."""
    vote = queries.vote_or_404(request.user, pk, "votes.organise")
    problems: list[str] = []
    if request.method == "POST":
        try:
            actions.vote_close(actor=request.user, vote=vote)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("投票已结束并计票。"))
            return redirect("decisions:vote", pk=vote.pk)
    taking_part = tally.participation(vote) if vote.status == VoteStatus.OPEN else None
    return render(
        request,
        "decisions/votes/close.html",
        {
            "vote": vote,
            "problems": problems,
            "taking_part": taking_part,
            "polls_closed": timezone.now() >= vote.closes_at,
            "crumbs": crumbs(_("结束投票并计票"), vote),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call off a draft or open vote, with the reason."""
    vote = queries.vote_or_404(request.user, pk, "votes.organise")
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                actions.vote_cancel(
                    actor=request.user, vote=vote, reason=form.cleaned_data["reason"]
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("表决已取消。"))
                return redirect("decisions:vote", pk=vote.pk)
    else:
        form = CancelForm()
    return render(
        request,
        "decisions/votes/cancel.html",
        {"vote": vote, "form": form, "crumbs": crumbs(_("取消表决"), vote)},
    )


@login_required
@require_safe
def vote_roll(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen roll: voting persons with their units, areas and owners (phones masked,
    reveal logged), and whether each has voted — filter "还没投票" for door-knocking."""
    user = request.user
    vote = queries.vote_or_404(user, pk)
    if vote.status == VoteStatus.DRAFT:
        messages.info(request, _("表决开始后才有冻结的名册；开始前请看名册检查。"))
        return redirect("decisions:vote", pk=vote.pk)
    building_ids = RollUnit.objects.filter(vote=vote).values("building_id")
    grid_ids = RollUnit.objects.filter(vote=vote, grid__isnull=False).values("grid_id")
    form = RollFilterForm(
        request.GET,
        buildings=[(b.pk, str(b)) for b in Building.objects.filter(pk__in=building_ids)],
        grids=list(Grid.objects.filter(pk__in=grid_ids).order_by("name").values_list("pk", "name")),
    )
    filters = form.filters()
    persons = paginate(request, queries.roll_page(user, vote, **filters), per_page=ROLL_PER_PAGE)
    return render(
        request,
        "decisions/votes/roll.html",
        {
            "vote": vote,
            "form": form,
            "persons": persons,
            "closed": vote.status == VoteStatus.CLOSED,
            "labels": {o["key"]: option_label(vote, o["key"]) for o in vote.options},
            "can_reveal": has_permission(user, "pii.reveal", vote.compound),
            "can_enter": has_permission(user, "votes.enter", vote)
            and vote.status == VoteStatus.OPEN,
            "crumbs": crumbs(_("表决名册"), vote),
        },
    )


@login_required
@require_safe
def vote_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """Every ballot and proxy in the order of the chain; choices only once it is closed."""
    user = request.user
    vote = queries.vote_or_404(user, pk)
    ballots = paginate(request, queries.ballot_history(vote), per_page=BALLOTS_PER_PAGE)
    return render(
        request,
        "decisions/votes/ballots.html",
        {
            "vote": vote,
            "ballots": ballots,
            "proxies": list(queries.proxies_of(vote)[:100]),
            "closed": vote.status == VoteStatus.CLOSED,
            "labels": {o["key"]: option_label(vote, o["key"]) for o in vote.options},
            "can_scan": has_permission(user, "votes.organise", vote),
            "crumbs": crumbs(_("表决票记录"), vote),
        },
    )


def _closed_or_back(request, vote: Vote):
    sheet = result_of(vote)
    if sheet is None:
        messages.info(request, _("结束投票并计票后才有结果。"))
    return sheet


@login_required
@require_safe
def vote_result_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The result as an A4 PDF (for the bulletin board and the archive)."""
    vote = queries.vote_or_404(request.user, pk)
    sheet = _closed_or_back(request, vote)
    if sheet is None:
        return redirect("decisions:vote", pk=vote.pk)
    return pdf.pdf_response(exports.result_pdf(sheet), f"表决结果-{vote.pk}.pdf")


@login_required
@require_safe
def vote_result_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The result, the roll with each voting person's counted ballot, and every ballot, as an
    Excel workbook (phones masked)."""
    vote = queries.vote_or_404(request.user, pk)
    sheet = _closed_or_back(request, vote)
    if sheet is None:
        return redirect("decisions:vote", pk=vote.pk)
    response = HttpResponse(exports.result_workbook(sheet), content_type=exports.XLSX)
    response["Content-Disposition"] = exports.attachment(f"表决结果-{vote.pk}.xlsx")
    return response


@login_required
@require_safe
def vote_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the vote against its own records (the same as `laoyuan verify-votes`)."""
    vote = queries.vote_or_404(request.user, pk, "votes.organise")
    return render(
        request,
        "decisions/votes/verify.html",
        {"vote": vote, "problems": verify(vote), "crumbs": crumbs(_("核验记录"), vote)},
    )


urlpatterns: list = [
    path("votes/", vote_list, name="votes"),
    path("compounds/<int:pk>/votes/new/", vote_new, name="vote_new"),
    path("votes/<int:pk>/", vote_detail, name="vote"),
    path("votes/<int:pk>/edit/", vote_edit, name="vote_edit"),
    path("votes/<int:pk>/open/", vote_open, name="vote_open"),
    path("votes/<int:pk>/close/", vote_close, name="vote_close"),
    path("votes/<int:pk>/cancel/", vote_cancel, name="vote_cancel"),
    path("votes/<int:pk>/roll/", vote_roll, name="vote_roll"),
    path("votes/<int:pk>/ballots/", vote_ballots, name="vote_ballots"),
    path("votes/<int:pk>/result.pdf", vote_result_pdf, name="vote_result_pdf"),
    path("votes/<int:pk>/result.xlsx", vote_result_xlsx, name="vote_result_xlsx"),
    path("votes/<int:pk>/verify/", vote_verify, name="vote_verify"),
]
