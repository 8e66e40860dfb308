"""Reviewer: clear Proposition 64 cannabis convictions."""

__version__ = "0.1.0"
