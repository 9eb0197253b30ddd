"""Background work of renewal (django-tasks): telling a project's residents that its
satisfaction survey is open (a compound may have thousands of resident accounts), and the
reminder of rectification items past their deadline (daily by `laoyuan worker` through
`LAOYUAN_PERIODIC_TASKS`; at once by `laoyuan renewal remind`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from laoyuan.core.models import RoleAssignment, User
from laoyuan.core.notify import notify
from laoyuan.renewal.models import CLOCK_STATES, RectificationItem, Survey, open_q


@task()
def survey_invite(survey_id: int) -> int:
    """Notify every resident account of the project's households (its buildings, or the
    whole compound when it names none). Returns how many were told."""
    survey = Survey.objects.select_related("project").filter(pk=survey_id).first()
    if survey is None or survey.closed_at is not None:
        return 0
    project = survey.project
    households = RoleAssignment.objects.filter(
        role="resident", household__compound_id=project.compound_id
    )
    buildings = list(project.buildings.values_list("pk", flat=True))
    if buildings:
        households = households.filter(household__building_id__in=buildings)
    users = User.objects.filter(pk__in=households.values("user_id"), is_active=True).order_by("pk")
    return notify(
        users.iterator(chunk_size=500),
        title=_("请为“{project}”的改造打个分").format(project=project.title),
        body=_("改造已完工，请在{date}前选择满意、基本满意或不满意，每户一份。").format(
            date=survey.closes_on
        ),
        url=reverse("renewal:portal_project", kwargs={"pk": project.pk}),
    )


@task()
def remind_overdue() -> int:
    """Tell the staff who recorded each overdue rectification item that it is late."""
    today = timezone.localdate()
    items = RectificationItem.objects.filter(
        open_q(states=CLOCK_STATES), deadline__lt=today, created_by__isnull=False
    ).select_related("created_by", "compound")
    told = 0
    for item in items.iterator(chunk_size=500):
        told += notify(
            [item.created_by],
            title=_("整治事项已超期：{title}").format(title=item.title),
            body=_("{compound}，{party}负责，期限{deadline}。").format(
                compound=item.compound.name, party=item.responsible_party, deadline=item.deadline
            ),
            url=reverse("renewal:rectification", kwargs={"pk": item.pk}),
        )
    return told
