"""Pages where staff enter what owners handed in (录票): a signed paper ballot (纸质表决票) with
its number, the moment it was received and its scan; a written proxy (授权委托书) with its scan.
First the voting person is found by room or name among those the user may enter for (a grid
worker: her grid's), then the form is filled in. Also: opening a scan (logged, it shows names
and signatures) and revealing an owner's phone from the roll (logged).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.decisions.views.votes import crumbs
from laoyuan.decisions.votes import ballots, queries
from laoyuan.decisions.votes.forms import FindPersonForm, PaperBallotForm, ProxyForm
from laoyuan.decisions.votes.models import (
    Ballot,
    Proxy,
    RollOwner,
    RollUnit,
    Vote,
    VoteStatus,
    VotingPerson,
)
from laoyuan.decisions.votes.results import option_label
from laoyuan.registry import actions as registry_actions
from laoyuan.registry.models import Resident

FOUND_AT_MOST = 20


def _entering(request: HttpRequest, pk: int) -> Vote:
    vote = queries.vote_or_404(request.user, pk, "votes.enter")
    return vote


def _find(request: HttpRequest, vote: Vote) -> tuple[FindPersonForm, list, VotingPerson | None]:
    """The person chosen (?person=) or the persons matching the search (?q=)."""
    user = request.user
    mine = queries.persons_for(user, vote, "votes.enter")
    chosen = request.GET.get("person") or request.POST.get("person") or ""
    if chosen.isdigit():
        person = queries.with_roll_details(mine).filter(pk=int(chosen)).first()
        if person is None:
            raise Http404
        return FindPersonForm(), [], person
    form = FindPersonForm(request.GET if "q" in request.GET else None)
    found: list = []
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"].strip()
        units = RollUnit.objects.filter(vote=vote, label__contains=text).values("person_id")
        found = list(
            queries.with_roll_details(
                mine.filter(Q(label__contains=text) | Q(pk__in=units))
            ).order_by("number")[:FOUND_AT_MOST]
        )
    return form, found, None


def _entry_page(request, vote, template, *, form=None, find=None, found=(), person=None, **extra):
    return render(
        request,
        template,
        {
            "vote": vote,
            "form": form,
            "find": find,
            "found": found,
            "person": person,
            "open": vote.status == VoteStatus.OPEN,
            **extra,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in a signed paper ballot: find the voting person, then the ballot's owner, choice,
    number, the time it was received and its scan."""
    vote = _entering(request, pk)
    find, found, person = _find(request, vote)
    form = None
    if person is not None:
        owners = RollOwner.objects.filter(person=person).order_by("pk")
        proxies = Proxy.objects.filter(person=person).order_by("-seq")
        options = [(o["key"], option_label(vote, o["key"])) for o in vote.options]
        kwargs = {"owners": owners, "proxies": proxies, "options": options}
        if request.method == "POST":
            form = PaperBallotForm(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    ballots.ballot_enter_paper(
                        actor=request.user,
                        vote=vote,
                        paper=ballots.PaperBallot(
                            owner=data["owner"],
                            choice=data["choice"],
                            ballot_number=data["ballot_number"],
                            received_at=data["received_at"],
                            scan=data["scan"],
                            proxy=data["proxy"],
                            replaces_paper=data["replaces_paper"],
                        ),
                    )
                except PermissionDenied as exc:
                    raise Http404 from exc
                except ValidationError as exc:
                    form.add_action_errors(exc)
                else:
                    messages.success(
                        request,
                        _("已录入%(who)s的纸质表决票（票号%(number)s）。")
                        % {"who": person.label, "number": data["ballot_number"]},
                    )
                    return redirect("decisions:vote_paper", pk=vote.pk)
        else:
            form = PaperBallotForm(**kwargs)
    elif request.method == "POST":
        raise Http404
    return _entry_page(
        request,
        vote,
        "decisions/votes/paper.html",
        form=form,
        find=find,
        found=found,
        person=person,
        counted=Ballot.objects.filter(pk=person.counted_ballot_id).first() if person else None,
        crumbs=crumbs(_("录入纸质票"), vote),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def proxy_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a written proxy: find the voting person, then the owner who gave it, the proxy's
    name (and her account, to vote on her phone) and the scan of the authorisation."""
    vote = _entering(request, pk)
    find, found, person = _find(request, vote)
    form = None
    if person is not None:
        owners = RollOwner.objects.filter(person=person).order_by("pk")
        unit_ids = [u.unit_id for u in person.units.all()]
        residents = (
            Resident.objects.filter(household__unit_id__in=unit_ids, is_active=True)
            .select_related("household__unit__building", "household__unit__entrance")
            .order_by("pk")
        )
        kwargs = {"owners": owners, "residents": residents}
        if request.method == "POST":
            form = ProxyForm(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    ballots.proxy_record(
                        actor=request.user,
                        vote=vote,
                        owner=data["owner"],
                        proxy_name=data["proxy_name"],
                        proxy_resident=data["proxy_resident"],
                        scan=data["scan"],
                        note=data["note"],
                    )
                except PermissionDenied as exc:
                    raise Http404 from exc
                except ValidationError as exc:
                    form.add_action_errors(exc)
                else:
                    messages.success(
                        request,
                        _("已登记%(owner)s对%(proxy)s的委托。")
                        % {"owner": data["owner"].name, "proxy": data["proxy_name"]},
                    )
                    return redirect(f"{request.path}?person={person.pk}")
        else:
            form = ProxyForm(**kwargs)
    elif request.method == "POST":
        raise Http404
    return _entry_page(
        request,
        vote,
        "decisions/votes/proxy.html",
        form=form,
        find=find,
        found=found,
        person=person,
        proxies=list(Proxy.objects.filter(person=person).order_by("-seq")) if person else [],
        crumbs=crumbs(_("登记委托"), vote),
    )


def _scan(request: HttpRequest, row) -> HttpResponse:
    try:
        opened = ballots.scan_open(actor=request.user, row=row)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        raise Http404 from exc
    name = row.scan.name.rsplit("/", 1)[-1]
    content_type = "application/pdf" if name.endswith(".pdf") else "image/jpeg"
    response = FileResponse(opened, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _row_of(request: HttpRequest, model, pk: int):
    row = get_object_or_404(model.objects.select_related("vote"), pk=pk)
    # 404 unless the user organises the vote (the scan shows names and signatures).
    queries.vote_or_404(request.user, row.vote_id, "votes.organise")
    return row


@login_required
@require_safe
def ballot_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan of a paper ballot (logged)."""
    return _scan(request, _row_of(request, Ballot, pk))


@login_required
@require_safe
def proxy_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan of a written proxy (logged)."""
    return _scan(request, _row_of(request, Proxy, pk))


@login_required
@require_POST
def owner_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the phone of an owner on the roll, for door-knocking (logged, pii.reveal)."""
    owner = get_object_or_404(RollOwner.objects.select_related("vote", "owner", "person"), pk=pk)
    vote = queries.vote_or_404(request.user, owner.vote_id)
    if not queries.persons_for(request.user, vote).filter(pk=owner.person_id).exists():
        raise Http404
    try:
        phone = registry_actions.owner_reveal(actor=request.user, owner=owner.owner, field="phone")
    except PermissionDenied as exc:
        raise Http404 from exc
    return render(
        request,
        "decisions/votes/reveal.html",
        {
            "vote": vote,
            "owner": owner,
            "phone": phone,
            "crumbs": crumbs(_("查看完整号码"), vote),
        },
    )


urlpatterns: list = [
    path("votes/<int:pk>/paper/", paper_ballot, name="vote_paper"),
    path("votes/<int:pk>/proxy/", proxy_new, name="vote_proxy"),
    path("vote-ballots/<int:pk>/scan", ballot_scan, name="vote_ballot_scan"),
    path("vote-proxies/<int:pk>/scan", proxy_scan, name="vote_proxy_scan"),
    path("vote-owners/<int:pk>/reveal/", owner_reveal, name="vote_owner_reveal"),
]
