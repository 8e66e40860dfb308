"""Facts about the desktop build shared by the spec, the build script and the smoke test.

The version is read from reviewer/__init__.py (the single source) without importing the
app, so the build script works before the app's dependencies are importable.
"""
from __future__ import annotations

import ast
import re
import platform
import sys
from pathlib import Path

INSTALLER = Path(__file__).resolve().parent
ROOT = INSTALLER.parent
DIST = INSTALLER / "dist"
WORK = INSTALLER / "build"
SPEC = INSTALLER / "reviewer.spec"
APP_NAME = "Reviewer"
BUNDLE_DIR = DIST / "reviewer"  # the one-folder build
CLI_NAME = "reviewer"  # console executable: the CLI, and the GUI when run without a command
GUI_NAME = "reviewer-gui"  # windowed executable (Windows, macOS): no console window behind the GUI


def read_version() -> str:
    """__version__ from reviewer/__init__.py."""
    tree = ast.parse((ROOT / "reviewer" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise RuntimeError("reviewer/__init__.py has no __version__")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'1.2.3rc1' -> (1, 2, 3, 0): the four numbers a Windows version resource holds."""
    numbers = []
    for part in version.split(".")[:4]:
        match = re.match(r"\d+", part)
        if not match:
            break
        numbers.append(int(match.group()))
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def executable(name: str = CLI_NAME) -> Path:
    """Path of a built executable inside the bundle folder (or the .app on macOS)."""
    suffix = ".exe" if sys.platform == "win32" else ""
    if sys.platform == "darwin":
        return DIST / f"{APP_NAME}.app" / "Contents" / "MacOS" / name
    return BUNDLE_DIR / f"{name}{suffix}"


def platform_tag() -> str:
    """e.g. linux-x86_64, windows-amd64, macos-arm64 (used in archive names)."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower()}"
