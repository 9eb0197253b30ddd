"""Reads of public notices (公示), already scoped. Views and the API read through these.

Staff read with "notices.view" over their place. A resident reads, on her portal, the published
notices whose target contains one of her households, and her own objections. The public pages
read published and closed notices of any place (a notice is public by nature), their
attachments and their objections' redacted texts and answers — never who objected.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, has_permission, visible
from laoyuan.notices.models import (
    PUBLIC_STATES,
    Notice,
    NoticeAttachment,
    NoticeEvent,
    NoticeState,
    Objection,
    ObjectionAnswer,
    ObjectionState,
    TargetLevel,
)
from laoyuan.notices.phases import Phase
from laoyuan.notices.targets import reaching_q, resident_households
from laoyuan.registry.models import Compound

VIEW = "notices.view"


def notices_for(user: User, permission: str = VIEW) -> QuerySet[Notice]:
    return visible(user, Notice, permission).select_related("community", "compound")


def with_objection_counts(notices):
    """Set `objection_count` and `unresolved_count` on each of these notices (one page of a
    list) with one grouped query over their objections. A count joined into the list query
    itself would group every notice of a street before the page is cut (seconds at 30,000)."""
    notices = list(notices)
    rows = (
        Objection.objects.filter(notice_id__in=[n.pk for n in notices])
        .order_by()
        .values("notice_id")
        .annotate(
            total=Count("id"), unresolved=Count("id", filter=~Q(state=ObjectionState.RESOLVED))
        )
    )
    counts = {r["notice_id"]: r for r in rows}
    for notice in notices:
        row = counts.get(notice.pk, {"total": 0, "unresolved": 0})
        notice.objection_count, notice.unresolved_count = row["total"], row["unresolved"]
    return notices


LIST_FIELDS = (
    "kind",
    "title",
    "state",
    "target_level",
    "target_label",
    "street_id",
    "community__name",
    "compound__name",
    "starts_on",
    "ends_on",
    "period_days",
    "working_days",
    "calendar_provisional",
    "published_at",
    "created_at",
)


def in_phase(qs: QuerySet[Notice], phase: str, today: dt.date) -> QuerySet[Notice]:
    """Narrow to a stored state, or to a phase of published notices on `today`."""
    if phase == Phase.OPEN:
        # "Started" is written as NOT (starts_on > today): most notices started long ago, and
        # SQLite, which plans without statistics, would otherwise walk a place's notices by start
        # date instead of leading with the (place, state, ends_on) index.
        return qs.filter(state=NoticeState.PUBLISHED, ends_on__gte=today).exclude(
            starts_on__gt=today
        )
    if phase == Phase.UPCOMING:
        return qs.filter(state=NoticeState.PUBLISHED, starts_on__gt=today)
    if phase == Phase.ENDED:
        return qs.filter(state=NoticeState.PUBLISHED, ends_on__lt=today)
    if phase in NoticeState.values:
        return qs.filter(state=phase)
    return qs


def notice_list(
    user: User,
    *,
    today: dt.date,
    compound_id: int | None = None,
    community_id: int | None = None,
    kind: str = "",
    phase: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    text: str = "",
) -> QuerySet[Notice]:
    """The staff list, latest start first. `since`/`until` keep the notices whose period
    overlaps those days; `phase` is a state or open / upcoming / ended. The objection counts
    of the rows shown are added by `with_objection_counts`, page by page."""
    qs = notices_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if kind:
        qs = qs.filter(kind=kind)
    if phase:
        qs = in_phase(qs, phase, today)
    if since:
        qs = qs.filter(ends_on__gte=since)
    if until:
        qs = qs.filter(starts_on__lte=until)
    if text:
        qs = qs.filter(title__contains=text)
    # Only what a list row shows: sorting thousands of rows is cheaper without their bodies.
    return qs.only(*LIST_FIELDS).order_by("-starts_on", "-id")


def notice_or_404(user: User, pk: int, permission: str = VIEW) -> Notice:
    return get_visible_or_404(
        user,
        Notice.objects.select_related(
            "community__street", "compound", "created_by", "published_by", "withdrawn_by"
        ).prefetch_related("buildings"),
        permission,
        pk=pk,
    )


def attachment_or_404(user: User, pk: int, permission: str = VIEW) -> NoticeAttachment:
    return get_visible_or_404(
        user, NoticeAttachment.objects.select_related("notice"), permission, pk=pk
    )


def objection_or_404(user: User, pk: int, permission: str = VIEW) -> Objection:
    return get_visible_or_404(user, Objection.objects.select_related("notice"), permission, pk=pk)


def notice_attachments(notice: Notice) -> QuerySet[NoticeAttachment]:
    return NoticeAttachment.objects.filter(notice=notice).order_by("position", "id")


def notice_events(notice: Notice) -> QuerySet[NoticeEvent]:
    return NoticeEvent.objects.filter(notice=notice).select_related("actor").order_by("at", "id")


def _answers() -> Prefetch:
    return Prefetch(
        "answers", queryset=ObjectionAnswer.objects.select_related("by").order_by("at", "id")
    )


def notice_objections(notice: Notice) -> QuerySet[Objection]:
    """The notice's objections in the order they came, each with its answers (two queries
    per page whatever their number)."""
    return (
        Objection.objects.filter(notice=notice)
        .select_related("recorded_by", "author")
        .prefetch_related(_answers())
        .order_by("created_at", "id")
    )


def objection_counts(notice: Notice) -> dict[str, int]:
    """How the notice's objections stand now: all, answered at least once, resolved."""
    return Objection.objects.filter(notice=notice).aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        resolved=Count("id", filter=Q(state=ObjectionState.RESOLVED)),
    )


