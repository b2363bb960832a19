"""mobilize stage."""
