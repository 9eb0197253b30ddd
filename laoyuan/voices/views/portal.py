"""The resident portal (居民端) for voices (社情民意): a resident says what is wrong, sees while
typing that neighbours said the same (a topic, 议题) and adds her voice to it (附议), then
follows what became of each of her voices ("我的意见").

Every page here is hers alone: other residents' names and words never appear, only how many
raised a topic. Staff have no portal (404), as in the registry's portal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.core.models import User
from laoyuan.core.scopes import assignments_of, has_permission
from laoyuan.registry.models import Building, Household
from laoyuan.registry.views.furniture import Crumb, paginate
from laoyuan.voices import actions, queries, services
from laoyuan.voices.models import (
    VOICE_MAX_CHARS,
    Topic,
    TopicEvent,
    TopicEventKind,
    TopicState,
    Voice,
    VoicePhoto,
)
from laoyuan.voices.portal_forms import JoinTopicForm, VoiceForm

VOICES_PER_PAGE = 10
# The similar lookup starts once she has typed this much (fewer characters say too little).
SIMILAR_MIN_CHARS = 4
SIMILAR_LIMIT = 5
# The topic page shows the latest state changes only: a resident wants where it stands.
TIMELINE_LIMIT = 12


def _require_resident(user: User) -> None:
    if not has_permission(user, "portal.voice"):
        raise Http404


def _home_buildings(user: User) -> dict[int, int]:
    """{compound id: the building of her own home there}, to preselect it."""
    ids = [a.household_id for a in assignments_of(user) if a.role == "resident"]
    rows = Household.objects.filter(pk__in=ids, building__isnull=False).order_by("pk")
    out: dict[int, int] = {}
    for compound_id, building_id in rows.values_list("compound_id", "building_id"):
        out.setdefault(compound_id, building_id)
    return out


def _voice_form(request: HttpRequest, data=None, files=None) -> VoiceForm:
    compounds = list(queries.portal_compounds(request.user).order_by("pk"))
    buildings = Building.objects.filter(compound__in=[c.pk for c in compounds]).select_related(
        "compound"
    )
    initial = {}
    if compounds:
        homes = _home_buildings(request.user)
        first = compounds[0]
        initial = {"compound": first.pk, "building": homes.get(first.pk)}
    return VoiceForm(data, files, compounds=compounds, buildings=buildings, initial=initial)


def _put_back(form, exc: ValidationError) -> None:
    """The action's Chinese messages next to the field they are about."""
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _similar(compound_id: int, community_id: int, text: str) -> list[services.SimilarTopic]:
    text = (text or "").strip()[:VOICE_MAX_CHARS]
    if len(text) < SIMILAR_MIN_CHARS:
        return []
    return services.similar_topics(
        compound_id=compound_id, community_id=community_id, text=text, k=SIMILAR_LIMIT
    )


