"""`rrm`: the command line of Rapid Response. `rrm --help` lists the commands."""

from __future__ import annotations

import contextlib
import os
import sys

import click

from config.settings import Settings, describe, get_settings

from . import stages
from .errors import explain


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Rapid Response: news feeds in, polarizing flashpoints flagged, the network mobilized, op-eds translated and
    sent to editors. Settings come from RRM_ environment variables (`rrm settings`)."""


@cli.command()
@click.option("--no-demo", is_flag=True, help="Seed no demo data and serve no demo feeds.")
def up(no_demo: bool) -> None:
    """Start everything: broker, topics, database, every stage's workers and the web console on :8000."""
    from .up import run_up

    sys.exit(run_up(get_settings(), demo=not no_demo))


@cli.command()
@click.option("--port", type=int, default=None, help="Port on 127.0.0.1 (default: RRM_KAFKA__EMBEDDED_PORT).")
def broker(port: int | None) -> None:
    """Run the embedded tansu broker in the foreground until Ctrl-C."""
    import signal
    import threading

    from bus.broker import EmbeddedBroker
    from config.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with EmbeddedBroker(port=port or settings.kafka.embedded_port) as b:
        click.echo(f"embedded broker listening on {b.bootstrap_servers} (Ctrl-C stops it)")
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


@cli.command()
@click.option("--markdown", is_flag=True, help="Print the catalog as Markdown (docs/events.md).")
@click.option("--create", is_flag=True, help="Create the catalog's missing topics on the configured broker.")
def topics(markdown: bool, create: bool) -> None:
    """List the topic catalog, or create the topics."""
    from bus import catalog

    settings = get_settings()
    if markdown:
        click.echo(catalog.markdown(settings.kafka.topic_prefix), nl=False)
        return
    if create:
        from bus.admin import ensure_topics
        from bus.broker import wait_for_kafka

        wait_for_kafka(settings.kafka.servers, timeout=15)
        created = ensure_topics(settings.kafka)
        click.echo(f"created {len(created)} topic(s) on {settings.kafka.servers}")
        return
    for t in catalog.TOPICS:
        click.echo(f"{t.full_name(settings.kafka.topic_prefix):40} {t.record.__name__:22} key={t.key}")


@cli.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    from db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    click.echo("database is up to date")


@cli.command()
@click.argument("stage")
def worker(stage: str) -> None:
    """Run one stage's worker process (what `rrm up` starts for each stage)."""
    if stage == "relay":
        from .relay import run_relay

        run_relay(get_settings())
        return
    if stage not in stages.worker_stages():
        raise click.BadParameter(f"unknown stage {stage!r}; stages with workers: "
                                 f"{', '.join(stages.worker_stages()) or 'none'}, relay")
    stages.worker_main(stage).main(get_settings())


@cli.command()
@click.option("--markdown", is_flag=True, help="Print as Markdown (docs/settings.md).")
def settings(markdown: bool) -> None:
    """Check the current settings, then list every setting with its variable, default and meaning."""
    get_settings()  # bad values stop here with one line naming the variable
    rows = describe(Settings)
    if markdown:
        click.echo("| variable | default | meaning |\n| --- | --- | --- |")
        for var, default, doc in rows:
            click.echo(f"| `{var}` | `{default}` | {doc} |")
        return
    for var, default, doc in rows:
        click.echo(f"{var}={default}\n    {doc}")


@cli.command()
def docs() -> None:
    """Regenerate docs/events.md and docs/settings.md from the code."""
    from .docs import write_docs

    for path in write_docs():
        click.echo(f"wrote {path}")


def _add_stage_commands() -> None:
    for module in stages.cli_modules():
        for command in getattr(module, "commands", ()):
            cli.add_command(command)


def main() -> None:
    """Entry point of the console script: bad input and bad settings give one line and a non-zero exit."""
    _add_stage_commands()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException as exc:
        message = explain(exc)
        if message is None or os.environ.get("RRM_DEBUG"):
            raise
        click.echo(f"rrm: error: {message}", err=True)
        sys.exit(2)
