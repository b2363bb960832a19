"""Train detect/'s classifier from hand labels and write the shipped model:
`python benchmarks/train_detect.py [--data DIR] [--labels FILE] [--extra FILE.jsonl ...] [--out FILE | --no-write]`.

Reads the items of ``DATA/labeled.jsonl`` and ``DATA/stream.jsonl.gz`` (default ``../shared/data/dev`` relative to
the repository; publishers' text is read, never copied) and joins them by ``sha256(title.strip())[:16]`` to the labels
(`benchmarks/labels/stream_labels.jsonl`; guide `docs/detect-labeling.md`). ``--extra`` adds files in the training
format ``{"title", "summary", "lang", "label", "category"}`` (what `rrm detect-export-labels` writes) to the training
part. Category ``borderline`` is left out. The ``heldout`` part is never trained on and never used to choose anything.

Features: hashed words, word prefixes and word pairs of title + lead (`detect.classifier.text_buckets`) and the rules'
findings (`detect.scoring.rule_features`). Model: scikit-learn's LogisticRegression (liblinear, balanced classes).
Prints 5-fold cross-validated precision / recall / F1 on the training part for the rules alone, the model alone and
the combination, chooses the combination's thresholds on those folds, then prints the same on the held-out part,
and writes the model as JSON (weights, intercept, hashing parameters, thresholds; no pickle).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402 - after the thread limit and the path
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from detect.classifier import MODEL_PATH, rule_vector, text_buckets, top_category
from detect.scoring import rule_features

N_FEATURES = 2**18
PREFIX = 5
C_GRID = (0.1, 0.5, 2.0)  # regularization, chosen with the thresholds on cross-validation of the training part
THRESHOLD = 0.5
VETO_GRID = [0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
RAISE_GRID = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01]
GATE_GRID = [0.2, 0.3, 0.4]
SEEDS = (13, 14, 15)
MIN_FLAGGED_TO_VETO = 5


def title_key(title: str) -> str:
    """The key the labels are stored under."""
    return hashlib.sha256((title or "").strip().encode("utf-8")).hexdigest()[:16]


def read_jsonl(path: Path) -> list[dict]:
    """JSON lines of a plain or gzipped file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_examples(data: Path, labels: Path, extra: list[Path]) -> tuple[list[dict], list[dict]]:
    """(train, heldout) examples: dicts with title, summary, lang, y, category."""
    texts: dict[str, dict] = {}
    for name in ("labeled.jsonl", "stream.jsonl.gz"):
        for item in read_jsonl(data / name):
            texts.setdefault(title_key(item.get("title") or ""), item)
    train, heldout, missing = [], [], 0
    for row in read_jsonl(labels):
        if row["category"] == "borderline":
            continue
        item = texts.get(row["key"])
        if item is None:
            missing += 1
            continue
        example = {"title": item.get("title") or "", "summary": item.get("summary") or "",
                   "lang": item.get("lang") or "en", "y": int(row["label"] == "polarizing"),
                   "category": row["category"]}
        (heldout if row["split"] == "heldout" else train).append(example)
    for path in extra:
        for item in read_jsonl(path):
            if item.get("category") == "borderline":
                continue
            train.append({"title": item.get("title") or "", "summary": item.get("summary") or "",
                          "lang": item.get("lang") or "en", "y": int(item.get("label") == "polarizing"),
                          "category": item.get("category") or ""})
    if missing:
        print(f"labels without text in {data}: {missing}")
    return train, heldout


