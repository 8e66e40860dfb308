"""Find files shipped under `resources/` (installed, editable or frozen alike)."""
from __future__ import annotations

from importlib import resources as _res
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path to a shipped resource, e.g. resource_path('policies', 'los-angeles-pilot-2019.json')."""
    base = _res.files("resources")
    return Path(str(base.joinpath(*parts)))


def shipped_policies() -> dict[str, Path]:
    """Shipped policy files by short name (file name without .json)."""
    folder = resource_path("policies")
    return {p.stem: p for p in sorted(folder.glob("*.json"))}
