"""Topic pages (议题): the list in the user's scope, a topic's page with all its voices, its
timeline and its meetings, and the forms that sort topics (rename, merge 合并, split 拆分, move
voices) and decide them (state changes: 协商, 决定, 答复办结, 不予采纳 …).

Views only parse input and call the actions; a topic outside the user's scope, or one the user
may not sort or decide, answers 404 exactly as one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.decisions import queries as meeting_queries
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.voices import actions, queries, services
from laoyuan.voices.models import LIVE_STATES, TOPIC_TRANSITIONS, Topic, TopicState
from laoyuan.voices.places import voice_compounds
from laoyuan.voices.topic_forms import (
    TopicEditForm,
    TopicFilterForm,
    TopicMergeForm,
    TopicMoveForm,
    TopicSplitForm,
    TopicTransitionForm,
)

TOPICS_PER_PAGE = 25
# A topic's voices and timeline come a page at a time past this many.
VOICES_PER_PAGE = 50
EVENTS_PER_PAGE = 50
# What each target state asks for on the state form (the rest get a note).
STATE_FIELDS = {
    TopicState.DECIDED: ("decision", "responsible_party", "deadline"),
    TopicState.ANSWERED: ("answer",),
    TopicState.REJECTED: ("reason",),
}


def _crumbs(topic: Topic | None = None, here: str = "") -> list[Crumb]:
    crumbs = [
        Crumb(_("工作台"), reverse("registry:workspace")),
        Crumb(_("议题"), reverse("voices:topics")),
    ]
    if topic is not None:
        crumbs.append(Crumb(topic.title, reverse("voices:topic", args=[topic.pk]) if here else ""))
    if here:
        crumbs.append(Crumb(here))
    return crumbs


# --- list -------------------------------------------------------------------------------------


@login_required
@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    """Topics (议题) in scope with filters by compound, state (live ones, merged tombstones),
    category and title; a page at a time."""
    user = request.user
    if not has_permission(user, "voices.view"):
        raise Http404
    in_scope = queries.topics_for(user)
    # The compounds of voices work (a grid worker's is her grid's compound: voices.places).
    compounds = list(
        voice_compounds(user, "voices.view")
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    categories = list(
        in_scope.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()[:MAX_OPTIONS]
    )
    form = TopicFilterForm(request.GET, compounds=compounds, categories=categories)
    filters = form.filters()
    topics = paginate(request, queries.topic_list(user, **filters), per_page=TOPICS_PER_PAGE)
    decide_in = [pk for pk, _name in compounds] if has_permission(user, "topics.decide") else []
    return render(
        request,
        "voices/topics/list.html",
        {
            "form": form,
            "filters": filters,
            "topics": topics,
            "compounds": compounds,
            # "记录会议" needs a compound: the chosen one, or the only one in scope.
            "meeting_compound": filters["compound_id"]
            or (decide_in[0] if len(decide_in) == 1 else None),
            "can_decide": bool(decide_in),
            "crumbs": [Crumb(_("工作台"), reverse("registry:workspace")), Crumb(_("议题"))],
        },
    )


# --- detail -----------------------------------------------------------------------------------


def _move_targets(user: User, topic: Topic) -> QuerySet[Topic]:
    return queries.live_topics_of(user, topic.compound_id).exclude(pk=topic.pk)


@login_required
@require_safe
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a topic: its decision and answer, the summary of its voices, every
    voice (ticked for splitting or moving), the timeline and the meetings that discussed it."""
    user = request.user
    topic = queries.topic_or_404(user, pk)
    can_sort = topic.is_live and has_permission(user, "topics.sort", topic)
    may_decide = topic.state != TopicState.MERGED and has_permission(user, "topics.decide", topic)
    can_decide = may_decide and bool(TOPIC_TRANSITIONS.get(topic.state))
    voices = paginate(
        request, queries.topic_voices(topic), per_page=VOICES_PER_PAGE, param="voices_page"
    )
    events = paginate(
        request, queries.topic_events(topic), per_page=EVENTS_PER_PAGE, param="events_page"
    )
    for event in events:
        event.from_label = _state_label(event.from_state)
        event.to_label = _state_label(event.to_state)
        event.voice_n = len((event.data or {}).get("voices", []))
        event.meeting_id = (event.data or {}).get("meeting")
    return render(
        request,
        "voices/topics/detail.html",
        {
            "topic": topic,
            "summary": queries.topic_summary(topic),
            "voices": voices,
            "events": events,
            "meetings": meeting_queries.topic_meetings(user, topic),
            "can_sort": can_sort,
            "can_decide": can_decide,
            # Meetings are recorded for topics still to be settled (or decided, to record more).
            "can_meet": may_decide and topic.is_live,
            "move_targets": list(_move_targets(user, topic)[:MAX_OPTIONS]) if can_sort else [],
            "transition_form": TopicTransitionForm(topic=topic) if can_decide else None,
            "next_states": _next_states(topic) if can_decide else [],
            "state_fields": STATE_FIELDS,
            "crumbs": _crumbs(topic),
        },
    )


