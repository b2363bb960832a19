"""registry/'s commands: `rrm registry-import REGISTRY FILE.csv` and `rrm report --year YYYY --out DIR`."""

from __future__ import annotations

import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from . import model


@click.command("registry-import")
@click.argument("registry", type=click.Choice(sorted(model.MODELS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; publish nothing.")
def registry_import(registry: str, file: Path, dry_run: bool) -> None:
    """Import a CSV file into a registry: each good row is published as a registry command; bad rows are listed
    (row, field, reason) and nothing else is lost. Exit status 1 if any row was bad."""
    from kafka.errors import KafkaTimeoutError

    from bus.publisher import KafkaPublisher
    from config.settings import get_settings
    from db.engine import make_engine, session_factory

    from . import queries
    from .csvimport import import_csv

    settings = get_settings()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text: save the spreadsheet as CSV UTF-8") from None
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            report = import_csv(registry, text, lambda entity_id: queries.exists(session, registry, entity_id))
    finally:
        engine.dispose()
    if report.commands and not dry_run:
        publisher = KafkaPublisher(settings.kafka, client_id=f"{settings.kafka.client_id}-registry-import")
        try:
            sends = [publisher.publish("registry.commands", command) for command in report.commands]
            with contextlib.suppress(KafkaTimeoutError):  # sends still open are counted below
                publisher.flush(timeout=settings.kafka.request_timeout_s * 3)
            lost = sum(1 for send in sends if not send.is_done or send.failed())
        finally:
            publisher.close()
        if lost:  # flush() does not raise for a failed send: each send's future says whether the broker took it
            raise click.ClickException(f"the bus did not take {lost} of {len(sends)} command(s); nothing is lost "
                                       "in the file: run the import again (the registry ignores commands it applied)")
    for line in report.lines():
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing published")
    else:
        click.echo(f"published {len(report.commands)} command(s) to registry.commands; the registry worker applies "
                   "them (refusals go to the rejected topic)")
    sys.exit(1 if report.bad else 0)


@click.command("report")
@click.option("--year", type=int, default=lambda: datetime.now(UTC).year, show_default="this year",
              help="The year the report covers.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("var/reports"),
              show_default=True, help="Folder for report-YEAR.html and report-YEAR.pdf.")
def report(year: int, out_dir: Path) -> None:
    """Write the High Representative's yearly report (HTML and PDF, with charts)."""
    from config.settings import get_settings
    from db.engine import make_engine, session_factory

    from .report import PdfUnavailable, write_report

    if not 2000 <= year <= 2100:
        raise click.BadParameter("a year between 2000 and 2100", param_hint="--year")
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        html_path, pdf_path = write_report(session_factory(engine), year, out_dir)
    except PdfUnavailable as exc:
        raise click.ClickException(f"{exc}; the HTML report is in {out_dir}") from exc
    finally:
        engine.dispose()
    click.echo(f"report for {year}: {html_path} and {pdf_path}")


commands = [registry_import, report]
