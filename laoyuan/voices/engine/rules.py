"""Keyword rules (关键词规则): the fallback classifier when a street has too few labelled voices
to train on, and the source of the second-level category (二级分类) in every case."""

from __future__ import annotations

from dataclasses import dataclass

from laoyuan.voices.engine.taxonomy import Category, Taxonomy
from laoyuan.voices.engine.taxonomy import load as load_taxonomy
from laoyuan.voices.engine.text import features


@dataclass(frozen=True)
class Prediction:
    """One text's proposed category. `category` is None when nothing matched at all."""

    category: str | None
    subcategory: str | None
    confidence: float  # 0..1
    source: str  # "model" or "rules"


def _weight(keyword: str) -> int:
    # A longer keyword is more specific: 路灯 must outweigh 路.
    return len(keyword) ** 2


def _hits(text: str, keywords: tuple[str, ...]) -> int:
    return sum(_weight(k) for k in keywords if k in text)


class KeywordRules:
    """Scores every category by the weighted keywords of it and its subcategories found in the
    normalised text. Transparent and needs no training; also used to pick the subcategory
    within the category a trained model chose."""

    def __init__(self, taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or load_taxonomy()

    def subcategory(self, text_features: str, category: Category) -> str | None:
        scored = [(_hits(text_features, s.keywords), s.name) for s in category.children]
        best = max(scored, default=(0, None))
        return best[1] if best[0] > 0 else None

    def scores(self, text_features: str) -> dict[str, int]:
        return {
            c.name: _hits(text_features, c.keywords)
            + sum(_hits(text_features, s.keywords) for s in c.children)
            for c in self.taxonomy.categories
        }

    def predict(self, text: str) -> Prediction:
        f = features(text)
        scores = self.scores(f)
        total = sum(scores.values())
        if total == 0:
            return Prediction(None, None, 0.0, "rules")
        name = max(scores, key=lambda n: scores[n])
        category = self.taxonomy.get(name)
        assert category is not None
        # Share of all keyword weight, damped for texts with little evidence (one short hit).
        confidence = scores[name] / total * min(1.0, scores[name] / 8)
        return Prediction(name, self.subcategory(f, category), round(confidence, 3), "rules")

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        return [self.predict(t) for t in texts]
