"""A county's name as the engine compares it."""
from __future__ import annotations


def normalise_county(name: str) -> str:
    return " ".join(name.upper().split())
