"""`rrm web` (the web server) and `rrm user` (console accounts)."""

from __future__ import annotations

import click

from config.settings import get_settings

from .roles import ROLES


@click.command("web")
@click.option("--port", type=int, default=None, help="Port (default: RRM_WEB__PORT).")
def web(port: int | None) -> None:
    """Run the web console, links, webhooks and dashboards."""
    import uvicorn

    from config.logging import configure_logging

    from .app import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(create_app(settings), host=settings.web.host, port=port or settings.web.port, log_config=None,
                access_log=False, proxy_headers=False, timeout_graceful_shutdown=10)


@click.group("user")
def user() -> None:
    """Console accounts (duty officers, operators, admins)."""


def _sessions():
    from db.engine import make_engine, session_factory

    return session_factory(make_engine(get_settings().database_url))


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(list(ROLES)), required=True,
              help="What the account may do (a donor sees only the project pipeline and funding gaps).")
@click.option("--name", default="", help="Display name.")
@click.option("--password", default=None, help="Password (prompted, hidden, when left out).")
def user_add(email: str, role: str, name: str, password: str | None) -> None:
    """Create a console account."""
    from .auth import AccountError, add_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with _sessions()() as session, session.begin():
            add_user(session, email, password, role, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"account {email.strip().lower()} ({role}) created")


@user.command("password")
@click.argument("email")
@click.option("--password", default=None, help="New password (prompted, hidden, when left out).")
def user_password(email: str, password: str | None) -> None:
    """Set a console account's password (its other sessions end)."""
    from .auth import AccountError, set_password

    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with _sessions()() as session, session.begin():
            set_password(session, email, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"password of {email.strip().lower()} changed")


@user.command("list")
def user_list() -> None:
    """List console accounts."""
    from sqlalchemy import select

    from .tables import WebUser

    with _sessions()() as session:
        for account in session.scalars(select(WebUser).order_by(WebUser.email)):
            click.echo(f"{account.email:40} {account.role:13} {'active' if account.active else 'disabled'}")


commands = [web, user]
