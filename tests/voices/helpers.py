"""Shared by the voices tests: the labelled sets in tests/voices/data and pairwise scores."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# 编号, 意见内容, 一级分类: the starter set shipped with Laoyuan (the default classifier's data).
LABELLED = Path(__file__).resolve().parents[2] / "laoyuan/voices/data/starter_labelled.csv"
DUPLICATES = DATA / "duplicates.csv"  # 意见内容, 同一问题 (same letter = same concern)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def pairwise(truth: list[str], found: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall: of the pairs put together, how many belong together;
    of the pairs that belong together, how many were put together."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(truth)), 2):
        same, together = truth[i] == truth[j], found[i] == found[j]
        tp += same and together
        fp += together and not same
        fn += same and not together
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)
