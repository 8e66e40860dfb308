"""Render resources/icons/reviewer.svg to the icon files the builds need.

    python installer/make_icons.py

Writes reviewer.png (256 px, the window icon; also used by the Linux .desktop entry),
reviewer.ico (Windows executable and installer) and reviewer.icns (macOS .app) next to the
SVG. Qt renders the SVG at every size (crisper than scaling one bitmap down); Pillow, which
reportlab already installs, writes the .ico and .icns containers.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "reviewer.svg"
OUTPUTS = [ICONS / "reviewer.png", ICONS / "reviewer.ico", ICONS / "reviewer.icns"]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
ICNS_SIZES = [16, 32, 64, 128, 256, 512, 1024]


def icons_missing() -> bool:
    """True when an icon file is missing (the generated files are committed; after editing
    the SVG, run this script and commit them again)."""
    return not all(p.exists() for p in OUTPUTS)


def _render(size: int):
    """The SVG drawn at size x size, as a Pillow image."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def make_icons() -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - keeps Qt's font/paint setup alive
    renders = {size: _render(size) for size in sorted(set(ICO_SIZES + ICNS_SIZES))}
    png, ico, icns = OUTPUTS
    renders[256].save(png, optimize=True)
    renders[256].save(ico, sizes=[(s, s) for s in ICO_SIZES], append_images=[renders[s] for s in ICO_SIZES])
    renders[1024].save(icns, append_images=[renders[s] for s in ICNS_SIZES[:-1]])
    return OUTPUTS


if __name__ == "__main__":
    for path in make_icons():
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
