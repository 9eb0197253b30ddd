"""The street's own classifier of voices (意见分类): TF-IDF over character 1–3-grams of the
normalised text and a logistic regression, whose probability of the chosen class is the
confidence shown to staff. Trained on the street's labelled history; with too few labels it
falls back to the keyword rules of the taxonomy and says so.

Model files are Python pickles (joblib). Loading a pickle runs code chosen by whoever wrote the
file: only load model files this installation wrote itself (by default under var/voices/),
never one received by e-mail, downloaded or uploaded through the web.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from laoyuan.voices.engine.rules import KeywordRules, Prediction
from laoyuan.voices.engine.taxonomy import Taxonomy
from laoyuan.voices.engine.taxonomy import load as load_taxonomy
from laoyuan.voices.engine.text import features

MIN_PER_CLASS = 5
MIN_TOTAL = 50
HELD_OUT = 0.2
SEED = 20240611
FORMAT = "laoyuan-voices-classifier"
FORMAT_VERSION = 1


def default_model_path() -> Path:
    return Path(settings.VAR_DIR) / "voices" / "classifier.joblib"


class ModelFileError(ValueError):
    """A model file that cannot be used. The message is Chinese and says why."""


@dataclass(frozen=True)
class ClassFigures:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # held-out texts of this class


@dataclass
class Evaluation:
    """Figures on the held-out fifth (stratified, seeded), before the final fit on everything."""

    macro_f1: float
    accuracy: float
    n_train: int
    n_test: int
    per_class: list[ClassFigures]


@dataclass
class TrainResult:
    classifier: VoiceClassifier
    fallback: bool
    notes: list[str] = field(default_factory=list)  # Chinese sentences for the person training
    evaluation: Evaluation | None = None


class KeywordFeatures(BaseEstimator, TransformerMixin):
    """The keyword rules' score of each first-level category, as a share of the text's total,
    beside the n-grams: the taxonomy's knowledge (路灯 is lighting, not roads) helps most when a
    street has only a few hundred labelled voices. Takes normalised texts (text.features)."""

    def __init__(self, taxonomy: Taxonomy | None = None, weight: float = 1.0) -> None:
        self.taxonomy = taxonomy
        self.weight = weight

    def fit(self, x: list[str], y: object = None) -> KeywordFeatures:
        return self

    def transform(self, x: list[str]) -> sparse.csr_matrix:
        rules = KeywordRules(self.taxonomy)
        names = rules.taxonomy.names
        out = np.zeros((len(x), len(names)), dtype=np.float32)
        for i, text in enumerate(x):
            scores = rules.scores(text)
            total = sum(scores.values())
            if total:
                out[i] = [scores[n] / total * self.weight for n in names]
        return sparse.csr_matrix(out)


def make_pipeline(taxonomy: Taxonomy | None = None, c: float = 20.0) -> Pipeline:
    """Character 1–3-gram TF-IDF plus keyword scores, into a logistic regression (balanced
    class weights: a street's history is rarely even across categories). Measured on
    laoyuan/voices/data/starter_labelled.csv: n-grams alone reach macro-F1 ≈ 0.76 in 5-fold
    cross-validation, with the keyword scores ≈ 0.93."""
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        (
                            "ngrams",
                            TfidfVectorizer(
                                analyzer="char",
                                ngram_range=(1, 3),
                                sublinear_tf=True,
                                max_features=300_000,
                                dtype=np.float32,
                            ),
                        ),
                        ("keywords", KeywordFeatures(taxonomy)),
                    ]
                ),
            ),
            ("clf", LogisticRegression(C=c, class_weight="balanced", max_iter=2000)),
        ]
    )


class VoiceClassifier:
    """Either a trained pipeline or, when `pipeline` is None, the keyword rules alone."""

    def __init__(
        self,
        *,
        pipeline: Pipeline | None,
        taxonomy: Taxonomy | None = None,
        trained_at: str | None = None,
        n_labelled: int = 0,
        evaluation: Evaluation | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.taxonomy = taxonomy or load_taxonomy()
        self.rules = KeywordRules(self.taxonomy)
        self.trained_at = trained_at
        self.n_labelled = n_labelled
        self.evaluation = evaluation

    @property
    def uses_rules(self) -> bool:
        return self.pipeline is None

    @property
    def labels(self) -> list[str]:
        if self.pipeline is None:
            return self.taxonomy.names
        return [str(x) for x in self.pipeline.classes_]

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        """A proposed category, subcategory (when the taxonomy's rules know it) and confidence
        for each text, in order."""
        if self.pipeline is None:
            return self.rules.predict_many(texts)
        feats = [features(t) for t in texts]
        probabilities = self.pipeline.predict_proba(feats) if feats else []
        classes = self.labels
        out = []
        for f, row in zip(feats, probabilities, strict=True):
            best = int(row.argmax())
            name = classes[best]
            category = self.taxonomy.get(name)
            sub = self.rules.subcategory(f, category) if category else None
            out.append(Prediction(name, sub, round(float(row[best]), 3), "model"))
        return out

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "pipeline": self.pipeline,
                "taxonomy": self.taxonomy,
                "trained_at": self.trained_at,
                "n_labelled": self.n_labelled,
                "evaluation": self.evaluation,
            },
            path,
            compress=3,
        )
        return path

    @classmethod
    def load(cls, path: Path | str) -> VoiceClassifier:
        """A model file this installation wrote (see the module docstring: trusted files only)."""
        path = Path(path)
        if not path.is_file():
            raise ModelFileError(
                _("找不到模型文件：{path}。请先运行 voices train。").format(path=path)
            )
        try:
            data = joblib.load(path)
        except Exception as exc:
            raise ModelFileError(
                _("模型文件 {path} 无法读取：它不是 voices train 保存的模型，或已损坏。").format(
                    path=path
                )
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelFileError(_("文件 {path} 不是 voices train 保存的模型。").format(path=path))
        if data.get("version") != FORMAT_VERSION:
            raise ModelFileError(
                _("模型文件 {path} 是旧版本保存的，请重新运行 voices train。").format(path=path)
            )
        return cls(
            pipeline=data["pipeline"],
            taxonomy=data["taxonomy"],
            trained_at=data["trained_at"],
            n_labelled=data["n_labelled"],
            evaluation=data["evaluation"],
        )


def evaluate(pipeline: Pipeline, texts: list[str], labels: list[str]) -> Evaluation:
    """Fit on four fifths, score on the held-out fifth (stratified by label, fixed seed)."""
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=HELD_OUT, stratify=labels, random_state=SEED
    )
    pipeline.fit(x_train, y_train)
    predicted = pipeline.predict(x_test)
    classes = sorted(set(labels))
    p, r, f, s = precision_recall_fscore_support(y_test, predicted, labels=classes, zero_division=0)
    per_class = [
        ClassFigures(c, float(p[i]), float(r[i]), float(f[i]), int(s[i]))
        for i, c in enumerate(classes)
    ]
    correct = sum(1 for a, b in zip(y_test, predicted, strict=True) if a == b)
    return Evaluation(
        macro_f1=float(f.mean()),
        accuracy=correct / len(y_test),
        n_train=len(x_train),
        n_test=len(x_test),
        per_class=per_class,
    )


def train(
    texts: list[str],
    labels: list[str],
    *,
    taxonomy: Taxonomy | None = None,
    evaluate_first: bool = True,
) -> TrainResult:
    """Train on labelled texts. Classes with fewer than MIN_PER_CLASS texts are left out (the
    notes say which); if fewer than MIN_TOTAL texts or two classes remain, the result is the
    keyword-rules classifier with `fallback` set and the reason in the notes."""
    taxonomy = taxonomy or load_taxonomy()
    notes: list[str] = []
    pairs = [(features(t), str(lab).strip()) for t, lab in zip(texts, labels, strict=True)]
    pairs = [(f, lab) for f, lab in pairs if f and lab]
    counts = Counter(lab for _f, lab in pairs)
    thin = sorted(lab for lab, n in counts.items() if n < MIN_PER_CLASS)
    if thin:
        notes.append(
            _("以下类别标注少于{n}条，本次不参与训练：{labels}。").format(
                n=MIN_PER_CLASS, labels="、".join(f"{lab}（{counts[lab]}条）" for lab in thin)
            )
        )
        pairs = [(f, lab) for f, lab in pairs if lab not in thin]
    unknown = sorted({lab for _f, lab in pairs} - set(taxonomy.names))
    if unknown:
        notes.append(
            _("以下类别不在分类目录中，照样训练，但无法给出二级分类：{labels}。").format(
                labels="、".join(unknown)
            )
        )
    remaining = Counter(lab for _f, lab in pairs)
    if len(pairs) < MIN_TOTAL or len(remaining) < 2:
        notes.append(
            _(
                "已标注的意见太少（可用{n}条、{k}个类别；至少需要{total}条、每类至少{per}条），"
                "无法训练模型：改用分类目录中的关键词规则进行归类。"
            ).format(n=len(pairs), k=len(remaining), total=MIN_TOTAL, per=MIN_PER_CLASS)
        )
        return TrainResult(
            classifier=VoiceClassifier(pipeline=None, taxonomy=taxonomy),
            fallback=True,
            notes=notes,
        )
    x = [f for f, _lab in pairs]
    y = [lab for _f, lab in pairs]
    evaluation = evaluate(make_pipeline(taxonomy), x, y) if evaluate_first else None
    # The saved model learns from every labelled text, the held-out fifth included.
    pipeline = make_pipeline(taxonomy).fit(x, y)
    classifier = VoiceClassifier(
        pipeline=pipeline,
        taxonomy=taxonomy,
        trained_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        n_labelled=len(x),
        evaluation=evaluation,
    )
    return TrainResult(classifier=classifier, fallback=False, notes=notes, evaluation=evaluation)
