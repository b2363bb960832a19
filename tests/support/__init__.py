"""Helpers shared by tests: running a faust app in a thread, reading topics with kafka-python."""
