"""ingest/: news feeds in, clean de-duplicated articles on the bus (`articles.ingested`).

`model` (pure normalization) and `fastfeed` (the fast XML reader) · `dedupe` (near-duplicates) · `handlers` (the
registry and the store, through the outbox) · `adapters` (`HttpFeedFetcher`) · `schedule` (the APScheduler poller)
· `queries` (pages) · `tables` · `bootstrap` (the worker) · `demo`, `demo_server`, `demo_feeds/` (the demo's
outlets) · `cli` (`rrm ingest-file`, `rrm feeds`, `rrm feeds-load`). See docs/ingest.md.
"""
