"""Reads of case work, already scoped to the user. Pages and the API read through these.

Staff read with "cases.view" over their place; party staff (责任单位人员) hold it on their party
and so see the cases assigned to it, nothing else; a resident reads the cases she raised and
those opened from topics she spoke in ("我的工单"). The public progress page reads one case by
its unguessable token, through `public_case`, which hands out no personal data.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from laoyuan.cases.models import (
    OPEN_STATES,
    PUBLIC_EVENTS,
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    EventKind,
    Party,
    PartyContact,
    SupervisionLevel,
    SupervisionNotice,
)
from laoyuan.core.models import Role, User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, get_visible_or_404, visible
from laoyuan.registry.models import Compound

# --- parties ---------------------------------------------------------------------------------


def serves(party: Party, compound: Compound) -> bool:
    """Whether the party serves the compound (its street, and its community or compound)."""
    return (
        party.street_id == compound.community.street_id
        and party.community_id in (None, compound.community_id)
        and party.compound_id in (None, compound.pk)
    )


def parties_serving(compound: Compound) -> QuerySet[Party]:
    """Active parties a case of the compound may go to: the street's, the community's, the
    compound's own; the most local first."""
    return (
        Party.objects.filter(street_id=compound.community.street_id, is_active=True)
        .filter(Q(community__isnull=True) | Q(community_id=compound.community_id))
        .filter(Q(compound__isnull=True) | Q(compound_id=compound.pk))
        .order_by("kind", "name", "pk")
    )


def _norm(text: str) -> str:
    return "".join(str(text).split())


def match_party(named: str, compound: Compound) -> Party | None:
    """The registered party a decision's free-text "responsible party" names (by name or
    alias; "街道城管办、施工单位" names the first it can), the most local first."""
    wanted = [_norm(p) for p in str(named).replace("，", "、").replace(",", "、").split("、")]
    wanted = [w for w in wanted if w]
    if not wanted:
        return None
    candidates = sorted(
        parties_serving(compound),
        key=lambda p: (p.compound_id is None, p.community_id is None, p.pk),
    )
    for name in wanted:
        for party in candidates:
            if name == _norm(party.name) or name in {_norm(a) for a in party.aliases or []}:
                return party
    return None


def parties_for(user: User) -> QuerySet[Party]:
    return visible(user, Party, "cases.view").select_related("street", "community", "compound")


def party_or_404(user: User, pk: int) -> Party:
    return get_visible_or_404(user, parties_for(user), "cases.view", pk=pk)


def party_contacts(party: Party) -> QuerySet[PartyContact]:
    return PartyContact.objects.filter(party=party, is_active=True).order_by("pk")


def party_members(party: Party) -> QuerySet[User]:
    """The accounts that act for the party (role "party staff" on it)."""
    return (
        User.objects.filter(assignments__role=Role.PARTY_STAFF, assignments__party=party)
        .distinct()
        .order_by("username")
    )


def my_parties(user: User) -> list[int]:
    return [a.party_id for a in assignments_of(user) if a.role == Role.PARTY_STAFF]


# --- categories --------------------------------------------------------------------------------


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("position", "code")


def service_level_streets(user: User):
    """Streets whose service levels the user may set (a street official's own)."""
    from laoyuan.registry.models import Street

    return visible(user, Street, "cases.service_levels").order_by("code")


# --- cases -------------------------------------------------------------------------------------


def cases_for(user: User, permission: str = "cases.view") -> QuerySet[Case]:
    return visible(user, Case, permission).select_related(
        "compound", "category", "party", "building"
    )


def case_list(
    user: User,
    *,
    compound_id: int | None = None,
    community_id: int | None = None,
    party_id: int | None = None,
    category_id: int | None = None,
    state: str = "",
    source: str = "",
    text: str = "",
    overdue: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Case]:
    """The staff list of cases, newest first, with the filters of the list page."""
    qs = cases_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if party_id:
        qs = qs.filter(party_id=party_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if source:
        qs = qs.filter(source=source)
    if text:
        qs = qs.filter(Q(title__contains=text) | Q(request_id=text.upper()))
    if overdue:
        from laoyuan.cases import clocks

        qs = qs.filter(state__in=OPEN_STATES, next_due_at__lt=now or clocks.now())
    if since:
        qs = qs.filter(opened_at__date__gte=since)
    if until:
        qs = qs.filter(opened_at__date__lte=until)
    return qs.order_by("-opened_at", "-id")


def case_or_404(user: User, pk: int, permission: str = "cases.view") -> Case:
    return get_visible_or_404(
        user,
        Case.objects.select_related(
            "compound",
            "community",
            "street",
            "category",
            "party",
            "building",
            "topic",
            "decision__meeting",
            "reporter_resident",
            "created_by",
        ),
        permission,
        pk=pk,
    )


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return (
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "party", "other_party")
        .prefetch_related("photos")
        .order_by("at", "id")
    )