def _thanks(request: HttpRequest, voice: Voice) -> None:
    if voice.topic_id:
        messages.success(
            request,
            _(
                "谢谢您！您的意见已经加入“{title}”。和您反映同一件事的邻居越多，越会被优先商量解决；"
                "有了进展，我们会在“我的意见”和“通知”里告诉您。"
            ).format(title=voice.topic.title),
        )
    else:
        messages.success(
            request,
            _(
                "谢谢您！您的意见已经提交。接下来：社区工作人员会查看并归类，和邻居反映的相同问题放在一起商量；"
                "有了决定或答复，我们会在“我的意见”和“通知”里告诉您。"
            ),
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_submit(request: HttpRequest) -> HttpResponse:
    """Say something new, or add it to a similar topic. Without JavaScript, "下一步" shows the
    similar topics first; with it, they show while she types and she submits at once."""
    _require_resident(request.user)
    similar: list[services.SimilarTopic] | None = None
    if request.method != "POST":
        form = _voice_form(request)
    else:
        form = _voice_form(request, request.POST, request.FILES)
        join = request.POST.get("join", "")
        topic = queries.portal_topic_or_404(request.user, join) if join else None
        step = request.POST.get("step", "")
        if form.is_valid():
            data = form.cleaned_data
            compound = data["compound"]
            if topic is None and step == "check":
                similar = _similar(compound.pk, compound.community_id, data["text"])
            else:
                try:
                    voice = actions.voice_submit(
                        actor=request.user,
                        compound=compound,
                        text=data["text"],
                        building=data["building"],
                        spot=data["spot"],
                        anonymous=data["anonymous"],
                        topic=topic,
                        photos=data["photos"],
                    )
                except PermissionDenied as exc:
                    raise Http404 from exc
                except ValidationError as exc:
                    _put_back(form, exc)
                else:
                    _thanks(request, voice)
                    return redirect("voices:portal_voices")
    return render(
        request,
        "voices/portal/submit.html",
        {
            "form": form,
            "similar": similar or [],
            # "下一步" was pressed (or she is past it): the photo box and "提交意见" are shown.
            "checked": similar is not None
            or (request.method == "POST" and request.POST.get("step") != "check"),
            "looked": similar is not None,
            "min_chars": SIMILAR_MIN_CHARS,
            "crumbs": [
                Crumb(_("我的家"), reverse("registry:portal")),
                Crumb(_("我的意见"), reverse("voices:portal_voices")),
                Crumb(_("提交意见")),
            ],
        },
    )


@login_required
@require_safe
def portal_similar(request: HttpRequest) -> JsonResponse:
    """Topics of her compound like what she is typing (JSON for similar.js): title, state,
    how many neighbours said it, and the most similar words (redacted). Her compounds only."""
    _require_resident(request.user)
    try:
        compound_id = int(request.GET.get("compound", ""))
    except ValueError as exc:
        raise Http404 from exc
    compound = queries.portal_compounds(request.user).filter(pk=compound_id).first()
    if compound is None:
        raise Http404
    found = _similar(compound.pk, compound.community_id, request.GET.get("text", ""))
    response = JsonResponse(
        {
            "topics": [
                {
                    "id": s.topic.pk,
                    "title": s.topic.title,
                    "state": s.topic.state,
                    "state_label": str(s.topic.get_state_display()),
                    "voice_count": s.voice_count,
                    "example": s.example,
                    "score": round(s.score, 2),
                    "url": reverse("voices:portal_topic", kwargs={"pk": s.topic.pk}),
                }
                for s in found
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _shown_topic(topic: Topic | None) -> Topic | None:
    """The topic to show for a voice: after a merge, the live topic it went into (actions
    re-point voices, so this only matters for a tombstone that is somehow still referenced)."""
    if topic is not None and topic.state == TopicState.MERGED and topic.merged_into_id:
        return topic.merged_into
    return topic


@login_required
@require_safe
def portal_voices(request: HttpRequest) -> HttpResponse:
    """ "我的意见": each of her voices, newest first, with what became of it."""
    _require_resident(request.user)
    voices = (
        queries.my_voices(request.user)
        .select_related("topic__merged_into", "building")
        .prefetch_related("photos", "topic__renewal_projects")
    )
    page = paginate(request, voices, per_page=VOICES_PER_PAGE)
    for voice in page.object_list:
        voice.shown_topic = _shown_topic(voice.topic)
    return render(
        request,
        "voices/portal/voices.html",
        {
            "page": page,
            "crumbs": [Crumb(_("我的家"), reverse("registry:portal")), Crumb(_("我的意见"))],
        },
    )


# Timeline entries a resident is shown: where the topic stands, not who sorted what.
_RESIDENT_EVENTS = (TopicEventKind.CREATED, TopicEventKind.STATE, TopicEventKind.MERGED_INTO)


def _timeline(topic: Topic) -> list[TopicEvent]:
    events = list(
        TopicEvent.objects.filter(topic=topic, kind__in=_RESIDENT_EVENTS)
        .only("at", "kind", "to_state", "topic_id")
        .order_by("-at", "-id")[:TIMELINE_LIMIT]
    )
    labels = dict(TopicState.choices)
    for event in events:
        event.state_label = labels.get(event.to_state or TopicState.OPEN, "")
    return events[::-1]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_topic(request: HttpRequest, pk: int) -> HttpResponse:
    """A topic of her compound: where it stands, how many raised it (a count, never names or
    words), the decision or answer, and "我也反映这件事"."""
    _require_resident(request.user)
    topic = queries.portal_topic_or_404(request.user, pk)
    if topic.state == TopicState.MERGED and topic.merged_into_id:
        merged_into = Topic.objects.filter(pk=topic.merged_into_id).only("pk", "title").first()
    else:
        merged_into = None
    form = JoinTopicForm(request.POST or None, topic_title=topic.title)
    if request.method == "POST" and form.is_valid():
        homes = _home_buildings(request.user)
        building = Building.objects.filter(pk=homes.get(topic.compound_id)).first()
        try:
            voice = actions.voice_submit(
                actor=request.user,
                compound=topic.compound,
                text=form.cleaned_data["text"],
                building=building,
                anonymous=form.cleaned_data["anonymous"],
                topic=topic,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            _put_back(form, exc)
        else:
            _thanks(request, voice)
            return redirect("voices:portal_voices")
    summary = queries.topic_summary(topic)
    mine = Voice.objects.filter(topic=topic, author=request.user).count()
    return render(
        request,
        "voices/portal/topic.html",
        {
            "topic": topic,
            "merged_into": merged_into,
            "summary": summary,
            "mine": mine,
            "timeline": _timeline(topic),
            "form": form,
            "crumbs": [
                Crumb(_("我的家"), reverse("registry:portal")),
                Crumb(_("我的意见"), reverse("voices:portal_voices")),
                Crumb(topic.title),
            ],
        },
    )


@login_required
@require_safe
def portal_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of one of her own voices (sealed at rest, opened here); anyone else's is 404."""
    _require_resident(request.user)
    photo = get_object_or_404(
        VoicePhoto.objects.filter(Q(voice__author=request.user)).only("image"), pk=pk
    )
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list = [
    path("portal/voices/", portal_voices, name="portal_voices"),
    path("portal/voices/new/", portal_submit, name="portal_submit"),
    path("portal/voices/similar", portal_similar, name="portal_similar"),
    path("portal/topics/<int:pk>/", portal_topic, name="portal_topic"),
    path("portal/photos/<int:pk>/", portal_photo, name="portal_photo"),
]
