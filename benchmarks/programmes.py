"""The Youth Solidarity Fund's public form and panel on a store: how long one application takes to check, store
(with a 200 KB PDF budget) and get its edit link, how long the call's ranked list takes with every application
scored by three panellists, and how long the demo's year of programme activity takes to seed.

    .venv/bin/python benchmarks/programmes.py [N] [--db URL]      (default: 300 applications, a fresh SQLite file)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.engine import make_engine, session_factory, transaction
from db.migrate import upgrade
from links import SignedLinks
from registry import publicforms as pf
from registry import youthfund as ysf
from registry.demo_programmes import seed_programmes

PDF = b"%PDF-1.4\n" + b"0" * 200_000


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=300)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    links = SignedLinks("k" * 32, sessions)
    now = datetime.now(UTC)
    call_id = f"bench-{now:%H%M%S%f}"
    with transaction(sessions) as session:
        call = ysf.create_call(session, call_id=call_id, title="Benchmark call", deadline=now + timedelta(hours=1),
                               opens_at=now - timedelta(hours=1))
        for k in range(3):
            ysf.add_panellist(session, call_id, f"panel{k}@bench.example.org")
        deadline = call.deadline
    values = {"applicant_name": "Bench Applicant", "email": "bench@example.org", "age": "25", "organisation": "Org",
              "country": "Chile", "youth_led": "on", "project_title": "A project", "summary": "Words " * 300,
              "amount": "9000", "start_date": "2027-05-01", "consent": "on"}
    started = time.perf_counter()
    ids = []
    for i in range(args.n):
        given = pf.FormInput(values={**values, "email": f"bench{i}@example.org"},
                             uploads={"budget": pf.Upload("budget.pdf", "", PDF)})
        with transaction(sessions) as session:
            checked = pf.check(session, ysf.FORM, given)
            app = ysf.submit_application(session, call_id, checked)
            pf.edit_token(links, ysf.FORM, app.id, deadline)
            ids.append(app.id)
    per_app = (time.perf_counter() - started) / args.n * 1000
    after = deadline + timedelta(minutes=1)
    with transaction(sessions) as session:
        for app_id in ids:
            ysf.check_eligibility(session, app_id, actor="bench", now=after)
            for k in range(3):
                ysf.score_application(session, app_id, f"panel{k}@bench.example.org",
                                      {"relevance": str(k + 2), "feasibility": "3", "youth": "4", "reach": "2"},
                                      now=after)
    started = time.perf_counter()
    with sessions() as session:
        ranked = ysf.applications(session, call_id)
    listing = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    seed_programmes(sessions, now=now + timedelta(days=800))  # its own years: never collides with a real demo
    seeding = time.perf_counter() - started
    engine.dispose()
    print(f"store: {url.split(':')[0]}")
    print(f"application checked, stored with a 200 KB PDF and given its edit link: {per_app:.1f} ms each "
          f"({args.n} applications)")
    print(f"ranked list of {len(ranked)} applications with 3 scores each: {listing:.0f} ms")
    print(f"demo year of programme activity seeded: {seeding:.1f} s")


if __name__ == "__main__":
    main()
