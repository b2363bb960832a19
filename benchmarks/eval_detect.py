"""Evaluate the detector on labeled news: `python benchmarks/eval_detect.py [FILE.jsonl]`.

Runs `rrm detect-file` on ../shared/data/dev/labeled.jsonl (relative to the repository) and prints precision,
recall, F1, recall per event and false alarms per 1,000 ordinary items.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "dev" / "labeled.jsonl"


def main(path: Path = DEFAULT) -> int:
    """Print the figures; exit 0."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rrm = ROOT / ".venv" / "bin" / "rrm"
    done = subprocess.run([str(rrm), "detect-file", str(path)],  # our own command
                          capture_output=True, text=True, check=True)
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(rows), "one output line per input line"
    tp = fp = fn = ordinary = 0
    per_event: dict[str, list[bool]] = collections.defaultdict(list)
    misses, alarms = [], []
    for row, res in zip(rows, out, strict=True):
        polar = row.get("label") == "polarizing"
        if polar:
            per_event[row.get("event") or "?"].append(res["flagged"])
            tp += res["flagged"]
            fn += not res["flagged"]
            if not res["flagged"]:
                misses.append(row["title"][:100])
        else:
            ordinary += 1
            fp += res["flagged"]
            if res["flagged"]:
                alarms.append((row["title"][:100], res["reasons"][:1]))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"items {len(rows)}  polarizing {tp + fn}  ordinary {ordinary}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"false alarms per 1,000 ordinary: {1000 * fp / max(ordinary, 1):.1f} ({fp} of {ordinary})")
    print("recall per event:")
    for event, flags in sorted(per_event.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {event:34s} {sum(flags)}/{len(flags)}  {sum(flags) / len(flags):.2f}")
    multi = [e for e, f in per_event.items() if len(f) >= 2]
    print(f"events with >= 2 articles flagged at least once: {sum(any(per_event[e]) for e in multi)}/{len(multi)}")
    stories = collections.Counter(r["story"] for r in out if r["story"])
    print(f"stories formed: {len(stories)}; flagged on spread: "
          f"{len({r['story'] for r in out if r.get('story_severity')})}")
    for title in misses:
        print("  missed:", title)
    for title, why in alarms:
        print("  false alarm:", title, why)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
