"""`rrm mobilize ...`: import the network from CSV, print figures."""

from __future__ import annotations

from pathlib import Path

import click

from config.settings import get_settings


@click.group("mobilize")
def mobilize() -> None:
    """The network and its mobilizations."""


@mobilize.command("import-network")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_network(csv_file: Path) -> None:
    """Import (or update, by email) network members from a CSV file; bad rows are listed and skipped."""
    from db.engine import make_engine, session_factory, transaction
    from links import make_links

    from .handlers import Deps
    from .network import import_csv

    settings = get_settings()
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file} is not UTF-8 text: save it as CSV UTF-8") from None
    engine = make_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            report = import_csv(session, Deps(settings=settings, links=make_links(settings, sessions)), text)
    finally:
        engine.dispose()
    for line, reason in report.errors:
        click.echo(f"  line {line}: {reason}", err=True)
    click.echo(report.summary())


@mobilize.command("figures")
def figures() -> None:
    """Time to first acceptance, to draft, to approval (medians, minutes) and response rates."""
    from db.engine import make_engine, session_factory

    from .queries import figures as compute

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            f = compute(session)
    finally:
        engine.dispose()
    for name, value in f.__dict__.items():
        click.echo(f"{name:26} {'-' if value is None else value}")


commands = [mobilize]
