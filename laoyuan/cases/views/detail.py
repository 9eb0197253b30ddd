"""The case page (工单详情): everything about a case for whoever may see it — where, what, who
raised it (as much as the viewer may know), its clocks against their deadlines, the forms of
the steps the viewer may take now, the supervision notices, and the whole timeline.

The step views (views/work.py) render this page again with their bound form when an action
refuses, so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases import clocks, forms, queries, rules
from laoyuan.cases.models import (
    CLOCK_STATES,
    Case,
    CaseState,
    EventKind,
    Step,
    SupervisionLevel,
)
from laoyuan.core.scopes import has_permission
from laoyuan.core.workdays import working_seconds_between, year_is_published
from laoyuan.registry.views.furniture import Crumb, paginate

EVENTS_PER_PAGE = 100


@dataclass
class Clock:
    label: str
    due: dt.datetime | None
    done_at: dt.datetime | None
    on_time: bool | None
    left: int | None  # working seconds left; negative: overdue by that much
    running: bool


def _left(due: dt.datetime | None, now: dt.datetime) -> int | None:
    if due is None:
        return None
    if due >= now:
        return working_seconds_between(now, due)
    return -working_seconds_between(due, now)


def case_clocks(case: Case, now: dt.datetime) -> list[Clock]:
    """The three clocks (受理, 首次响应, 办结) with how much working time is left or overdue."""
    running = case.state in CLOCK_STATES
    accept_open = case.state in (CaseState.DISPATCH, CaseState.ASSIGNED)
    rows = [
        Clock(
            str(Step.ACCEPT.label),
            case.accept_due_at,
            case.accepted_at,
            None if case.accepted_at is None else case.accepted_at <= (case.accept_due_at or now),
            _left(case.accept_due_at, now) if accept_open else None,
            running and accept_open,
        ),
        Clock(
            str(Step.RESPOND.label),
            case.respond_due_at,
            case.first_response_at,
            case.responded_on_time,
            _left(case.respond_due_at, now) if case.first_response_at is None else None,
            running and case.first_response_at is None,
        ),
        Clock(
            str(Step.SOLVE.label),
            case.solve_due_at,
            case.solved_at,
            case.solved_on_time,
            _left(case.solve_due_at, now) if case.solved_at is None else None,
            running and case.solved_at is None,
        ),
    ]
    if case.state == CaseState.REVIEW:
        rows.append(
            Clock(
                str(Step.REVIEW.label),
                case.review_due_at,
                None,
                None,
                _left(case.review_due_at, now),
                True,
            )
        )
    return rows


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def detail_context(request: HttpRequest, case: Case, **bound) -> dict:
    """The case page's context; `bound` carries a refused step's form (e.g. rate=form)."""
    user = request.user
    now = clocks.now()
    can = rules.abilities(user, case)
    party_view = rules.as_party(user)
    events = paginate(
        request, queries.case_events(case), per_page=EVENTS_PER_PAGE, param="events_page"
    )
    for e in events:
        e.kind_label = _label(EventKind, e.kind)
        e.from_label = _label(CaseState, e.from_state) if e.from_state else ""
        e.to_label = _label(CaseState, e.to_state) if e.to_state else ""
        e.step_label = _label(Step, e.step) if e.step else ""
        if e.kind == EventKind.ESCALATED:
            e.level_label = _label(SupervisionLevel, (e.data or {}).get("level"))
        # Staff names are shown; a resident's own steps (rating on the portal) read "居民".
        e.who = str(e.actor) if e.actor_id and not _is_reporter(case, e) else ""
    serving = queries.parties_serving(case.compound)
    if "transfer" in can:
        serving_others = serving.exclude(pk=case.party_id)
    else:
        serving_others = serving.none()
    form_classes = {
        "dispatch": lambda: forms.DispatchForm(parties=serving),
        "accept": forms.NoteForm,
        "return": forms.ReasonForm,
        "transfer": lambda: forms.TransferForm(parties=serving_others),
        "progress": forms.ProgressForm,
        "pause": forms.PauseForm,
        "resume": forms.NoteForm,
        "solve": forms.SolveForm,
        "rate": forms.RateForm,
        "review": lambda: forms.ReviewForm(parties=serving),
        "cancel": forms.ReasonForm,
        "notice": forms.NoticeForm,
    }
    step_forms = {
        name: bound.get(name) or make() for name, make in form_classes.items() if name in can
    }
    # A refused step is shown with its reasons even when the state no longer offers it.
    step_forms.update({name: form for name, form in bound.items() if name in form_classes})
    for name, form in step_forms.items():
        form.auto_id = f"id_{name}_%s"  # many forms on one page: ids must not collide
    due_years = {d.year for d in (case.accept_due_at, case.respond_due_at, case.solve_due_at) if d}
    provisional = sorted(y for y in due_years if not year_is_published(y))
    return {
        "case": case,
        "now": now,
        "can": can,
        "party_view": party_view,
        "can_answer_notices": has_permission(user, "cases.handle", case),
        "forms": step_forms,
        "clocks": case_clocks(case, now),
        "provisional_years": provisional,
        "events": events,
        "notices": list(queries.case_notices(case)),
        "public_url": request.build_absolute_uri(
            reverse("cases:public_progress", args=[case.public_token])
        ),
        "crumbs": [
            Crumb(_("工单"), reverse("cases:list")),
            Crumb(case.request_id),
        ],
    }


def _is_reporter(case: Case, event) -> bool:
    return bool(case.reporter_account_id) and event.actor_id == case.reporter_account_id


def render_detail(
    request: HttpRequest, case: Case, *, status: int = 200, extra: dict | None = None, **bound
) -> HttpResponse:
    context = detail_context(request, case, **bound) | (extra or {})
    response = render(request, "cases/detail.html", context)
    response.status_code = status
    return response


def local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"
