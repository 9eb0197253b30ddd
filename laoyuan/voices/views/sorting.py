"""Staff pages for sorting residents' voices (意见分拣): the list of voices with its filters, a
voice's page with one-click category confirmation (确认分类) and grouping into a topic (议题),
batch entry (批量录入) of voices heard at a meeting or on visits, the system's grouping
proposals (归并建议) for a compound's ungrouped voices, and a street's taxonomy of concerns
(分类目录) with the retraining of its classifier.

Everything is read through `voices.queries` (scoped) and written through `voices.actions`;
objects outside the user's scope answer 404. Texts are shown redacted and always escaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, has_permission, visible
from laoyuan.registry.models import Building, Compound, Street
from laoyuan.registry.views.furniture import (
    MAX_OPTIONS,
    BoundedPaginator,
    Crumb,
    paginate,
)
from laoyuan.voices import actions, queries, services, training
from laoyuan.voices.engine import taxonomy as taxonomy_mod
from laoyuan.voices.forms import (
    RECORDED_CHANNELS,
    RENOVATION_CLASSES,
    ROWS_MAX,
    ROWS_MORE,
    ROWS_START,
    UNCATEGORISED,
    BatchForm,
    BatchRow,
    VoiceFilterForm,
    batch_rows,
    blank_rows,
    blocks_from_data,
    blocks_from_post,
    taxonomy_from_blocks,
)
from laoyuan.voices.models import (
    CategoryCorrection,
    CategorySource,
    Channel,
    StreetTaxonomy,
    Voice,
    VoicePhoto,
)
from laoyuan.voices.places import may_on_compound, voice_compound_or_404, voice_compounds

VOICES_PER_PAGE = 25
PROPOSALS_PER_PAGE = 20
CORRECTIONS_SHOWN = 50
TOPIC_CHOICES = 100
DONE_TOPICS = 20


def _require_view(user: User) -> None:
    if not has_permission(user, "voices.view"):
        raise Http404


def _list_crumbs(*tail: Crumb) -> list[Crumb]:
    return [
        Crumb(_("工作台"), reverse("registry:workspace")),
        Crumb(_("社情民意"), reverse("voices:voices")),
        *tail,
    ]


def _percent(confidence: Decimal | None) -> int | None:
    if confidence is None:
        return None
    return int((confidence * 100).quantize(Decimal("1")))


def _bounded(rows) -> tuple[list, bool]:
    rows = list(rows[: MAX_OPTIONS + 1])
    return ([], True) if len(rows) > MAX_OPTIONS else (rows, False)


# --- the list of voices -----------------------------------------------------------------------


@login_required
@require_safe
def voice_list(request: HttpRequest) -> HttpResponse:
    """Voices in the user's scope, newest first, with filters; a page at a time."""
    user = request.user
    _require_view(user)
    form = VoiceFilterForm(request.GET)
    filters = form.filters()
    compounds, too_many = _bounded(
        voice_compounds(user, "voices.view")
        .order_by("code")
        .values_list("id", "name", "community__street_id")
    )
    chosen = next((c for c in compounds if c[0] == filters["compound_id"]), None)
    streets = {c[2] for c in compounds}
    # One street's taxonomy when the user works in one street; the shipped one otherwise.
    if chosen is not None:
        taxonomy = services.taxonomy_for(chosen[2])
    elif len(streets) == 1:
        taxonomy = services.taxonomy_for(next(iter(streets)))
    else:
        taxonomy = taxonomy_mod.load()
    voices = paginate(
        request,
        queries.voice_list(user, **filters),
        per_page=VOICES_PER_PAGE,
        paginator_class=BoundedPaginator,
    )
    for v in voices:
        v.confidence_percent = _percent(v.category_confidence)
    context = {
        "form": form,
        "filters": filters,
        "compounds": [(pk, name) for pk, name, _street in compounds],
        "too_many_compounds": too_many,
        "categories": taxonomy.names,
        "uncategorised": UNCATEGORISED,
        "channels": Channel.choices,
        "voices": voices,
        "crumbs": _list_crumbs(),
    }
    if chosen is not None:
        compound = Compound(pk=chosen[0], name=chosen[1])
        context.update(
            chosen=compound,
            can_record=may_on_compound(user, "voices.record", compound),
            can_group=may_on_compound(user, "topics.sort", compound),
            ungrouped=queries.voices_for(user)
            .filter(compound_id=compound.pk, topic__isnull=True)
            .count(),
        )
    elif has_permission(user, "voices.record"):
        context["recordable"], _many = _bounded(
            voice_compounds(user, "voices.record").order_by("code").values_list("id", "name")
        )
    if has_permission(user, "voices.taxonomy"):
        context["taxonomy_streets"] = list(
            visible(user, Street, "voices.taxonomy").order_by("code")[:MAX_OPTIONS]
        )
    return render(request, "voices/sorting/voice_list.html", context)


