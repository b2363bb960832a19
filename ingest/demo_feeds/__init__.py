"""The demo's fictional outlets: one TOML file each (package data read by ingest/demo_server.py)."""