def featurize(examples: list[dict], names: list[str] | None = None) -> tuple[sparse.csr_matrix, list[str], np.ndarray,
                                                                            list[str]]:
    """Sparse matrix [hashed text | rule features], the rule feature names, the rules' scores and best categories."""
    feats = [rule_features(e["title"], e["summary"], e["lang"], THRESHOLD) for e in examples]
    names = names or sorted(feats[0])
    rows, cols, vals = [], [], []
    for i, (e, f) in enumerate(zip(examples, feats, strict=True)):
        buckets = text_buckets(e["title"], e["summary"], N_FEATURES, PREFIX)
        weight = 1.0 / np.sqrt(len(buckets)) if buckets else 0.0
        rows += [i] * len(buckets)
        cols += buckets
        vals += [weight] * len(buckets)
        for j, v in enumerate(rule_vector(f, names)):
            if v:
                rows.append(i)
                cols.append(N_FEATURES + j)
                vals.append(v)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), N_FEATURES + len(names)))
    return matrix, names, np.array([f["rule_score"] for f in feats]), [top_category(f) for f in feats]


def stream_weights(data: Path, train: list[dict], rules: np.ndarray) -> np.ndarray:
    """How many real-stream items each ordinary training item stands for, by band of rule score.

    The labeled set over-samples items the rules react to (every flagged item, every item with religious or
    cultural vocabulary, a few hundred of the rest), so choosing the thresholds on it as if it were a stream would
    under-count the false alarms a raise makes. The training period of the dev stream (before 2020-06) is scored by
    the rules, and an ordinary training item in a band counts as (stream items in the band) / (labeled items in it).
    """
    edges = np.array([GATE_GRID[0], THRESHOLD])
    stream = [i for i in read_jsonl(data / "stream.jsonl.gz") if str(i.get("published") or "")[:7] < "2020-06"]
    scores = np.array([rule_features(i.get("title") or "", i.get("summary") or "", i.get("lang") or "en",
                                     THRESHOLD)["rule_score"] for i in stream])
    in_stream = np.bincount(np.digitize(scores, edges), minlength=3)
    y = np.array([e["y"] for e in train])
    bands = np.digitize(rules, edges)
    labeled = np.bincount(bands[y == 0], minlength=3)
    factor = np.where(labeled > 0, in_stream / np.maximum(labeled, 1), 1.0).clip(min=1.0)
    print("ordinary items stand for stream items, by rule-score band "
          f"[<{edges[0]}, <{edges[1]}, >=]: {np.round(factor, 2).tolist()}")
    return np.where(y == 0, factor[bands], 1.0)


def new_model(c: float) -> LogisticRegression:
    """The estimator (the same for the folds and the final fit)."""
    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)


def combine(rule_score: np.ndarray, prob: np.ndarray, veto: float, raise_above: float, gate: float,
            vetoable: np.ndarray) -> np.ndarray:
    """The combined verdict for arrays (same rule as `Classifier.decide`)."""
    flagged = rule_score >= THRESHOLD
    return np.where(flagged, (prob >= veto) | ~vetoable, (rule_score >= gate) & (prob >= raise_above))


def prf(y: np.ndarray, pred: np.ndarray, weight: np.ndarray | None = None) -> tuple[float, float, float, int, int]:
    """Precision, recall, F1, false positives, flagged (ordinary items counted ``weight`` times when given)."""
    w = np.ones(len(y)) if weight is None else weight
    tp = float(w[pred & (y == 1)].sum())
    fp = float(w[pred & (y == 0)].sum())
    fn = float(w[~pred & (y == 1)].sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), round(fp), round(tp + fp)


def report(name: str, y: np.ndarray, pred: np.ndarray) -> None:
    """One line of figures."""
    p, r, f1, fp, flagged = prf(y, pred.astype(bool))
    print(f"  {name:34s} precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  (flagged {flagged}, false {fp})")


