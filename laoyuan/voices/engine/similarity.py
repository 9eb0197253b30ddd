"""Similarity of voices: grouping near-duplicates into proposed topics (议题) and the
similar-lookup index used while a resident types.

Both compare TF-IDF vectors of character 1–2-grams of the normalised text, filler words
removed (text.topic_features), by cosine similarity. Residents' messages are short: longer
n-grams rarely repeat between two wordings of the same complaint.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from laoyuan.voices.engine.text import topic_features as features

# Measured on tests/voices/data/duplicates.csv (14 known groups, 15 single voices): at 0.2
# different concerns chain together (pairwise precision 0.63); 0.25 is best there (ARI 0.97) but
# tuned on that very set; 0.3 keeps precision at 0.94 with recall 0.86 and leaves a margin for
# the larger sets where chaining grows. Staff merge what the engine left apart.
GROUP_THRESHOLD = 0.3
# At most this many similarities are held at once while grouping (float32: 80 MB).
_BLOCK_CELLS = 20_000_000
MAX_NEIGHBOURS = 200


def _vectorizer(max_df: float = 1.0) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, 2),
        sublinear_tf=True,
        max_df=max_df,
        dtype=np.float32,
    )


@dataclass(frozen=True)
class Group:
    """A proposed topic: indices (0-based, in input order) of its voices, and its
    representative: the centre the others were found similar to."""

    members: tuple[int, ...]
    representative: int

    @property
    def size(self) -> int:
        return len(self.members)


def _neighbours(matrix: sparse.csr_matrix, threshold: float) -> sparse.csr_matrix:
    """For each row, its most similar other rows (at most MAX_NEIGHBOURS) with cosine at least
    `threshold`, as a symmetric sparse matrix of similarities. Computed in blocks of rows so
    memory stays bounded whatever the number of texts."""
    m = matrix.shape[0]
    transposed = matrix.T.tocsr()
    block_rows = max(1, _BLOCK_CELLS // m)
    rows, cols, vals = [], [], []
    for start in range(0, m, block_rows):
        block = (matrix[start : start + block_rows] @ transposed).toarray()
        b = block.shape[0]
        block[np.arange(b), start + np.arange(b)] = 0  # not its own neighbour
        block[block < threshold] = 0
        if m > MAX_NEIGHBOURS:
            top = np.argpartition(-block, MAX_NEIGHBOURS, axis=1)[:, :MAX_NEIGHBOURS]
        else:
            top = np.broadcast_to(np.arange(m), (b, m))
        top_vals = np.take_along_axis(block, top, axis=1)
        keep = top_vals > 0
        rows.append((np.nonzero(keep)[0] + start).astype(np.int64))
        cols.append(top[keep].astype(np.int64))
        vals.append(top_vals[keep])
    graph = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m, m)
    )
    return graph.maximum(graph.T).tocsr()


def group(
    texts: Sequence[str], *, threshold: float = GROUP_THRESHOLD, min_size: int = 1
) -> list[Group]:
    """Groups of near-duplicate texts, largest first (ties: earliest first).

    Star clustering, so that groups cannot chain (A like B like C … like Z, with A and Z
    unrelated): the text with the most and closest neighbours becomes a group's centre and
    takes every neighbour not yet taken whose cosine similarity to it is at least `threshold`;
    then the next, among the texts left. Every member is thus similar to its centre, which is
    the group's representative. Each text keeps at most MAX_NEIGHBOURS neighbours, so a concern
    voiced by hundreds may come out as a few groups, for staff to merge."""
    n = len(texts)
    if n == 0:
        return []
    feats = [features(t) for t in texts]
    nonempty = [i for i, f in enumerate(feats) if f]
    groups: list[Group] = []
    taken = np.zeros(n, dtype=bool)
    if len(nonempty) > 1:
        # N-grams in over half the texts link everything and mean nothing.
        vectorizer = _vectorizer(max_df=0.5 if len(nonempty) >= 50 else 1.0)
        try:
            matrix = vectorizer.fit_transform([feats[i] for i in nonempty]).tocsr()
        except ValueError:  # every n-gram pruned: nothing in common worth linking
            matrix = None
        if matrix is not None:
            index = np.asarray(nonempty)
            graph = _neighbours(matrix, threshold)
            strength = np.asarray(graph.sum(axis=1)).ravel()
            # Strongest first; ties go to the earlier text, so results do not depend on luck.
            order = np.lexsort((np.arange(len(index)), -strength))
            local_taken = np.zeros(len(index), dtype=bool)
            for centre in order:
                if local_taken[centre]:
                    continue
                lo, hi = graph.indptr[centre], graph.indptr[centre + 1]
                neighbours = graph.indices[lo:hi]
                joining = neighbours[~local_taken[neighbours]]
                local_taken[centre] = True
                local_taken[joining] = True
                members = sorted(int(index[j]) for j in (centre, *joining))
                groups.append(Group(members=tuple(members), representative=int(index[centre])))
            taken[index] = True
    groups.extend(Group(members=(i,), representative=i) for i in range(n) if not taken[i])
    groups = [g for g in groups if g.size >= min_size]
    groups.sort(key=lambda g: (-g.size, g.members[0]))
    return groups


class SimilarIndex:
    """Top-k most similar texts among a fixed set (the open topics or voices of one community).

    Built once (fit the n-gram vocabulary, weight and normalise every text); a query touches
    only the index columns of the n-grams in the query, so it costs a few milliseconds even with
    100,000 texts. `add` appends texts with the vocabulary already fitted; rebuild now and then
    (e.g. nightly) so new words count."""

    def __init__(
        self,
        keys: Sequence[Hashable],
        texts: Sequence[str],
        groups: Sequence[int] | None = None,
    ) -> None:
        """`groups` (optional): an integer per text, e.g. its compound, that a query may be
        limited to."""
        if len(keys) != len(texts) or (groups is not None and len(groups) != len(keys)):
            raise ValueError("keys, texts and groups differ in length")
        self.keys: list[Hashable] = list(keys)
        self._groups = np.asarray(groups if groups is not None else [0] * len(keys), np.int64)
        self.vectorizer = _vectorizer()
        feats = [features(t) for t in texts]
        if any(feats):
            self._matrix = self.vectorizer.fit_transform(feats).tocsc()
        else:
            self.vectorizer = None
            self._matrix = sparse.csc_matrix((len(self.keys), 1), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Hashable, text: str, group: int = 0) -> None:
        self.add_many([key], [text], [group])

    def add_many(
        self,
        keys: Sequence[Hashable],
        texts: Sequence[str],
        groups: Sequence[int] | None = None,
    ) -> None:
        """Append texts in one step (stacking the matrix once, not once per text)."""
        if self.vectorizer is None:
            raise ValueError("index has no vocabulary yet: rebuild it")
        if not keys:
            return
        rows = self.vectorizer.transform([features(t) for t in texts])
        self._matrix = sparse.vstack([self._matrix, rows], format="csc")
        self.keys.extend(keys)
        extra = np.asarray(groups if groups is not None else [0] * len(keys), np.int64)
        self._groups = np.concatenate([self._groups, extra])

    def query(
        self, text: str, *, k: int = 5, min_score: float = 0.1, group: int | None = None
    ) -> list[tuple[Hashable, float]]:
        """The keys of the k most similar texts with their cosine similarity (0..1), best
        first; only scores of at least `min_score`; only texts of `group` when given."""
        if self.vectorizer is None or not self.keys:
            return []
        q = self.vectorizer.transform([features(text)])
        if q.nnz == 0:
            return []
        # Only the columns of the query's n-grams: cost grows with how common they are, not
        # with the size of the whole index.
        scores = np.asarray(self._matrix[:, q.indices] @ q.data).ravel()
        if group is not None:
            scores[self._groups != group] = 0
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.keys[i], round(float(scores[i]), 4)) for i in top if scores[i] >= min_score]
