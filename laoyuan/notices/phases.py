"""Where a notice stands on a given day (阶段), for pages and the API, and whether objections
are accepted: the stored state says draft / published / closed / withdrawn; a published notice
is further "upcoming" before its start, "open" during its period, and "ended" between the end
of its period and the closing sweep (objections are refused from the day after the end, whether
or not the sweep has run yet)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.notices.models import Notice, NoticeState


class Phase(models.TextChoices):
    DRAFT = "draft", gettext_lazy("草稿")
    UPCOMING = "upcoming", gettext_lazy("即将开始")
    OPEN = "open", gettext_lazy("公示中")
    ENDED = "ended", gettext_lazy("公示期满")
    CLOSED = "closed", gettext_lazy("已结束")
    WITHDRAWN = "withdrawn", gettext_lazy("已撤回")


def phase_of(notice: Notice, today: dt.date) -> str:
    if notice.state != NoticeState.PUBLISHED:
        return notice.state  # draft, closed and withdrawn are phases of the same name
    if today < notice.starts_on:
        return Phase.UPCOMING
    if today > notice.ends_on:
        return Phase.ENDED
    return Phase.OPEN


def phase_label(notice: Notice, today: dt.date) -> str:
    return str(Phase(phase_of(notice, today)).label)


def objection_refusal(notice: Notice, today: dt.date) -> str:
    """Why no objection can be filed today ("" when it can), in words for the resident."""
    phase = phase_of(notice, today)
    if phase == Phase.DRAFT:
        return _("这条公示还没有发布。")
    if phase == Phase.WITHDRAWN:
        return _("这条公示已经撤回，不再受理异议。")
    if phase in (Phase.ENDED, Phase.CLOSED):
        return _("公示期已于{end}结束，不再受理新的异议。").format(end=notice.ends_on.isoformat())
    if phase == Phase.UPCOMING:
        return _("公示将于{start}开始，开始后才能提出异议。").format(
            start=notice.starts_on.isoformat()
        )
    return ""
