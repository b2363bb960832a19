"""A worker process for fault tests: applies each ArticleIngested once (processed marker) and says so on stdout.

    RRM_... settings in the environment; WORKER_NAME names it in its output; WORK_MS makes each message take time;
    DIRECT=1 reads the topic with the kit's batch consumer (bus/direct.py) instead of a faust agent.
"""

from __future__ import annotations

import os
import sys
import time

from bus.app import consume, create_app
from bus.records import ArticleIngested
from bus.worker import run_app
from config.settings import Settings
from db.engine import make_engine, session_factory, transaction
from db.idempotency import first_time


def main() -> None:
    settings = Settings()
    name = os.environ.get("WORKER_NAME", "worker")
    work_s = float(os.environ.get("WORK_MS", "0")) / 1000
    sessions = session_factory(make_engine(settings.database_url))
    app = create_app("faults-group", settings)

    async def apply(record: ArticleIngested):
        time.sleep(work_s)  # busy, as a real handler is
        with transaction(sessions) as session:
            fresh = first_time(session, "faults-group", record.message_id)
        print(f"{name} {'applied' if fresh else 'skipped'} {record.article_id}", flush=True)

    async def note_rejected(record) -> None:  # every app keeps one faust agent (bus/direct.py)
        print(f"{name} saw a rejection", flush=True)

    consume(app, "articles.ingested", apply, name="apply", direct=os.environ.get("DIRECT") == "1")
    consume(app, "rejected", note_rejected, name="note_rejected")
    sys.argv = [sys.argv[0], "worker"]
    run_app(app, settings)


if __name__ == "__main__":
    main()