def main(argv: list[str] | None = None) -> int:
    """Train, print the figures, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    parser.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "labels" / "stream_labels.jsonl")
    parser.add_argument("--extra", type=Path, action="append", default=[])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    train, heldout = load_examples(args.data, args.labels, args.extra)
    y = np.array([e["y"] for e in train])
    print(f"train {len(train)} ({int(y.sum())} polarizing)  heldout {len(heldout)} "
          f"({sum(e['y'] for e in heldout)} polarizing)")
    x, names, rules, cats = featurize(train)
    flagged_cats = collections.Counter(c for c, r in zip(cats, rules, strict=True) if r >= THRESHOLD)
    veto_categories = sorted(c for c, n in flagged_cats.items() if n >= MIN_FLAGGED_TO_VETO)
    vetoable = np.array([c in veto_categories for c in cats])
    print(f"rule categories the model may veto (>= {MIN_FLAGGED_TO_VETO} rule-flagged training items): "
          f"{', '.join(veto_categories)}")
    splits = min(args.folds, int(y.sum()), int((1 - y).sum()))
    weight = stream_weights(args.data, train, rules)
    best = None
    for c in C_GRID:
        repeats = []  # out-of-fold probabilities, one array per shuffle: thresholds chosen on their mean F1
        for seed in SEEDS:
            oof = np.zeros(len(train))
            for fit_idx, test_idx in StratifiedKFold(splits, shuffle=True, random_state=seed).split(x, y):
                oof[test_idx] = new_model(c).fit(x[fit_idx], y[fit_idx]).predict_proba(x[test_idx])[:, 1]
            repeats.append(oof)
        for veto in VETO_GRID:
            for raise_above in RAISE_GRID:
                for gate in GATE_GRID:
                    f1 = float(np.mean([prf(y, combine(rules, o, veto, raise_above, gate, vetoable), weight)[2]
                                        for o in repeats]))
                    flagged = int(combine(rules, repeats[0], veto, raise_above, gate, vetoable).sum())
                    key = (round(f1, 4), -flagged, veto, -raise_above, gate, -c)
                    if best is None or key > best[0]:
                        best = (key, veto, raise_above, gate, c, repeats[0])
    rules_f1 = prf(y, rules >= THRESHOLD, weight)[2]
    key, veto, raise_above, gate, c, oof = best
    print(f"{splits}-fold cross-validation on the training part (first of {len(SEEDS)} shuffles; C and thresholds "
          f"on their mean): F1 weighted to stream proportions, rules alone {rules_f1:.3f}, combined {key[0]:.3f} "
          f"(C={c})")
    report("rules alone", y, rules >= THRESHOLD)
    report("model alone (p >= 0.5)", y, oof >= 0.5)
    report(f"combined (veto<{veto}, raise>={raise_above} from {gate})", y,
           combine(rules, oof, veto, raise_above, gate, vetoable))
    model = new_model(c).fit(x, y)
    if heldout:
        yh = np.array([e["y"] for e in heldout])
        xh, _, rules_h, cats_h = featurize(heldout, names)
        ph = model.predict_proba(xh)[:, 1]
        print("held-out part (never trained on):")
        report("rules alone", yh, rules_h >= THRESHOLD)
        report("model alone (p >= 0.5)", yh, ph >= 0.5)
        vetoable_h = np.array([c in veto_categories for c in cats_h])
        report("combined", yh, combine(rules_h, ph, veto, raise_above, gate, vetoable_h))
    coef = model.coef_[0]
    text = coef[:N_FEATURES]
    keep = np.flatnonzero(np.abs(text) >= 1e-4)
    out = {"format": 1, "hashing": {"n_features": N_FEATURES, "prefix": PREFIX, "hash": "murmurhash3_32 seed 0"},
           "rule_names": names, "rule_weight": [round(float(v), 6) for v in coef[N_FEATURES:]],
           "intercept": round(float(model.intercept_[0]), 6),
           "text_index": [int(i) for i in keep], "text_weight": [round(float(v), 5) for v in text[keep]],
           "combine": {"veto_below": veto, "raise_above": raise_above, "raise_gate": gate, "threshold": THRESHOLD,
                       "veto_categories": veto_categories},
           "meta": {"train": len(train), "train_polarizing": int(y.sum()), "C": c,
                    "cv_f1_weighted": {"rules": round(rules_f1, 4), "combined": key[0]},
                    "trainer": "benchmarks/train_detect.py", "estimator": "sklearn LogisticRegression liblinear"}}
    if not args.no_write:
        args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(keep)} text weights)")
    print(f"took {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
