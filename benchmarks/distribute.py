"""distribute: time from `OpEdApproved` on the bus to every SendGrid request handed to a local v3 endpoint.

10,000 editors in 8 languages, one segment of everyone, a distribution scheduled for release in an hour. Translation
is excluded: the 7 other languages are already approved (as if reviewers had worked fast); the original language
arrives through the real path. Timed: OpEdApproved published with kafka-python -> translate worker (its own
process) opens the job and releases the original through the outbox -> relay process -> distribute worker (its own
process) records it, its scheduler sees every language approved, writes the ledger and hands over batches of 1,000
with `send_at` and a batch id -> the local SendGrid endpoint (in this process) has accepted all 10,000 recipients.
Worker start-up is excluded (a warm-up op-ed goes through first). Also prints the hand-over alone (the scheduler's
work for 10,000 editors, measured in this process).

    .venv/bin/python benchmarks/distribute.py [--editors 10000] [--db-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from bus.admin import ensure_topics
from bus.broker import EmbeddedBroker
from bus.publisher import KafkaPublisher
from bus.records import OpEdApproved, TranslationReady, TranslationSignedOff
from config.settings import Settings
from db.engine import make_engine, session_factory, transaction
from db.migrate import upgrade
from distribute import model
from distribute.adapters import SendGridBatchSender
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_signoff, record_translation
from distribute.release import Composer, release_due
from distribute.tables import Distribution, ReadyTranslation
from mail.adapters import SendGridMailer
from tests.support.mail_servers import SendGridEndpoint

LANGUAGES = ["en", "ar", "fr", "es", "zh", "ru", "tr", "de"]
AUTHORS = [{"name": "Amina Diallo", "title": "Professor of History", "affiliation": "Université Cheikh Anta Diop",
            "member_id": "m-1"},
           {"name": "Jonas Berg", "title": "Director", "affiliation": "Nordic Dialogue Forum", "member_id": "m-2"}]
BODY = "<p>Dialogue is a practice, <em>not</em> a slogan. " * 3 + "</p>" + "<p>Listening comes first. " * 140 + "</p>"


def approved_translation(session, oped_id: str, lang: str) -> None:
    """A reviewed translation (HTML, byline, credit line) that its authors signed off."""
    record_translation(session, TranslationReady(
        oped_id=oped_id, lang=lang, title=f"Title [{lang}]", body=BODY, translator="pre-approved", source_lang="en",
        authors=AUTHORS, credit="Translated from English by Benchmark Reviewer"))
    record_signoff(session, TranslationSignedOff(oped_id=oped_id, lang=lang, how="authors", by="the authors"))


def editors_csv(count: int, tag: str) -> str:
    rows = ["email,name,outlet,language,region,beat,opt_in_source"]
    rows += [f"ed{i}-{tag}@paper{i % 300}.example.org,Editor {i},Paper {i % 300},{LANGUAGES[i % len(LANGUAGES)]},"
             f"region{i % 5},opinion,benchmark" for i in range(count)]
    return "\n".join(rows) + "\n"


def wait(predicate, timeout: float, what: str, every: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise SystemExit(f"timed out after {timeout:g} s waiting for {what}")


def start(role: str, env: dict[str, str], logs: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rrm", "worker", role], cwd=ROOT, env=env,
                            stdout=open(logs / f"{role}.log", "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def end_to_end(editors: int, db_url: str, tmp: Path) -> dict[str, float]:
    with EmbeddedBroker() as broker, SendGridEndpoint() as endpoint:
        settings = Settings(env="test", data_dir=tmp, log_format="json",
                            kafka={"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "bench."},
                            db={"url": db_url}, web={"secret_key": "bench-secret-key-0123456789abcdef"},
                            mail={"backend": "sendgrid", "sendgrid_host": endpoint.url,
                                  "sendgrid_api_key": "SG.test-key"},
                            translate={"languages": LANGUAGES, "backends": ["offline"]})
        ensure_topics(settings.kafka)
        upgrade(db_url)
        engine = make_engine(db_url)
        sessions = session_factory(engine)
        t = time.perf_counter()
        with transaction(sessions) as session:
            import_editors(session, editors_csv(editors, "e2e"))
            segment = create_segment(session, "everyone (benchmark)", model.Criteria())
            for lang in LANGUAGES[1:]:
                approved_translation(session, "oped-bench", lang)
            dist = create_distribution(session, oped_id="oped-bench", languages=LANGUAGES, segment_ids=[segment],
                                       release_at=datetime.now(UTC) + timedelta(hours=1), created_by="benchmark",
                                       backend="sendgrid")
        setup_s = time.perf_counter() - t
        env = {**os.environ, "RRM_ENV": "test", "RRM_DATA_DIR": str(tmp), "RRM_LOG_FORMAT": "json",
               "RRM_KAFKA__BOOTSTRAP_SERVERS": broker.bootstrap_servers, "RRM_KAFKA__TOPIC_PREFIX": "bench.",
               "RRM_DB__URL": db_url, "RRM_WEB__SECRET_KEY": "bench-secret-key-0123456789abcdef",
               "RRM_MAIL__BACKEND": "sendgrid",
               "RRM_MAIL__SENDGRID_HOST": endpoint.url, "RRM_MAIL__SENDGRID_API_KEY": "SG.test-key",
               "RRM_TRANSLATE__LANGUAGES": '["' + '","'.join(LANGUAGES) + '"]',
               "RRM_TRANSLATE__BACKENDS": '["offline"]'}
        workers = [start(role, env, tmp) for role in ("relay", "translate", "distribute")]
        publisher = KafkaPublisher(settings.kafka)
        try:
            # warm-up: an op-ed with no distribution goes all the way to distribute's store (groups joined)
            publisher.publish("opeds.approved", OpEdApproved(oped_id="oped-warm", title="Warm-up", body="Warm.",
                                                             lang="en", officer="bench"))
            publisher.flush()

            def warm() -> bool:
                with sessions() as session:
                    return session.get(ReadyTranslation, ("oped-warm", "en")) is not None
            wait(warm, 120, "the warm-up op-ed to reach distribute", every=0.2)

            record = OpEdApproved(oped_id="oped-bench", title="Listening first", body=BODY, lang="en",
                                  authors=AUTHORS, officer="bench")
            t0 = time.perf_counter()
            wall0 = datetime.now(UTC)
            publisher.publish("opeds.approved", record)
            publisher.flush()
            wait(lambda: len(endpoint.recipients()) >= editors, 120, "every recipient at the SendGrid endpoint")
            elapsed = time.perf_counter() - t0
        finally:
            publisher.close()
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                try:
                    w.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(w.pid, signal.SIGKILL)
        recipients = collections.Counter(endpoint.recipients())
        requests = len(endpoint.accepted)
        multipart = all([c["type"] for c in r.body["content"]] == ["text/plain", "text/html"]
                        and "Amina Diallo" in r.body["content"][1]["value"] for r in endpoint.accepted)
        with sessions() as session:
            status = session.scalar(select(Distribution.status).where(Distribution.id == dist))
            received = session.get(ReadyTranslation, ("oped-bench", "en")).received_at
        engine.dispose()
    assert len(recipients) == editors and max(recipients.values()) == 1, "an address was mailed twice"
    assert multipart, "every request carries a text and an HTML part with the byline"
    return {"e2e_s": elapsed, "requests": requests, "setup_s": setup_s, "status": status,
            "bus_s": (received - wall0).total_seconds()}


def handover_only(editors: int, db_url: str) -> dict[str, float]:
    """The scheduler's part alone: ledger rows, batch ids, 1,000-recipient requests (no bus)."""
    upgrade(db_url)
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        import_editors(session, editors_csv(editors, "h"))
        segment = create_segment(session, "everyone (hand-over)", model.Criteria())
        record_translation(session, TranslationReady(oped_id="oped-h", lang="en", title="T [en]", body=BODY,
                                                     translator="original", source_lang="en", authors=AUTHORS))
        for lang in LANGUAGES[1:]:
            approved_translation(session, "oped-h", lang)
        create_distribution(session, oped_id="oped-h", languages=LANGUAGES, segment_ids=[segment],
                            release_at=datetime.now(UTC) + timedelta(hours=1), created_by="bench", backend="sendgrid")
    with SendGridEndpoint() as endpoint:
        batches = SendGridBatchSender(SendGridMailer("SG.test-key", host=endpoint.url,
                                                     from_address="rr@aoc.example.org", timeout_s=30))
        t0 = time.perf_counter()
        release_due(sessions, composer=Composer("bench-secret-key-0123456789abcdef", "https://rrm.example.org"),
                    batches=batches, mailer=None)
        elapsed = time.perf_counter() - t0
        got = len(endpoint.recipients())
    engine.dispose()
    assert got == editors
    return {"handover_s": elapsed}


