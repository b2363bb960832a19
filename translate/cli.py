"""`rrm translate ...`: check the configured translation backends from the command line."""

from __future__ import annotations

import click

from config.settings import get_settings


@click.group("translate")
def translate() -> None:
    """Machine translation of approved op-eds."""


@translate.command("check")
@click.option("--to", "target", default="fr", show_default=True, help="Target language code.")
@click.option("--from", "source", default="en", show_default=True, help="Source language code.")
@click.argument("text", default="Dialogue begins with listening.")
def check(target: str, source: str, text: str) -> None:
    """Translate TEXT with each configured backend in turn and say what each answered (nothing is stored)."""
    from .bootstrap import BackendConfigError, build_backend
    from .chain import TranslatorChain

    settings = get_settings()
    for name in settings.translate.backends:
        try:
            backend = build_backend(name, settings.translate)
        except (BackendConfigError, ValueError) as exc:
            click.echo(f"{name}: not usable: {exc}")
            continue
        outcome = TranslatorChain([backend], retries=0, per_second=settings.translate.requests_per_second) \
            .translate_document("", text, source, target)
        if outcome.machine:
            click.echo(f"{name}: {outcome.body}")
        else:
            click.echo(f"{name}: no translation ({'; '.join(outcome.notes)})")


commands = [translate]
