"""ingest/'s commands: `rrm ingest-file`, `rrm feeds`, `rrm feeds-load`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from .model import FeedInfo, FeedUnreadable, read_feed


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc) or type(exc).__name__


def ingest_one(path: str, now: datetime, out, err) -> bool:  # text streams
    """Write the articles of one feed file as JSON lines on `out`; on failure one line on `err`. True if read."""
    try:
        body = Path(path).read_bytes()
        feed = FeedInfo(feed_id=path)  # the outlet is the channel's own title
        read = read_feed(body, feed, now)
    except (OSError, FeedUnreadable) as exc:
        err.write(f"{path}: {_reason(exc)}\n")
        return False
    except Exception as exc:  # a bug must still not print a traceback at the user; it names the file
        err.write(f"{path}: cannot be read ({type(exc).__name__}: {exc})\n")
        return False
    for article in read.articles:
        out.write(json.dumps({
            "id": article.article_id, "url": article.url, "title": article.title, "summary": article.summary,
            "published": article.published.isoformat(), "lang": article.lang, "source": article.source,
            "feed": path, "outlet": article.outlet, "guid": article.guid,
        }, ensure_ascii=False) + "\n")
    for item in read.rejected:
        err.write(f"{path}: {item.reason} (skipped)\n")
    return True


@click.command("ingest-file")
@click.argument("files", nargs=-1, required=True)
def ingest_file(files: tuple[str, ...]) -> None:
    """Read feed files (RSS, Atom, RDF) and write their normalized articles as JSON lines on standard output
    (id, url, title, summary, published, lang, source, feed). A file that cannot be read gives one line on standard
    error; the others still go through; the exit status is 1 if any file failed."""
    now = datetime.now(UTC)
    failed = 0
    for path in files:
        if not ingest_one(path, now, sys.stdout, sys.stderr):
            failed += 1
    sys.stdout.flush()
    sys.exit(1 if failed else 0)


@click.command("feeds")
def feeds() -> None:
    """List the registered feeds and their health."""
    from config.settings import get_settings
    from db.engine import make_engine, session_factory

    from .queries import list_feeds

    engine = make_engine(get_settings().database_url)
    try:
        rows = list_feeds(session_factory(engine))
    finally:
        engine.dispose()
    if not rows:
        click.echo("no feeds registered (rrm feeds-load FILE, or the console's Feeds page)")
    for row in rows:
        click.echo(f"{row.id:>5} {row.health:<9} {row.items_seen:>7} items  {row.url}"
                   + (f"  [{row.last_error}]" if row.health == "failing" else ""))


@click.command("feeds-load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--update", is_flag=True, help="Also overwrite registered feeds with the file's fields.")
def feeds_load(file: str, update: bool) -> None:
    """Register the feeds of a TOML file (see docs/ingest.md); bad entries are listed, the others registered."""
    from config.settings import get_settings
    from db.engine import make_engine, session_factory, transaction

    from .handlers import FeedError, read_feed_file, register_feeds

    try:
        specs, errors = read_feed_file(Path(file))
    except FeedError as exc:
        raise click.ClickException(str(exc)) from None
    engine = make_engine(get_settings().database_url)
    try:
        with transaction(session_factory(engine)) as session:
            report = register_feeds(session, specs, datetime.now(UTC), origin=f"file:{Path(file).name}"[:40],
                                    update=update)
    finally:
        engine.dispose()
    for error in errors:
        click.echo(error, err=True)
    click.echo(f"feeds: {report.summary()}")
    if errors:
        sys.exit(1)


commands = [ingest_file, feeds, feeds_load]
