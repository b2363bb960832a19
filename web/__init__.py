"""Every HTTP entrypoint: the duty-officer console, member and editor links, webhooks, operator dashboards."""
