"""Retraining a street's classifier of voices (意见分类模型) from its own confirmed and corrected
categories (人工确认/更正), plus the starter set shipped with Laoyuan.

Every time staff confirm or correct a proposed category, a CategoryCorrection row keeps the
text and the chosen category. A street official asks for retraining on the taxonomy page (or
runs `laoyuan voices train --street ID`); the work runs as a task (django-tasks), trains with
`engine.classifier.train` and saves the model where `services.classifier_for` looks for it.

With too few labels of its own, the street keeps the model it has: a model trained on a
handful of corrections plus the starter set would only be the starter model again, and a
keyword-rules fallback would be worse than it. The reason is written down (the notes) and the
taxonomy page shows it. The outcome of the last run is kept beside the model file as JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Street
from laoyuan.voices import services
from laoyuan.voices.engine.classifier import train
from laoyuan.voices.models import CategoryCorrection

# Below this many labelled voices of its own a street keeps its current model.
MIN_OWN_LABELS = 20


@dataclass
class TrainingStatus:
    """The last retraining of a street, as the taxonomy page shows it."""

    state: str  # "queued", "done" or "failed"
    at: str  # ISO time of the request or of the outcome
    by: str = ""
    fallback: bool = False
    saved: bool = False  # a new model file was written
    own_labels: int = 0
    starter_labels: int = 0
    macro_f1: float | None = None
    accuracy: float | None = None
    notes: list[str] = field(default_factory=list)
    # The street model in use (from this run or an earlier one): when trained, on how many
    # labels, with what macro-F1 on the held-out fifth.
    model_at: str = ""
    model_labels: int = 0
    model_f1: float | None = None

    @property
    def when(self) -> dt.datetime | None:
        return _parse_time(self.at)

    @property
    def model_when(self) -> dt.datetime | None:
        return _parse_time(self.model_at)


def _parse_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def status_path(street_id: int) -> Path:
    return services.model_path(street_id).with_suffix(".json")


def training_status(street_id: int) -> TrainingStatus | None:
    """The outcome of the street's last retraining (None if it never retrained)."""
    path = status_path(street_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TrainingStatus(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write_status(street_id: int, status: TrainingStatus) -> None:
    """Keep the outcome, carrying over what is known of the model in use when this run did not
    replace it."""
    if not status.saved:
        previous = training_status(street_id)
        if previous is not None and services.model_path(street_id).is_file():
            status.model_at = previous.model_at
            status.model_labels = previous.model_labels
            status.model_f1 = previous.model_f1
    path = status_path(street_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(status), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def street_labels(street_id: int) -> list[tuple[str, str]]:
    """(text, category) of each voice of the street that staff confirmed or corrected, by the
    latest choice made on it (a voice corrected twice counts once, as last corrected)."""
    rows = (
        CategoryCorrection.objects.filter(street_id=street_id)
        .order_by("voice_id", "-at", "-id")
        .values_list("voice_id", "text", "category")
    )
    seen: set[int] = set()
    labels = []
    for voice_id, text, category in rows.iterator(chunk_size=2000):
        if voice_id in seen:
            continue
        seen.add(voice_id)
        labels.append((text, category))
    return labels


def starter_labels(categories: set[str]) -> list[tuple[str, str]]:
    """The shipped starter set, without the categories the street's taxonomy does not have."""
    with open(services.STARTER_SET, encoding="utf-8", newline="") as fh:
        return [
            (row["意见内容"], row["一级分类"])
            for row in csv.DictReader(fh)
            if row["一级分类"] in categories
        ]


def train_street(*, street_id: int, with_starter: bool = True, by: str = "") -> TrainingStatus:
    """Train the street's classifier from its own labels (and the starter set) and save it as
    the street's model; with too few labels, keep the current model and say why."""
    taxonomy = services.taxonomy_for(street_id)
    own = street_labels(street_id)
    starter = starter_labels(set(taxonomy.names)) if with_starter else []
    status = TrainingStatus(
        state="done",
        at=timezone.now().isoformat(timespec="seconds"),
        by=by,
        own_labels=len(own),
        starter_labels=len(starter),
    )
    if len(own) < MIN_OWN_LABELS:
        status.fallback = True
        status.notes.append(
            _(
                "本街道人工确认或更正过分类的意见只有{n}条，至少需要{min}条才能训练本街道的模型："
                "继续使用现有模型。"
            ).format(n=len(own), min=MIN_OWN_LABELS)
        )
        _write_status(street_id, status)
        return status
    pairs = own + starter
    result = train([t for t, _c in pairs], [c for _t, c in pairs], taxonomy=taxonomy)
    status.notes.extend(result.notes)
    if result.fallback:
        # The rules alone would classify worse than the model the street has now.
        status.fallback = True
        status.notes.append(_("本次未保存新模型：继续使用现有模型。"))
    else:
        result.classifier.save(services.model_path(street_id))
        status.saved = True
        status.model_at = status.at
        status.model_labels = result.classifier.n_labelled
        if result.evaluation is not None:
            status.macro_f1 = round(result.evaluation.macro_f1, 3)
            status.accuracy = round(result.evaluation.accuracy, 3)
            status.model_f1 = status.macro_f1
    _write_status(street_id, status)
    return status


@task()
def retrain_street(street_id: int, requested_by: str = "") -> dict:
    """The background task behind the taxonomy page's retrain button."""
    try:
        status = train_street(street_id=street_id, by=requested_by)
    except Exception:
        _write_status(
            street_id,
            TrainingStatus(
                state="failed",
                at=timezone.now().isoformat(timespec="seconds"),
                by=requested_by,
                notes=[_("训练出错，请稍后重试或联系管理员。")],
            ),
        )
        raise
    return asdict(status)


def retrain_request(*, actor: User, street: Street) -> None:
    """A street official asks for the street's classifier to be retrained (audited; the work
    runs as a task)."""
    if not has_permission(actor, "voices.taxonomy", street):
        raise PermissionDenied("voices.taxonomy")
    audit_log(actor=actor, action="voices.retrain_request", obj=street)
    _write_status(
        street.pk,
        TrainingStatus(
            state="queued", at=timezone.now().isoformat(timespec="seconds"), by=str(actor)
        ),
    )
    retrain_street.enqueue(street.pk, str(actor))
