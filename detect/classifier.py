"""The learned component of detect/: a logistic regression over hashed words of the title and lead plus the rules'
own findings (`detect.scoring.rule_features`), trained by `benchmarks/train_detect.py` on hand-labeled news
(`benchmarks/labels/`, guide in `docs/detect-labeling.md`).

The model ships as a small JSON file (`classifier_model.json`: hashing parameters, the non-zero weights, the
intercept, the names of the rule features and the thresholds chosen on cross-validation) — no pickle, so it loads
with any numpy. Scoring one article is a few hundred hash look-ups and a sparse dot product: text is cut to the title
and the summary's lead, words are lower-cased and folded like the lexicon folds them, and each word, its first five
letters and each pair of neighbouring words is hashed (murmurhash3, the hash scikit-learn's `HashingVectorizer` uses)
into ``n_features`` buckets; the title's words are hashed a second time with a ``t:`` mark, since a headline says what
the story is about.

How the probability combines with the rules (`decide`): an article the rules flag stays flagged unless the model's
probability is below ``veto_below`` (the known false-alarm kinds: pandemic rules for churches, party politics near
a church, military operations abroad…); an article the rules leave just under the threshold (rule score at least
``raise_gate``) is flagged when the probability is at least ``raise_above``. Both thresholds were chosen on
cross-validation of the training part only.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("classifier_model.json")
LEAD_CHARS = 400
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TAGS = re.compile(r"<[^>]+>")
COUNT_FEATURES_PREFIXES = ("kind_", "title_")
COUNT_FEATURES = ("sentences", "hits", "negated", "anti", "strong_sentences")


def fold(text: str) -> str:
    """Lower case, accents and Arabic diacritics removed, Turkish dotless i folded (as the lexicon folds)."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ı", "i"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words_of(text: str) -> list[str]:
    """The folded words of a text, HTML tags removed."""
    return _WORD.findall(fold(_TAGS.sub(" ", text)))


@lru_cache(maxsize=200_000)
def _bucket(token: str, n_features: int) -> int:
    # imported here: scikit-learn takes seconds to import, which a worker with the classifier off (the default)
    # would otherwise pay in the middle of the stream, on the first article the rules find something in
    from sklearn.utils import murmurhash3_32

    return murmurhash3_32(token, seed=0, positive=True) % n_features


def text_buckets(title: str, summary: str, n_features: int, prefix: int = 5) -> list[int]:
    """Hashed buckets of one article's text: words, word prefixes and word pairs of title + lead, and the title's
    words again with a ``t:`` mark. Distinct buckets, in no particular order."""
    head = words_of(title or "")
    body = words_of((summary or "")[:LEAD_CHARS])
    tokens: set[str] = set()
    for seq in (head, body):
        for i, w in enumerate(seq):
            tokens.add(w)
            if len(w) > prefix:
                tokens.add(w[:prefix] + "~")
            if i:
                tokens.add(seq[i - 1] + " " + w)
    for w in head:
        tokens.add("t:" + w)
    return sorted({_bucket(t, n_features) for t in tokens})


def top_category(features: dict[str, float]) -> str:
    """The rule category with the best score (``cat_<category>`` features), or ""."""
    best = max(((v, k) for k, v in features.items() if k.startswith("cat_") and v > 0), default=(0.0, ""))
    return best[1][4:]


def rule_vector(features: dict[str, float], names: list[str]) -> list[float]:
    """The rule features in the model's column order; counts through log1p so long articles do not dominate."""
    out = []
    for name in names:
        value = float(features.get(name, 0.0))
        if name in COUNT_FEATURES or name.startswith(COUNT_FEATURES_PREFIXES):
            value = math.log1p(max(value, 0.0))
        out.append(value)
    return out


@dataclass(frozen=True)
class Classifier:
    """A trained model: hashing parameters, weights, intercept and the thresholds for combining with the rules."""

    n_features: int
    prefix: int
    rule_names: list[str]
    text_weights: np.ndarray = field(repr=False)
    rule_weights: np.ndarray = field(repr=False)
    intercept: float
    veto_below: float
    raise_above: float
    raise_gate: float
    veto_categories: frozenset[str] = frozenset()
    meta: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path | str | None = None) -> Classifier:
        """Read a model file written by `benchmarks/train_detect.py` (default: the one shipped with the package)."""
        data = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
        n = int(data["hashing"]["n_features"])
        weights = np.zeros(n, dtype=np.float64)
        idx = np.asarray(data["text_index"], dtype=np.int64)
        weights[idx] = np.asarray(data["text_weight"], dtype=np.float64)
        return cls(n_features=n, prefix=int(data["hashing"]["prefix"]), rule_names=list(data["rule_names"]),
                   text_weights=weights, rule_weights=np.asarray(data["rule_weight"], dtype=np.float64),
                   intercept=float(data["intercept"]), veto_below=float(data["combine"]["veto_below"]),
                   raise_above=float(data["combine"]["raise_above"]),
                   raise_gate=float(data["combine"]["raise_gate"]),
                   veto_categories=frozenset(data["combine"].get("veto_categories", ())), meta=data.get("meta", {}))

    def margin(self, title: str, summary: str, features: dict[str, float]) -> float:
        """The decision function: intercept + text part (L2-normalized presence) + rule part."""
        buckets = text_buckets(title, summary, self.n_features, self.prefix)
        text = float(self.text_weights[buckets].sum()) / math.sqrt(len(buckets)) if buckets else 0.0
        rules = float(np.dot(self.rule_weights, rule_vector(features, self.rule_names)))
        return self.intercept + text + rules

    def probability(self, title: str, summary: str, lang: str, features: dict[str, float]) -> float:
        """Probability that the article reports or follows a polarizing event (``lang`` is accepted for the
        interface; words are hashed the same in every language)."""
        del lang
        z = self.margin(title, summary, features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def worth_asking(self, rule_score: float, threshold: float) -> bool:
        """Whether the model can change the rules' verdict for this score (else skip it: it costs time)."""
        return rule_score >= min(self.raise_gate, threshold)

    def decide(self, rule_score: float, threshold: float, probability: float, category: str = "") -> bool:
        """The combined verdict: rules flag unless vetoed (only for rule categories the model was trained on enough
        flagged examples of: it knows nothing of the others); rules just under the threshold raised when confident."""
        if rule_score >= threshold:
            return probability >= self.veto_below or category not in self.veto_categories
        return rule_score >= self.raise_gate and probability >= self.raise_above


@lru_cache(maxsize=4)
def shipped(path: str | None = None) -> Classifier:
    """The shipped model, loaded once per process."""
    return Classifier.load(path)


@lru_cache(maxsize=1)
def configured() -> Classifier | None:
    """The classifier the settings ask for (`RRM_DETECT__CLASSIFIER`, off by default), or None for the rules alone."""
    from config.settings import get_settings

    return shipped() if get_settings().detect.classifier else None
