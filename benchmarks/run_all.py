"""Run every benchmark and print one table of their figures.

    .venv/bin/python benchmarks/run_all.py            (or: make bench)

Each benchmark is a script in this folder that prints its figures; this runs each in its own process (so one
benchmark's warm caches or threads do not flatter another), with a time limit, and collects the lines it printed
last. Benchmarks that read ../shared/data use it when it is there and generated data otherwise.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: (script, arguments, what it measures)
BENCHMARKS: list[tuple[str, list[str], str]] = [
    ("ingest.py", [], "ingest: parse + normalize + de-duplicate; feeds polled per minute"),
    ("detect.py", [], "detect: articles scored and clustered per second; NER reference; flag latency"),
    ("eval_detect.py", [], "detect quality on the labeled dev set"),
    ("tokens.py", ["--langs", "en,fr,es,de,ar"], "detect: the splitter's tokens against spaCy's on the dev stream"),
    ("distribute.py", [], "distribute: OpEdApproved to every SendGrid request, 10,000 editors"),
    ("bus.py", ["20000"], "bus throughput through a faust agent"),
    ("e2e.py", [], "end to end: feed item served to StoryFlagged"),
    ("scale_detect.py", [], "scale-out: detect with one and two workers in one group"),
]


def _figure_lines(output: str) -> list[str]:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith(("{", "20", "[", "WARNING", "INFO"))]
    return keep[-8:]


def main() -> int:
    """Run them all; exit non-zero if any failed."""
    rows: list[tuple[str, str, float, list[str]]] = []
    failed = 0
    for script, args, what in BENCHMARKS:
        path = HERE / script
        if not path.exists():
            rows.append((script, "missing", 0.0, [what]))
            failed += 1
            continue
        started = time.monotonic()
        try:
            proc = subprocess.run([sys.executable, str(path), *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=1200)
            status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
            lines = _figure_lines(proc.stdout) or _figure_lines(proc.stderr)
        except subprocess.TimeoutExpired:
            status, lines = "timeout", []
        if status != "ok":
            failed += 1
        rows.append((script, status, time.monotonic() - started, lines))
        print(f"... {script}: {status} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
    print("\n| benchmark | status | wall time | figures |")
    print("| --- | --- | --- | --- |")
    for script, status, seconds, lines in rows:
        print(f"| `benchmarks/{script}` | {status} | {seconds:.0f} s | {'<br>'.join(lines)} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
