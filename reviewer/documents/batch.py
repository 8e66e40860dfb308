"""Rendering many cases: what a worker process runs (fonts and wording set up once per process)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.model import CaseFile, Office
from reviewer.documents.render import Rendered, render_case_file

_state: dict[str, Wording] = {}


def init_worker(font_dir: str, wording: dict[str, Any], office: Office) -> None:
    register_fonts(Path(font_dir))
    _state["wording"] = Wording(wording, office)


def render_chunk(items: list[tuple[CaseFile, str]]) -> list[Rendered]:
    """Render each (case, target path); returns each file's pages and bookmarks, in order."""
    wording = _state["wording"]
    return [render_case_file(case, wording, Path(target)) for case, target in items]
