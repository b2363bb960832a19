"""Flagged and false alarms per 1,000 on the dev stream, judged by hand: `python benchmarks/judge_stream.py [DATA_DIR]`.

Runs `rrm detect-file` over ``DATA_DIR/stream.jsonl.gz`` (default ``../shared/data/dev`` relative to the repository)
and looks each flagged item up, by ``sha256(title.strip())[:16]``, in ``benchmarks/labels/stream_judgments.jsonl``
(judgments of flagged items) and then in ``benchmarks/labels/stream_labels.jsonl`` (the labeled set; both are hand
judgments against ``docs/detect-labeling.md``). Prints flagged per 1,000, false alarms per 1,000 ordinary items,
the judged precision per category, and the keys of flagged items nobody has judged yet (never their text).
Borderline items count neither for nor against.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "labels"


def title_key(title: str) -> str:
    """The key labels and judgments are stored under: no publisher text in the repository."""
    return hashlib.sha256((title or "").strip().encode("utf-8")).hexdigest()[:16]


def load_judgments() -> dict[str, tuple[str, str]]:
    """key -> (judgment, category): judgments of flagged items first, then the labeled set."""
    found: dict[str, tuple[str, str]] = {}
    for line in (LABELS / "stream_labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        verdict = "borderline" if row["category"] == "borderline" else (
            "polarizing" if row["label"] == "polarizing" else "false_alarm")
        found[row["key"]] = (verdict, row["category"])
    path = LABELS / "stream_judgments.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found[row["key"]] = (row["judgment"], row.get("category", ""))
    return found


def run_detector(stream: Path, env: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The stream's items and `rrm detect-file`'s output lines, in input order."""
    with gzip.open(stream, "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip()]
    items = [json.loads(line) for line in lines]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as tmp:
        tmp.writelines(lines)
    try:
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "rrm"), "detect-file", tmp.name],
                              capture_output=True, text=True, check=True, env=env)
    finally:
        os.unlink(tmp.name)
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(items), "one output line per input line"
    return items, out


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    parser.add_argument("--rules-only", action="store_true", help="RRM_DETECT__CLASSIFIER=false (the rules alone)")
    parser.add_argument("--classifier", action="store_true", help="RRM_DETECT__CLASSIFIER=true (rules + classifier)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.rules_only:
        env["RRM_DETECT__CLASSIFIER"] = "false"
    elif args.classifier:
        env["RRM_DETECT__CLASSIFIER"] = "true"
    items, out = run_detector(args.data / "stream.jsonl.gz", env)
    judged = load_judgments()
    total = len(items)
    flagged = [(item, res) for item, res in zip(items, out, strict=True) if res.get("flagged")]
    verdicts = collections.Counter()
    per_category: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    unjudged: list[str] = []
    for item, res in flagged:
        key = title_key(item.get("title") or "")
        verdict = judged.get(key, ("unjudged", ""))[0]
        verdicts[verdict] += 1
        if verdict == "unjudged":
            unjudged.append(key)
        for category in res.get("categories") or ["(none)"]:
            per_category[category][verdict] += 1
    false_alarms = verdicts["false_alarm"]
    polarizing = sum(1 for v, _ in judged.values() if v == "polarizing")
    ordinary = total - polarizing
    print(f"items {total}  flagged {len(flagged)}  ({1000 * len(flagged) / total:.2f} per 1,000)")
    print(f"judged polarizing {verdicts['polarizing']}  false alarms {false_alarms}  borderline "
          f"{verdicts['borderline']}  unjudged {verdicts['unjudged']}")
    print(f"false alarms per 1,000 ordinary items: {1000 * false_alarms / max(ordinary, 1):.2f}")
    print("precision per category (judged polarizing / flagged, borderline left out):")
    for category, counts in sorted(per_category.items(), key=lambda kv: -sum(kv[1].values())):
        decided = counts["polarizing"] + counts["false_alarm"]
        share = f"{counts['polarizing'] / decided:.2f}" if decided else "  - "
        print(f"  {category:28s} {share}  ({counts['polarizing']}/{decided}; borderline {counts['borderline']}, "
              f"unjudged {counts['unjudged']})")
    linked = collections.Counter(judged.get(title_key(item.get("title") or ""), ("unjudged", ""))[0]
                                 for item, res in flagged if res.get("via") == "story")
    print(f"follow-ups linked to a flagged story (via story): {sum(linked.values())}  judged polarizing "
          f"{linked['polarizing']}  wrong links (false alarms) {linked['false_alarm']}  borderline "
          f"{linked['borderline']}  unjudged {linked['unjudged']}")
    known = {key for key, (v, _) in judged.items() if v == "polarizing"}
    stream_keys = [title_key(item.get("title") or "") for item in items]
    found = {title_key(item.get("title") or "") for item, _ in flagged} & known
    present = set(stream_keys) & known
    print(f"labeled polarizing items of the stream flagged: {len(found)}/{len(present)}")
    print("by period (held-out labels are those published from 2020-06-01):")
    for name, test in (("before 2020-06", lambda p: not p >= "2020-06"), ("from 2020-06", lambda p: p >= "2020-06")):
        part = [(item, res) for item, res in zip(items, out, strict=True)
                if test(str(item.get("published") or "")[:10]) and str(item.get("published") or "")[:2] in ("19", "20")]
        keys = [title_key(item.get("title") or "") for item, _ in part]
        hits = [k for (item, res), k in zip(part, keys, strict=True) if res.get("flagged")]
        alarms = sum(1 for k in hits if judged.get(k, ("", ""))[0] == "false_alarm")
        pos = set(keys) & known
        print(f"  {name}: items {len(part)}  flagged {len(hits)} ({1000 * len(hits) / max(len(part), 1):.2f} per 1,000)"
              f"  false alarms {alarms} ({1000 * alarms / max(len(part) - len(pos), 1):.2f} per 1,000 ordinary)"
              f"  labeled polarizing flagged {len(set(hits) & pos)}/{len(pos)}")
    for key in unjudged:
        print("  needs a judgment:", key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