def _state_label(value: str) -> str:
    return str(TopicState(value).label) if value in TopicState.values else value


def _next_states(topic: Topic) -> list[tuple[str, str]]:
    return [(s, TopicState(s).label) for s in TOPIC_TRANSITIONS.get(topic.state, ())]


# --- forms ------------------------------------------------------------------------------------


def _sortable_or_404(user: User, pk: int) -> Topic:
    return queries.topic_or_404(user, pk, "topics.sort")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a topic or set its category (topic_edit)."""
    user = request.user
    topic = _sortable_or_404(user, pk)
    taxonomy = services.taxonomy_for(topic.street_id)
    if request.method == "POST":
        form = TopicEditForm(request.POST, taxonomy=taxonomy)
        if form.is_valid():
            try:
                actions.topic_edit(actor=user, topic=topic, **form.cleaned_data)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
                topic.refresh_from_db()
            else:
                messages.success(request, _("已保存议题“%(title)s”。") % {"title": topic.title})
                return redirect("voices:topic", pk=topic.pk)
    else:
        form = TopicEditForm(
            initial={
                "title": topic.title,
                "category": topic.category,
                "subcategory": topic.subcategory,
            },
            taxonomy=taxonomy,
        )
    return render(
        request,
        "voices/topics/edit.html",
        {"topic": topic, "form": form, "crumbs": _crumbs(topic, _("修改议题"))},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this topic into another live topic of its compound (topic_merge). Its voices move;
    it stays as a tombstone (已并入) pointing to the other, so nothing is lost."""
    user = request.user
    topic = _sortable_or_404(user, pk)
    search = request.GET.get("q", "").strip()[:40]
    targets = _move_targets(user, topic)
    if request.method == "POST":
        form = TopicMergeForm(request.POST, targets=targets)
        if form.is_valid():
            target = form.cleaned_data["target"]
            try:
                actions.topic_merge(
                    actor=user, source=topic, target=target, note=form.cleaned_data["note"]
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已把“%(source)s”并入“%(target)s”，全部意见都已移入。")
                    % {"source": topic.title, "target": target.title},
                )
                return redirect("voices:topic", pk=target.pk)
    else:
        form = TopicMergeForm(targets=targets)
    shown = targets.filter(title__contains=search) if search else targets
    form.fields["target"].queryset = shown
    return render(
        request,
        "voices/topics/merge.html",
        {
            "topic": topic,
            "form": form,
            "search": search,
            "voice_count": queries.topic_voices(topic).count(),
            "crumbs": _crumbs(topic, _("合并议题")),
        },
    )


