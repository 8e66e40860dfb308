"""Statute rules and county policy over domain records: pure functions, no I/O."""

ENGINE_VERSION = "1.2.2"