def case_photos(user: User) -> QuerySet[CasePhoto]:
    return visible(user, CasePhoto, "cases.view")


def case_notices(case: Case) -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.filter(case=case).select_related(
        "party", "issued_by", "answered_by"
    )


def notices_for(user: User) -> QuerySet[SupervisionNotice]:
    return visible(user, SupervisionNotice, "cases.view").select_related("case", "party")


def notice_or_404(user: User, pk: int, permission: str = "cases.view") -> SupervisionNotice:
    return get_visible_or_404(
        user,
        SupervisionNotice.objects.select_related(
            "case__compound", "case__category", "case__street", "party", "issued_by"
        ),
        permission,
        pk=pk,
    )


# --- the overdue board -------------------------------------------------------------------------


def supervising_level(user: User) -> int | None:
    """The widest level the user supervises from: street officials the street, community
    workers their community, grid workers their grid (None: she supervises nothing)."""
    roles = roles_with("cases.supervise")
    levels = {a.level for a in assignments_of(user) if a.role in roles}
    if levels & {"district", "street"}:
        return SupervisionLevel.STREET
    if "community" in levels:
        return SupervisionLevel.COMMUNITY
    if levels:
        return SupervisionLevel.GRID
    return None


def board(
    user: User, *, level: int | None = None, everything: bool = False, now: dt.datetime
) -> QuerySet[Case]:
    """The overdue board (督办看板): open cases in the user's scope that run late (a deadline
    passed) or were escalated, those at her level or above by default (`everything`: every
    overdue or escalated one in scope). Most overdue first; escalated cases waiting for a
    review come first of all."""
    qs = visible(user, Case, "cases.supervise").filter(state__in=OPEN_STATES)
    qs = qs.filter(Q(next_due_at__lt=now) | Q(level__gt=SupervisionLevel.GRID))
    if not everything and level is not None:
        qs = qs.filter(level__gte=level)
    return qs.select_related("compound", "category", "party").order_by(
        "next_due_at", "-escalated_at", "pk"
    )


# --- the resident's side ------------------------------------------------------------------------


def my_cases(user: User) -> QuerySet[Case]:
    """A resident's cases: those she raised, and those opened from topics she spoke in."""
    if not user.is_authenticated:
        return Case.objects.none()
    from_topics = Case.objects.filter(topic__voices__author=user).values("pk")
    return (
        Case.objects.filter(Q(reporter_account=user) | Q(pk__in=from_topics))
        .select_related("compound", "category", "party", "building")
        .order_by("-opened_at", "-id")
    )


def portal_case_or_404(user: User, pk: int) -> Case:
    try:
        return my_cases(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- the public side (no personal data) ----------------------------------------------------------

# What a public reader may see of a case: no reporter, no phone, no free text but the category,
# the place and the redacted notes of progress. The Open311 API reads through these too.
PUBLIC_FIELDS = (
    "pk",
    "request_id",
    "public_token",
    "state",
    "category_id",
    "compound_id",
    "street_id",
    "party_id",
    "lat",
    "lon",
    "address",
    "opened_at",
    "updated_at",
    "status_note",
    "closed_at",
    # The clocks: when each step was due and done (no person in them).
    "accept_due_at",
    "respond_due_at",
    "solve_due_at",
    "review_due_at",
    "accepted_at",
    "first_response_at",
    "responded_on_time",
    "solved_at",
    "solved_on_time",
)


def public_cases() -> QuerySet[Case]:
    """Cases as the public may see them: only the fields above, with category, compound and
    party names (organisations, not people). Cancelled cases are not public."""
    return (
        Case.objects.exclude(state="cancelled")
        .only(*PUBLIC_FIELDS)
        .select_related("category", "compound", "party")
        .only(
            *PUBLIC_FIELDS,
            "category__code",
            "category__name",
            "category__group",
            "compound__name",
            "compound__code",
            "party__name",
        )
    )


def public_case(token: str) -> Case:
    try:
        return public_cases().get(public_token=token)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_events(case: Case) -> QuerySet[CaseEvent]:
    """The public timeline: kinds, times, durations and redacted progress notes; no actor."""
    return (
        CaseEvent.objects.filter(case=case, kind__in=PUBLIC_EVENTS)
        .select_related("party", "other_party")
        .only(
            "at",
            "kind",
            "to_state",
            "note",
            "took_seconds",
            "step",
            "due_at",
            "on_time",
            "case_id",
            "party__name",
            "other_party__name",
        )
        .order_by("at", "id")
    )


PUBLIC_NOTE_KINDS = (EventKind.PROGRESS, EventKind.SOLVED)