# --- the resident's side ----------------------------------------------------------------------


def _published_once() -> Q:
    # Withdrawn after publishing: the portal and the public page say it was withdrawn; a draft
    # discarded before publishing was never seen by anyone and stays unseen.
    return Q(published_at__isnull=False)


def portal_notices(user: User) -> QuerySet[Notice]:
    """Notices published for one of the resident's households (her community, her compound,
    her building), newest first."""
    if not has_permission(user, "portal.object"):
        return Notice.objects.none()
    households = resident_households(user)
    # Every notice reaching a household is in its community: that indexed filter first, so the
    # three-way OR of the target only refines a community's notices.
    communities = {h.compound.community_id for h in households}
    return (
        Notice.objects.filter(_published_once(), community_id__in=communities)
        .filter(reaching_q(households))
        .select_related("community", "compound")
        .order_by("-starts_on", "-id")
    )


def portal_open_notices(user: User, today: dt.date) -> QuerySet[Notice]:
    """The resident's notices open for objections today."""
    return in_phase(portal_notices(user), Phase.OPEN, today)


def portal_notice_or_404(user: User, pk: int) -> Notice:
    """A published notice for a resident's portal: one for her place, or any other she reached
    from its public page (public anyway; she is then told she cannot object to it)."""
    if not has_permission(user, "portal.object"):
        raise Http404
    try:
        return (
            Notice.objects.filter(_published_once())
            .select_related("community", "compound")
            .get(pk=pk)
        )
    except (Notice.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def resident_refusal(user: User, notice: Notice, today: dt.date) -> str:
    """Why this resident cannot object to this notice today, in her words ("" when she can):
    her household is outside the target, or the period has not begun or is over."""
    from laoyuan.notices.phases import objection_refusal
    from laoyuan.notices.targets import household_in_target

    building_ids = (
        set(notice.buildings.values_list("pk", flat=True))
        if notice.target_level == TargetLevel.BUILDINGS
        else set()
    )
    inside = any(
        household_in_target(h, notice, building_ids) and h.is_active
        for h in resident_households(user)
    )
    if not inside:
        return _("这条公示只面向{target}的居民，您的住户不在公示范围内，不能在线提出异议。").format(
            target=notice.target_label
        )
    return objection_refusal(notice, today)


def my_objections(user: User, notice: Notice | None = None) -> QuerySet[Objection]:
    """The resident's own objections (to one notice, or all), newest first, with answers."""
    if not user.is_authenticated:
        return Objection.objects.none()
    qs = Objection.objects.filter(author=user)
    if notice is not None:
        qs = qs.filter(notice=notice)
    return qs.select_related("notice").prefetch_related(_answers()).order_by("-created_at", "-id")


# --- the public pages -------------------------------------------------------------------------


def public_notice_or_404(pk: int) -> Notice:
    try:
        return (
            Notice.objects.filter(_published_once())
            .select_related("community__street", "compound")
            .get(pk=pk)
        )
    except (Notice.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_attachment_or_404(notice: Notice, pk: int) -> NoticeAttachment:
    """An attachment of a notice that is public now (a withdrawn notice's are not)."""
    if notice.state not in PUBLIC_STATES:
        raise Http404
    try:
        return NoticeAttachment.objects.get(notice=notice, pk=pk)
    except (NoticeAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_objections(notice: Notice) -> QuerySet[Objection]:
    """The objections as the public sees them: texts redacted (names are never read from
    these rows by the public pages), with their answers."""
    return (
        Objection.objects.filter(notice=notice)
        .only("id", "notice_id", "channel", "text_redacted", "received_on", "state", "created_at")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=ObjectionAnswer.objects.only(
                    "id", "objection_id", "at", "text", "outcome"
                ).order_by("at", "id"),
            )
        )
        .order_by("created_at", "id")
    )


def public_compound_or_404(pk: int) -> Compound:
    try:
        return Compound.objects.select_related("community__street").get(pk=pk)
    except (Compound.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_notices_of(compound: Compound) -> QuerySet[Notice]:
    """The public notices concerning a compound: its own (whole or some buildings) and its
    community's, latest start first."""
    return (
        Notice.objects.filter(state__in=PUBLIC_STATES, community_id=compound.community_id)
        .filter(Q(compound=compound) | Q(target_level=TargetLevel.COMMUNITY))
        .order_by("-starts_on", "-id")
    )
