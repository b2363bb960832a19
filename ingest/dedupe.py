"""Near-duplicate detection: the same wire story on several sites, found by MinHash LSH over title+summary.

`NearDuplicateIndex` holds the sketches of the articles first seen within a time window (rebuilt from the store at
start, so a restart forgets nothing). `match` names the first copy an article repeats; every copy points at that
first copy, never at another copy.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from datasketch import MinHashLSH

from .fingerprint import NUM_PERM


class NearDuplicateIndex:
    """Originals of the last `window` by MinHash; answers "which first copy does this article repeat?"."""

    def __init__(self, threshold: float = 0.6, window: timedelta = timedelta(hours=36)) -> None:
        self.threshold = threshold
        self.window = window
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._sketches: dict[str, object] = {}
        self._order: deque[tuple[datetime, str]] = deque()

    def __len__(self) -> int:
        return len(self._sketches)

    def match(self, sketch, now: datetime) -> str:  # a datasketch MinHash
        """The id of the original this sketch repeats (Jaccard estimate >= threshold), or ""."""
        self._evict(now)
        best, best_score = "", 0.0
        for key in self._lsh.query(sketch):
            score = sketch.jaccard(self._sketches[key])
            if score >= self.threshold and (score > best_score or (score == best_score and key < best)):
                best, best_score = key, score
        return best

    def add(self, article_id: str, sketch, seen_at: datetime) -> None:
        """Remember an original (copies are not added: they would only point at themselves)."""
        if article_id in self._sketches:
            return
        self._lsh.insert(article_id, sketch)
        self._sketches[article_id] = sketch
        self._order.append((seen_at, article_id))

    def _evict(self, now: datetime) -> None:
        limit = now - self.window
        while self._order and self._order[0][0] < limit:
            _, key = self._order.popleft()
            if self._sketches.pop(key, None) is not None:
                self._lsh.remove(key)

    def forget(self, article_ids: list[str]) -> None:
        """Drop originals whose rows were never committed (the transaction that added them failed)."""
        for key in article_ids:
            if self._sketches.pop(key, None) is not None:
                self._lsh.remove(key)