def _ticked(request: HttpRequest) -> set[int]:
    ticked = set()
    for value in request.POST.getlist("voices"):
        if value.isdigit():
            ticked.add(int(value))
    return ticked


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_split(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticked voices go out into a new topic with the given title (topic_split)."""
    user = request.user
    topic = _sortable_or_404(user, pk)
    topic_voices = queries.topic_voices(topic)
    if request.method == "POST":
        form = TopicSplitForm(request.POST, topic_voices=topic_voices)
        if form.is_valid():
            picked = form.picked()
            try:
                new = actions.topic_split(
                    actor=user, topic=topic, voices=picked, title=form.cleaned_data["title"]
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已从“%(source)s”拆出%(count)d条意见，成为新议题“%(title)s”。")
                    % {"source": topic.title, "count": len(picked), "title": new.title},
                )
                return redirect("voices:topic", pk=new.pk)
    else:
        form = TopicSplitForm(topic_voices=topic_voices)
    return _pick_page(request, topic, form, "split", _("拆分议题"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticked voices move into another live topic of the compound (voices_move)."""
    user = request.user
    topic = _sortable_or_404(user, pk)
    topic_voices = queries.topic_voices(topic)
    targets = _move_targets(user, topic)
    if request.method == "POST":
        form = TopicMoveForm(request.POST, topic_voices=topic_voices, targets=targets)
        if form.is_valid():
            picked = form.picked()
            target = form.cleaned_data["target"]
            try:
                actions.voices_move(actor=user, voices=picked, topic=target)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已把%(count)d条意见移到“%(title)s”。")
                    % {"count": len(picked), "title": target.title},
                )
                return redirect("voices:topic", pk=topic.pk)
    else:
        form = TopicMoveForm(topic_voices=topic_voices, targets=targets)
    form.fields["target"].queryset = targets[:MAX_OPTIONS]
    return _pick_page(request, topic, form, "move", _("移动意见"))


def _pick_page(request, topic: Topic, form, mode: str, here: str) -> HttpResponse:
    voices = paginate(
        request, queries.topic_voices(topic), per_page=VOICES_PER_PAGE, param="voices_page"
    )
    return render(
        request,
        "voices/topics/pick.html",
        {
            "topic": topic,
            "form": form,
            "mode": mode,
            "voices": voices,
            "ticked": _ticked(request) if request.method == "POST" else set(),
            "crumbs": _crumbs(topic, here),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a topic to one of its allowed next states, with what that state needs: a decision
    (with party and deadline), an answer to residents, or the reason for rejecting it."""
    user = request.user
    topic = queries.topic_or_404(user, pk, "topics.decide")
    if request.method == "POST":
        form = TopicTransitionForm(request.POST, topic=topic)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.topic_transition(
                    actor=user,
                    topic=topic,
                    to_state=data["to_state"],
                    outcome=actions.Outcome(
                        decision=data["decision"],
                        responsible_party=data["responsible_party"],
                        deadline=data["deadline"],
                        answer=data["answer"],
                        reason=data["reason"],
                        note=data["note"],
                    ),
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
                topic.refresh_from_db()
            else:
                topic.refresh_from_db()
                messages.success(
                    request,
                    _("议题“%(title)s”已改为“%(state)s”，已通知反映人。")
                    % {"title": topic.title, "state": topic.get_state_display()},
                )
                return redirect("voices:topic", pk=topic.pk)
    else:
        form = TopicTransitionForm(topic=topic)
    return render(
        request,
        "voices/topics/transition.html",
        {
            "topic": topic,
            "form": form,
            "next_states": _next_states(topic),
            "state_fields": STATE_FIELDS,
            "live": topic.state in LIVE_STATES,
            "crumbs": _crumbs(topic, _("改变状态")),
        },
    )


urlpatterns: list = [
    path("topics/", topic_list, name="topics"),
    path("topics/<int:pk>/", topic_detail, name="topic"),
    path("topics/<int:pk>/edit/", topic_edit, name="topic_edit"),
    path("topics/<int:pk>/merge/", topic_merge, name="topic_merge"),
    path("topics/<int:pk>/split/", topic_split, name="topic_split"),
    path("topics/<int:pk>/move/", topic_move, name="topic_move"),
    path("topics/<int:pk>/transition/", topic_transition, name="topic_transition"),
]
