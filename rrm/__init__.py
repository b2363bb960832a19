"""The `rrm` command line and the process supervisor behind `rrm up`."""