def fresh_db(kind: str, tmp: Path, name: str) -> str:
    if kind.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        admin = create_engine(kind, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return kind.rsplit("/", 1)[0] + f"/{name}"
    return f"sqlite:///{tmp / (name + '.sqlite3')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=10_000)
    parser.add_argument("--db-url", default="sqlite", help="`sqlite` (a fresh file) or a PostgreSQL admin URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        h = handover_only(args.editors, fresh_db(args.db_url, tmp, "rrm_bench_handover"))
        e = end_to_end(args.editors, fresh_db(args.db_url, tmp, "rrm_bench_e2e"), tmp)
    store = "PostgreSQL" if args.db_url.startswith("postgresql") else "SQLite"
    print(f"store: {store}; editors: {args.editors} in {len(LANGUAGES)} languages; SendGrid requests: "
          f"{e['requests']} (at most 1,000 personalizations each, multipart text + HTML with the byline); "
          f"distribution status: {e['status']}")
    print(f"hand-over alone (ledger + batch ids + requests, in process): {h['handover_s']:.2f} s")
    print(f"OpEdApproved -> every request at the SendGrid endpoint (3 worker processes, bus, outbox): "
          f"{e['e2e_s']:.2f} s (target < 10 s), of which OpEdApproved -> original in distribute's store "
          f"{e['bus_s']:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
