"""The two-level taxonomy of residents' concerns (诉求分类), read from data/taxonomy.json.

First level (一级分类) e.g. 管网; second level (二级分类) e.g. 排水与化粪池; each first-level
category carries its renovation class (改造类别: 基础类 basic / 完善类 improvement / 提升类
upgrade) where one fits. A street may edit its copy; the engine takes any file of the same shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from laoyuan.voices.engine.text import DATA_DIR, features

DEFAULT_PATH = DATA_DIR / "taxonomy.json"


@dataclass(frozen=True)
class Subcategory:
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    name: str
    renovation_class: str | None
    keywords: tuple[str, ...]
    children: tuple[Subcategory, ...] = field(default=())


@dataclass(frozen=True)
class Taxonomy:
    version: int
    categories: tuple[Category, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.categories]

    def get(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)


def _keywords(words: list[str]) -> tuple[str, ...]:
    # Keywords go through the same normalisation as the texts they are matched against.
    return tuple(dict.fromkeys(k for k in (features(w) for w in words) if k))


def parse(data: dict) -> Taxonomy:
    return Taxonomy(
        version=int(data.get("version", 1)),
        categories=tuple(
            Category(
                name=c["name"],
                renovation_class=c.get("renovation_class"),
                keywords=_keywords(c.get("keywords", [])),
                children=tuple(
                    Subcategory(name=s["name"], keywords=_keywords(s.get("keywords", [])))
                    for s in c.get("children", [])
                ),
            )
            for c in data["categories"]
        ),
    )


@lru_cache(maxsize=4)
def load(path: Path | str = DEFAULT_PATH) -> Taxonomy:
    """The taxonomy in a JSON file (by default the one shipped with Laoyuan)."""
    with open(path, encoding="utf-8") as fh:
        return parse(json.load(fh))
