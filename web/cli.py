"""`rrm web`: the web server."""

from __future__ import annotations

import click

from config.settings import get_settings


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


commands = [web]
