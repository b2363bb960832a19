"""Settings and logging for Rapid Response: one frozen settings object, read from `RRM_` variables."""