@login_required
@require_safe
def voice_record_pick(request: HttpRequest) -> HttpResponse:
    """The compound picker of the voice list leads to that compound's batch entry page."""
    _require_view(request.user)
    compound = request.GET.get("compound", "")
    if not compound.isdigit():
        messages.error(request, _("请先选择要录入意见的小区。"))
        return redirect("voices:voices")
    return redirect("voices:voice_record", pk=int(compound))


# --- one voice --------------------------------------------------------------------------------


@dataclass
class CategoryChoice:
    value: str  # "category" or "category::subcategory"
    label: str
    group: str


def _category_choices(street_id: int) -> list[tuple[str, list[CategoryChoice]]]:
    """The street's taxonomy as option groups: the first level alone, then each second level."""
    out = []
    for category in services.taxonomy_for(street_id).categories:
        options = [CategoryChoice(category.name, category.name, category.name)]
        options += [
            CategoryChoice(f"{category.name}::{sub.name}", f"{category.name} · {sub.name}", "")
            for sub in category.children
        ]
        out.append((category.name, options))
    return out


@login_required
@require_safe
def voice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A voice: what was said (redacted), where, when, by whom, its photos, its proposed
    category with one-click confirm or correct, its category history and its topic."""
    user = request.user
    voice = queries.voice_or_404(user, pk)
    can_sort = has_permission(user, "topics.sort", voice)
    can_group = voice.topic_id is None and has_permission(user, "topics.sort", voice.compound)
    context = {
        "voice": voice,
        "confidence_percent": _percent(voice.category_confidence),
        "proposed": voice.category_source in (CategorySource.MODEL, CategorySource.RULES),
        "photos": list(voice.photos.order_by("id").values_list("id", flat=True)),
        "corrections": list(
            CategoryCorrection.objects.filter(voice=voice)
            .select_related("by")
            .order_by("-at", "-id")[:CORRECTIONS_SHOWN]
        ),
        "can_sort": can_sort,
        "can_group": can_group,
        "crumbs": _list_crumbs(Crumb(_("第{n}条意见").format(n=voice.pk))),
    }
    if can_sort:
        context["category_choices"] = _category_choices(voice.street_id)
        context["current_choice"] = (
            f"{voice.category}::{voice.subcategory}" if voice.subcategory else voice.category
        )
    if can_group:
        context["live_topics"] = list(
            queries.live_topics_of(user, voice.compound_id)[:TOPIC_CHOICES]
        )
    return render(request, "voices/sorting/voice_detail.html", context)


def _message_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
@require_POST
def voice_category(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the proposed category (the same value posted) or correct it."""
    voice = queries.voice_or_404(request.user, pk)
    choice = request.POST.get("choice")
    if choice is not None:
        category, _sep, subcategory = choice.partition("::")
    else:
        category = request.POST.get("category", "")
        subcategory = request.POST.get("subcategory", "")
    if not category:
        messages.error(request, _("请选择分类。"))
        return redirect("voices:voice", pk=voice.pk)
    try:
        voice = actions.voice_set_category(
            actor=request.user, voice=voice, category=category, subcategory=subcategory
        )
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        shown = f"{category} · {subcategory}" if subcategory else category
        if voice.category_source == CategorySource.CONFIRMED:
            messages.success(request, _("已确认分类：{name}。").format(name=shown))
        else:
            messages.success(request, _("分类已更正为：{name}。").format(name=shown))
    return redirect("voices:voice", pk=voice.pk)


