"""ingest/'s near-duplicate fingerprints: the MinHash of an article's title and lead, and its stored form.

Pure: the same text gives the same sketch in every process (CRC-32 hashing, fixed seed).
"""

from __future__ import annotations

import re
import zlib

NUM_PERM = 64
_WORD = re.compile(r"\w+", re.U)


def shingles(text: str, size: int = 3) -> set[bytes]:
    """Word `size`-grams of a text (character 5-grams for scripts written without spaces)."""
    text = text.lower()
    words = _WORD.findall(text)
    if len(words) < 6 and len(text) > 24:  # Chinese, Japanese, Thai: no spaces between words
        compact = "".join(words)
        return {compact[i:i + 5].encode() for i in range(max(1, len(compact) - 4))}
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def fingerprint(title: str, summary: str, min_shingles: int = 6):
    """The MinHash of an article's title and summary, or None when the text is too short to compare safely."""
    grams = shingles(f"{title} {summary[:400]}")  # the lead is enough to recognise a wire story, and cheaper
    if len(grams) < min_shingles:
        return None
    from datasketch import MinHash

    global _template
    if _template is None:  # building the permutations is 10x dearer than hashing an article: do it once
        _template = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=zlib.crc32)
    sketch = MinHash(num_perm=NUM_PERM, seed=7, permutations=_template.permutations, scheme=_template.scheme,
                     hashfunc=zlib.crc32)  # CRC-32: stable across processes and 5x cheaper than SHA-1 here
    sketch.update_batch(list(grams))
    return sketch


def sketch_from_bytes(data: bytes):
    """A MinHash stored by `sketch_to_bytes`."""
    import numpy as np
    from datasketch import LeanMinHash

    global _template
    if _template is None:
        from datasketch import MinHash

        _template = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=zlib.crc32)
    return LeanMinHash(seed=7, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=_template.scheme)


def sketch_to_bytes(sketch) -> bytes:  # a datasketch MinHash
    """The MinHash's values as bytes, for the store."""
    import numpy as np

    return np.asarray(sketch.hashvalues, dtype=np.uint64).tobytes()


_template = None
