"""The text engine, wired to the database: each street's taxonomy and classifier, and the
similar-topic lookup used while a resident types.

Both are held in process memory. A classifier is reloaded when its model file changes; a
community's similar-index is extended in place when voices are added and rebuilt when it has
grown by a quarter (new words then count). Topic state is never cached: the lookup reads it
from the database, so a closed or merged topic is never offered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max

from laoyuan.voices.engine import taxonomy as taxonomy_mod
from laoyuan.voices.engine.classifier import ModelFileError, VoiceClassifier, train
from laoyuan.voices.engine.rules import Prediction
from laoyuan.voices.engine.similarity import SimilarIndex
from laoyuan.voices.engine.taxonomy import Taxonomy
from laoyuan.voices.models import LIVE_STATES, StreetTaxonomy, Topic, Voice

_lock = threading.Lock()


def taxonomy_for(street_id: int) -> Taxonomy:
    """The street's own taxonomy, or the shipped default."""
    row = StreetTaxonomy.objects.filter(street_id=street_id).only("data", "version").first()
    if row is None:
        return taxonomy_mod.load()
    return taxonomy_mod.parse(row.data)


def model_path(street_id: int) -> Path:
    return Path(settings.VAR_DIR) / "voices" / f"street-{street_id}.joblib"


_classifiers: dict[int, tuple[float, int, VoiceClassifier]] = {}
_starter: dict[str, VoiceClassifier] = {}
STARTER_SET = taxonomy_mod.DEFAULT_PATH.parent / "starter_labelled.csv"


def starter_classifier() -> VoiceClassifier:
    """The classifier a street starts with: trained here, on the CPU, from the labelled starter
    set shipped in voices/data (about 330 messages, a second's work), once per process. A
    street that trains on its own history (`laoyuan voices train --street`) replaces it."""
    if "default" not in _starter:
        import csv

        with open(STARTER_SET, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        result = train(
            [r["意见内容"] for r in rows], [r["一级分类"] for r in rows], evaluate_first=False
        )
        with _lock:
            _starter["default"] = result.classifier
    return _starter["default"]


def classifier_for(street_id: int) -> VoiceClassifier:
    """The street's trained classifier when it has one (see `laoyuan voices train --street`),
    else the starter classifier, with the street's taxonomy for subcategories."""
    path = model_path(street_id)
    # One query whether cached or not (the version decides; the data is parsed only on a miss),
    # so a page saving voices runs the same number of queries the first time and every time.
    row = StreetTaxonomy.objects.filter(street_id=street_id).values_list("version", "data").first()
    taxonomy_version = row[0] if row else 0
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    cached = _classifiers.get(street_id)
    if cached and cached[0] == mtime and cached[1] == taxonomy_version:
        return cached[2]
    taxonomy = taxonomy_mod.parse(row[1]) if row else taxonomy_mod.load()
    starter = starter_classifier()
    classifier = VoiceClassifier(
        pipeline=starter.pipeline,
        taxonomy=taxonomy,
        n_labelled=starter.n_labelled,
        trained_at=starter.trained_at,
    )
    if mtime:
        try:
            trained = VoiceClassifier.load(path)
            # A model trained before the taxonomy changed still proposes known categories.
            trained.taxonomy = taxonomy
            trained.rules.taxonomy = taxonomy
            classifier = trained
        except ModelFileError:
            pass
    with _lock:
        _classifiers[street_id] = (mtime, taxonomy_version, classifier)
    return classifier


def propose_categories(street_id: int, texts: list[str]) -> list[Prediction]:
    return classifier_for(street_id).predict_many(texts)


@dataclass
class _CommunityIndex:
    index: SimilarIndex
    built_size: int
    last_id: int


_indexes: dict[int, _CommunityIndex] = {}
MAX_CACHED_INDEXES = 64
# Nearest voices considered, among which the best voice of each live topic is kept.
SIMILAR_CANDIDATES = 100


def _voice_rows(community_id: int, after_id: int = 0):
    return (
        Voice.objects.filter(community_id=community_id, id__gt=after_id)
        .order_by("id")
        .values_list("id", "text_redacted", "compound_id")
    )


def community_index(community_id: int) -> SimilarIndex:
    """The similar-index of all a community's voices (grouped or not: a voice grouped later
    must be found without a rebuild), current to the last voice saved."""
    last_id = Voice.objects.filter(community_id=community_id).aggregate(m=Max("id"))["m"] or 0
    entry = _indexes.get(community_id)
    if entry is not None and entry.last_id == last_id:
        return entry.index
    if entry is not None and entry.index.vectorizer is not None:
        fresh = list(_voice_rows(community_id, entry.last_id))
        if len(entry.index) + len(fresh) <= entry.built_size * 1.25 + 50:
            with _lock:
                entry.index.add_many(
                    [r[0] for r in fresh], [r[1] for r in fresh], [r[2] for r in fresh]
                )
                entry.last_id = last_id
            return entry.index
    rows = list(_voice_rows(community_id))
    index = SimilarIndex([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    with _lock:
        # A worker process serves many communities: keep the most recently built ones only.
        while len(_indexes) >= MAX_CACHED_INDEXES:
            _indexes.pop(next(iter(_indexes)))
        _indexes[community_id] = _CommunityIndex(index, len(rows), last_id)
    return index


@dataclass(frozen=True)
class SimilarTopic:
    topic: Topic
    score: float
    voice_count: int
    example: str  # the most similar voice's text (redacted)


def similar_topics(
    *, compound_id: int, community_id: int, text: str, k: int = 5, min_score: float = 0.25
) -> list[SimilarTopic]:
    """Live topics of the compound whose voices are most like `text`, best first: one query
    for the newest voice id, one for the topics (plus a rebuild when the index is stale)."""
    index = community_index(community_id)
    # The index is the whole community's; the query looks only at the compound's own voices.
    hits = index.query(text, k=SIMILAR_CANDIDATES, min_score=min_score, group=compound_id)
    if not hits:
        return []
    scores = dict(hits)
    # The compound is checked here, not in SQL: given it, SQLite walks the compound's whole
    # index (tens of thousands of rows) instead of fetching these few voices by key.
    voices = (
        Voice.objects.filter(
            id__in=list(scores),
            topic__state__in=LIVE_STATES,
        )
        .select_related("topic")
        .only("id", "text_redacted", "topic", "compound_id")
    )
    best: dict[int, tuple[float, Voice]] = {}
    for voice in voices:
        if voice.compound_id != compound_id:
            continue
        score = scores[voice.id]
        if voice.topic_id not in best or score > best[voice.topic_id][0]:
            best[voice.topic_id] = (score, voice)
    ranked = sorted(best.values(), key=lambda sv: (-sv[0], sv[1].topic_id))[:k]
    if not ranked:
        return []
    numbers = dict(
        Voice.objects.filter(topic_id__in=[v.topic_id for _s, v in ranked])
        .values("topic_id")
        .annotate(n=Count("id"))
        .values_list("topic_id", "n")
    )
    return [
        SimilarTopic(
            topic=v.topic, score=s, voice_count=numbers.get(v.topic_id, 0), example=v.text_redacted
        )
        for s, v in ranked
    ]


def forget_indexes() -> None:
    """Drop the similar-indexes (tests: a rolled-back database reuses voice ids)."""
    with _lock:
        _indexes.clear()


def forget_caches() -> None:
    """Drop every cached classifier and index (tests; after a bulk load)."""
    with _lock:
        _classifiers.clear()
        _indexes.clear()
        _starter.clear()