@login_required
@require_POST
def voice_group(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an ungrouped voice into a live topic of its compound, or make it a new topic."""
    user = request.user
    voice = queries.voice_or_404(user, pk)
    target = request.POST.get("topic", "")
    try:
        if target == "new":
            topic = actions.topic_create(
                actor=user, voices=[voice], title=request.POST.get("title", "")
            )
            messages.success(request, _("已新建议题“{title}”。").format(title=topic.title))
        else:
            topic = (
                queries.live_topics_of(user, voice.compound_id)
                .filter(pk=int(target) if target.isdigit() else 0)
                .first()
            )
            if topic is None:
                messages.error(request, _("请选择一个议题，或选择新建议题。"))
                return redirect("voices:voice", pk=voice.pk)
            actions.voices_move(actor=user, voices=[voice], topic=topic)
            messages.success(request, _("已归入议题“{title}”。").format(title=topic.title))
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    return redirect("voices:voice", pk=voice.pk)


@login_required
@require_safe
def voice_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A voice's photo, decrypted, for staff who may see the voice or for its author."""
    user = request.user
    photo = (
        visible(user, VoicePhoto, "voices.view").filter(pk=pk).first()
        or VoicePhoto.objects.filter(pk=pk, voice__author_id=user.pk).first()
    )
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- batch entry ------------------------------------------------------------------------------


def _buildings(compound: Compound) -> list[Building]:
    return list(compound.buildings.order_by(Length("number"), "number"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def voice_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Batch entry (批量录入): many voices heard at one meeting or on one round of visits, on one
    screen. Bad rows are shown back with their messages and nothing is saved or lost."""
    user = request.user
    compound = voice_compound_or_404(user, pk, "voices.record")
    buildings = _buildings(compound)
    problems: list[str] = []
    if request.method == "POST":
        form = BatchForm(request.POST)
        rows = batch_rows(request.POST)
        if "more" in request.POST:
            room = ROWS_MAX - len(rows)
            rows += blank_rows(len(rows) + 1, min(ROWS_MORE, room))
            form_errors = False
        else:
            form_errors = True
            saved = _save_batch(request, compound, form, rows, buildings, problems)
            if saved is not None:
                messages.success(request, _("已保存{n}条意见。").format(n=len(saved)))
                if may_on_compound(user, "topics.sort", compound):
                    return redirect("voices:grouping", pk=compound.pk)
                return redirect(reverse("voices:voices") + f"?compound={compound.pk}")
    else:
        form = BatchForm(initial={"channel": Channel.EVENING_TALK, "said_on": timezone.localdate()})
        rows = blank_rows(1, ROWS_START)
        form_errors = False
    bad_rows = [r for r in rows if r.errors]
    said_on = form["said_on"].value()
    return render(
        request,
        "voices/sorting/voice_record.html",
        {
            "compound": compound,
            "form": form,
            "show_errors": form_errors,
            "rows": rows,
            "bad_rows": bad_rows,
            "problems": problems,
            "buildings": buildings,
            "channels": RECORDED_CHANNELS,
            "rows_max": ROWS_MAX,
            "said_on_value": said_on.isoformat() if hasattr(said_on, "isoformat") else said_on,
            "crumbs": _list_crumbs(
                Crumb(compound.name, reverse("voices:voices") + f"?compound={compound.pk}"),
                Crumb(_("批量录入")),
            ),
        },
        status=400 if (bad_rows or problems) else 200,
    )


def _save_batch(
    request: HttpRequest,
    compound: Compound,
    form: BatchForm,
    rows: list[BatchRow],
    buildings: list[Building],
    problems: list[str],
) -> list[Voice] | None:
    """Save the filled rows, or put each row's problems on it (and the batch's in `problems`)."""
    by_id = {str(b.pk): b for b in buildings}
    filled = [r for r in rows if not r.is_empty]
    entries = []
    for row in filled:
        building = None
        if row.building:
            building = by_id.get(row.building)
            if building is None:
                row.errors.append(_("所选楼栋不在这个小区。"))
        entries.append(
            actions.VoiceEntry(
                text=row.text,
                speaker_name=row.speaker_name,
                anonymous=row.anonymous,
                building=building,
                spot=row.spot,
            )
        )
    if not filled:
        problems.append(_("没有要保存的意见：请至少填写一条。"))
    valid = form.is_valid()
    if not valid or problems or any(r.errors for r in filled):
        return None
    try:
        return actions.voices_record(
            actor=request.user,
            compound=compound,
            channel=form.cleaned_data["channel"],
            said_on=form.cleaned_data["said_on"],
            occasion=form.cleaned_data["occasion"],
            entries=entries,
        )
    except actions.BatchError as exc:
        for number, messages_of_row in exc.rows.items():
            filled[number - 1].errors.extend(messages_of_row)
    except ValidationError as exc:
        problems.extend(exc.messages)
    return None


# --- grouping proposals -----------------------------------------------------------------------


@dataclass
class ProposalItem:
    index: int
    proposal: actions.Proposal
    voices: list[Voice]
    topic: object | None


def _accept(request: HttpRequest, compound: Compound) -> HttpResponse:
    accept = request.POST.get("accept", "")
    try:
        count = min(int(request.POST.get("proposals", 0)), PROPOSALS_PER_PAGE)
    except ValueError:
        count = 0
    indices = range(1, count + 1) if accept == "all" else [int(accept)] if accept.isdigit() else []
    proposals = []
    for i in indices:
        ids = [int(x) for x in request.POST.getlist(f"p-{i}-voice") if x.isdigit()]
        topic = request.POST.get(f"p-{i}-topic", "")
        if ids:
            proposals.append(
                actions.Proposal(
                    voice_ids=ids,
                    topic_id=int(topic) if topic.isdigit() else None,
                    title=request.POST.get(f"p-{i}-title", ""),
                )
            )
    url = reverse("voices:grouping", args=[compound.pk])
    if not proposals:
        messages.error(request, _("没有勾选任何意见：请勾选要归入议题的意见。"))
        return redirect(url)
    try:
        grouped = actions.proposals_accept(
            actor=request.user, compound=compound, proposals=proposals
        )
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
        return redirect(url)
    ids = [pk for p in proposals for pk in p.voice_ids]
    done = sorted(
        set(
            Voice.objects.filter(pk__in=ids, compound=compound, topic__isnull=False).values_list(
                "topic_id", flat=True
            )
        )
    )[:DONE_TOPICS]
    messages.success(request, _("已把{n}条意见归入议题。").format(n=grouped))
    return redirect(url + "?done=" + ",".join(str(t) for t in done))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grouping(request: HttpRequest, pk: int) -> HttpResponse:
    """The system's grouping proposals (归并建议) for a compound's ungrouped voices: join a live
    topic or make a new one; staff untick voices and accept one proposal or all on the page."""
    user = request.user
    compound = voice_compound_or_404(user, pk, "topics.sort")
    if request.method == "POST":
        return _accept(request, compound)
    proposals, voices, topics = queries.grouping_proposals(user, compound)
    page = paginate(request, proposals, per_page=PROPOSALS_PER_PAGE)
    items = [
        ProposalItem(
            index=i,
            proposal=p,
            voices=[voices[v] for v in p.voice_ids if v in voices],
            topic=topics.get(p.topic_id) if p.topic_id else None,
        )
        for i, p in enumerate(page, start=1)
    ]
    done_ids = [int(x) for x in request.GET.get("done", "").split(",") if x.isdigit()]
    done = (
        list(
            queries.topic_list(user, compound_id=compound.pk)
            .filter(pk__in=done_ids[:DONE_TOPICS])
            .order_by("-id")
        )
        if done_ids
        else []
    )
    return render(
        request,
        "voices/sorting/grouping.html",
        {
            "compound": compound,
            "page": page,
            "items": items,
            "ungrouped": len(voices),
            "limited": len(voices) >= queries.PROPOSAL_LIMIT,
            "done": done,
            "crumbs": _list_crumbs(
                Crumb(compound.name, reverse("voices:voices") + f"?compound={compound.pk}"),
                Crumb(_("归并建议")),
            ),
        },
    )


# --- the street's taxonomy and classifier ------------------------------------------------------


def _default_taxonomy() -> dict:
    with open(taxonomy_mod.DEFAULT_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def _street_or_404(user: User, pk: int) -> Street:
    return get_visible_or_404(user, Street.objects.all(), "voices.taxonomy", pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def taxonomy(request: HttpRequest, pk: int) -> HttpResponse:
    """A street official edits the street's two-level taxonomy (default: the shipped one) and
    sees how its classifier was trained."""
    user = request.user
    street = _street_or_404(user, pk)
    row = StreetTaxonomy.objects.filter(street=street).first()
    data = row.data if row else _default_taxonomy()
    problems: list[str] = []
    if request.method == "POST":
        if "reset" in request.POST:
            saved = actions.taxonomy_save(actor=user, street=street, data=_default_taxonomy())
            messages.success(request, _("已恢复默认分类目录（第{v}版）。").format(v=saved.version))
            return redirect("voices:taxonomy", pk=street.pk)
        blocks = blocks_from_post(request.POST)
        new_data, problems = taxonomy_from_blocks(blocks, data)
        if not problems:
            try:
                saved = actions.taxonomy_save(actor=user, street=street, data=new_data)
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("分类目录已保存（第{v}版）。").format(v=saved.version))
                return redirect("voices:taxonomy", pk=street.pk)
    else:
        blocks = blocks_from_data(data)
    model_file = services.model_path(street.pk).is_file()
    return render(
        request,
        "voices/sorting/taxonomy.html",
        {
            "street": street,
            "row": row,
            "blocks": blocks,
            "problems": problems,
            "classes": RENOVATION_CLASSES,
            "corrections": CategoryCorrection.objects.filter(street=street).count(),
            "status": training.training_status(street.pk),
            "street_model": model_file,
            "min_labels": training.MIN_OWN_LABELS,
            "crumbs": _list_crumbs(Crumb(street.name), Crumb(_("分类目录"))),
        },
        status=400 if problems else 200,
    )


@login_required
@require_POST
def taxonomy_retrain(request: HttpRequest, pk: int) -> HttpResponse:
    """Retrain the street's classifier from its confirmed and corrected voices (a task)."""
    street = _street_or_404(request.user, pk)
    try:
        training.retrain_request(actor=request.user, street=street)
    except PermissionDenied as exc:
        raise Http404 from exc
    status = training.training_status(street.pk)
    if status is not None and status.state == "done":
        messages.success(request, _("训练完成。"))
    else:
        messages.success(request, _("已开始重新训练：几分钟后刷新本页查看结果。"))
    return redirect("voices:taxonomy", pk=street.pk)


urlpatterns: list = [
    path("voices/", voice_list, name="voices"),
    path("voices/new/", voice_record_pick, name="voice_record_pick"),
    path("voices/<int:pk>/", voice_detail, name="voice"),
    path("voices/<int:pk>/category/", voice_category, name="voice_category"),
    path("voices/<int:pk>/topic/", voice_group, name="voice_group"),
    path("voices/photos/<int:pk>/", voice_photo, name="voice_photo"),
    path("compounds/<int:pk>/voices/new/", voice_record, name="voice_record"),
    path("compounds/<int:pk>/grouping/", grouping, name="grouping"),
    path("streets/<int:pk>/taxonomy/", taxonomy, name="taxonomy"),
    path("streets/<int:pk>/taxonomy/retrain/", taxonomy_retrain, name="taxonomy_retrain"),
]
