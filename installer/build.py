"""Build the self-contained Reviewer desktop bundle (PyInstaller, one folder).

    python installer/build.py            -> installer/dist/reviewer/ and an archive beside it
    python installer/build.py --smoke    ... then smoke-test the bundle (installer/smoke.py)

Run it with the Python that has Reviewer's dependencies and PyInstaller
(`pip install -e '.[installer]'`). On Windows it also compiles the Inno Setup installer when
ISCC.exe is found. See installer/README.md.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import buildinfo  # noqa: E402
from buildinfo import BUNDLE_DIR, DIST, INSTALLER, ROOT, SPEC, WORK  # noqa: E402

# What goes into the bundle: the app, its resources, and what the spec reads.
SOURCES = [ROOT / "reviewer", ROOT / "resources", ROOT / "pyproject.toml", SPEC, INSTALLER / "hooks",
           INSTALLER / "buildinfo.py", INSTALLER / "trim.py", INSTALLER / "reviewer_entry.py"]


def newest_source_mtime() -> float:
    """Latest modification time of anything that goes into the bundle."""
    files = [p for s in SOURCES for p in ([s] if s.is_file() else s.rglob("*"))]
    return max(p.stat().st_mtime for p in files if p.is_file() and "__pycache__" not in p.parts)


def bundle_is_fresh() -> bool:
    exe = buildinfo.executable()
    return exe.exists() and exe.stat().st_mtime >= newest_source_mtime()


def ensure_icons() -> None:
    import make_icons

    if make_icons.icons_missing():
        for path in make_icons.make_icons():
            print(f"icon: wrote {path.relative_to(ROOT)}")


def run_pyinstaller(clean: bool) -> None:
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
           "--distpath", str(DIST), "--workpath", str(WORK)]
    subprocess.run(cmd + (["--clean"] if clean else []), check=True, cwd=ROOT)
    os.utime(buildinfo.executable())  # the freshness check compares against this


def strip_symbols(folder: Path) -> int:
    """Strip the symbol tables some shared libraries ship with (pyarrow's: ~50 MB); Linux only.

    Only files that have a symbol table are touched, and never those auditwheel vendored into
    *.libs folders: stripping those breaks them (numpy's OpenBLAS then fails to load), which
    is why PyInstaller's own strip option stays off.
    """
    strip, readelf = shutil.which("strip"), shutil.which("readelf")
    if not (strip and readelf):
        print("no strip/readelf (binutils) on PATH: the bundle keeps its symbol tables")
        return 0
    saved = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.parent.name.endswith(".libs"):
            continue
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        sections = subprocess.run([readelf, "-S", "-W", str(path)], capture_output=True, text=True).stdout
        if " .symtab " not in sections:
            continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def add_linux_desktop_entry() -> None:
    """The .desktop file and icon go in the folder, for /usr/share/applications (README)."""
    shutil.copy2(INSTALLER / "linux" / "reviewer.desktop", BUNDLE_DIR / "reviewer.desktop")
    shutil.copy2(ROOT / "resources" / "icons" / "reviewer.png", BUNDLE_DIR / "reviewer.png")


def make_archive(version: str) -> Path:
    """tar.gz on Linux (keeps the symlinks PyInstaller makes), zip elsewhere."""
    stem = DIST / f"reviewer-{version}-{buildinfo.platform_tag()}"
    if sys.platform.startswith("linux"):
        archive = stem.with_name(stem.name + ".tar.gz")
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(BUNDLE_DIR, arcname=BUNDLE_DIR.name)
        return archive
    if sys.platform == "darwin":  # ditto keeps the .app's symlinks and signature
        archive = stem.with_name(stem.name + ".zip")
        subprocess.run(["ditto", "-c", "-k", "--keepParent", str(DIST / f"{buildinfo.APP_NAME}.app"),
                        str(archive)], check=True)
        return archive
    return Path(shutil.make_archive(str(stem), "zip", DIST, BUNDLE_DIR.name))


def inno_setup(version: str) -> Path | None:
    """Compile installer/windows/reviewer.iss when Inno Setup is installed (Windows only)."""
    iscc = shutil.which("ISCC") or next(
        (str(p) for p in Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")).glob("Inno Setup */ISCC.exe")),
        None,
    )
    if not iscc:
        print("Inno Setup (ISCC.exe) not found: skipped the setup.exe (see installer/README.md)")
        return None
    subprocess.run([iscc, f"/DAppVersion={version}", f"/DBundleDir={BUNDLE_DIR}", f"/O{DIST}",
                    str(INSTALLER / "windows" / "reviewer.iss")], check=True)
    return DIST / f"reviewer-{version}-setup.exe"


def folder_size(path: Path) -> int:
    """Bytes on disk in a folder, symlinks counted once (as links)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Reviewer desktop bundle.")
    parser.add_argument("--smoke", action="store_true", help="smoke-test the bundle after building")
    parser.add_argument("--if-stale", action="store_true", help="reuse the bundle if it is newer than every source")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--no-archive", action="store_true", help="skip the archive / setup.exe")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("PyInstaller") is None:
        print("PyInstaller is not installed here: pip install -e '.[installer]'", file=sys.stderr)
        return 2
    version = buildinfo.read_version()
    started = time.monotonic()
    if args.if_stale and bundle_is_fresh():
        print(f"reusing {BUNDLE_DIR} (newer than every source)")
    else:
        ensure_icons()
        run_pyinstaller(args.clean)
        if sys.platform.startswith("linux"):
            print(f"stripped {_mb(strip_symbols(BUNDLE_DIR))} of debug symbols")
            add_linux_desktop_entry()
        if not args.no_archive:
            archive = make_archive(version)
            print(f"archive: {archive} ({_mb(archive.stat().st_size)})")
            if sys.platform == "win32":
                inno_setup(version)
        print(f"built Reviewer {version} in {time.monotonic() - started:.0f} s: "
              f"{BUNDLE_DIR} ({_mb(folder_size(BUNDLE_DIR))})")
    if args.smoke:
        import smoke

        return smoke.main([str(buildinfo.executable())])
    return 0


if __name__ == "__main__":
    sys.exit(main())
