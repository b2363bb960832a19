"""`rrm mobilize ...`: import the network from CSV, print figures, show and add duty shifts."""

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


@mobilize.command("rota")
@click.option("--add", "officer", default="", help="Add a shift for this officer (a console account's email).")
@click.option("--name", default="", help="The officer's name, for the rota and the alert emails.")
@click.option("--level", default=1, show_default=True, help="1 is alerted first, 2 if level 1 does not acknowledge...")
@click.option("--start", "start", default="", help="Shift start, UTC, e.g. 2026-12-01T08:00.")
@click.option("--hours", default=12.0, show_default=True, help="Shift length in hours.")
def rota(officer: str, name: str, level: int, start: str, hours: float) -> None:
    """Who is on call now and the next seven days' shifts; with --add, add a shift first."""
    from datetime import UTC, datetime, timedelta

    from bus.records import utcnow
    from db.engine import make_engine, session_factory, transaction

    from .incident import MobilizeError
    from .oncall import levels_on_call, save_shift, shifts_between

    settings = get_settings()
    engine = make_engine(settings.database_url)
    now = utcnow()
    try:
        sessions = session_factory(engine)
        if officer:
            try:
                begins = datetime.strptime(start, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC) if start else now
                with transaction(sessions) as session:
                    save_shift(session, officer_email=officer, officer_name=name, level=level, starts_at=begins,
                               ends_at=begins + timedelta(hours=hours), created_by="rrm mobilize rota", now=now)
            except ValueError as exc:  # a bad date, or MobilizeError's sentence
                message = str(exc) if isinstance(exc, MobilizeError) else "--start is a UTC time such as " \
                    "2026-12-01T08:00"
                raise click.ClickException(message) from None
            click.echo(f"Shift added for {officer}.")
        with sessions() as session:
            on_call = levels_on_call(session, now)
            shifts = shifts_between(session, now, now + timedelta(days=7))
    finally:
        engine.dispose()
    click.echo("On call now: " + ("; ".join(f"level {lv}: " + ", ".join(n or e for e, n in people)
                                            for lv, people in sorted(on_call.items()))
                                  or "nobody (alerts go to RRM_MOBILIZE__OFFICER_EMAIL)"))
    for shift in shifts:
        click.echo(f"  {shift.starts_at:%a %d %b %H:%M} - {shift.ends_at:%a %d %b %H:%M} UTC  level {shift.level}  "
                   f"{shift.officer_name or shift.officer_email}" + (f"  ({shift.note})" if shift.note else ""))


commands = [mobilize]
