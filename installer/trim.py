"""What the desktop build leaves out, as data the spec applies.

Rule: leave out what Reviewer's own code never uses. Optional pieces of Qt and pyarrow are
left out unless a module under reviewer/ names them, so a new feature that starts using,
say, QtSvg or pyarrow.parquet gets it in the next build without touching this file.
"""
from __future__ import annotations

import functools
import sys
from pathlib import PurePath

from buildinfo import ROOT

# Never needed at run time: development tools, test frameworks, other GUI toolkits.
ALWAYS_EXCLUDED = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data", "test",
    "pytest", "_pytest", "pytestqt", "hypothesis", "pypdf", "importlinter", "grimp",
    "IPython", "matplotlib", "pandas", "scipy", "PyInstaller", "setuptools", "pkg_resources",
    "numpy.f2py", "numpy.testing", "numpy.distutils",
    "sqlalchemy.testing", "alembic.testing",
    # SQLAlchemy's hook adds every dialect; Reviewer speaks SQLite and PostgreSQL only.
    "sqlalchemy.dialects.mysql", "sqlalchemy.dialects.mssql", "sqlalchemy.dialects.oracle",
    "MySQLdb", "pysqlite2",
    # Mako (Alembic's templates) offers syntax colouring of template errors through Pygments.
    "mako.ext", "pygments",
    # reportlab.lib.colors runs its doctests when run as a script.
    "doctest", "pdb",
]

# Qt modules left out unless reviewer/ names them (PySide6-Essentials has no WebEngine,
# 3D or Multimedia, but the full PySide6 wheel does).
QT_OPTIONAL = [
    "QtQml", "QtQuick", "QtQuickControls2", "QtQuickWidgets", "QtQuickTest", "QtQmlFeatures",
    "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets",
    "Qt3DCore", "Qt3DRender", "Qt3DInput", "Qt3DLogic", "Qt3DAnimation", "Qt3DExtras",
    "QtMultimedia", "QtMultimediaWidgets", "QtSpatialAudio", "QtTextToSpeech",
    "QtPdf", "QtPdfWidgets", "QtCharts", "QtDataVisualization", "QtGraphs", "QtGraphsWidgets",
    "QtDesigner", "QtHelp", "QtUiTools", "QtTest", "QtSql", "QtNetwork", "QtNetworkAuth",
    "QtOpenGL", "QtOpenGLWidgets", "QtSvg", "QtSvgWidgets", "QtXml", "QtConcurrent",
    "QtBluetooth", "QtNfc", "QtPositioning", "QtLocation", "QtSensors", "QtSerialPort",
    "QtSerialBus", "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtHttpServer",
    "QtLabsStyleKit", "QtAxContainer", "QtDBus",
]

# pyarrow pieces left out unless reviewer/ names them (Reviewer uses pyarrow.csv and
# pyarrow.compute). pyarrow.acero always stays: Table.group_by, join and filter load it
# lazily. Their Python modules go, and with them the libraries only they need (Flight, S3);
# the libraries libarrow_python links against (acero, dataset, parquet, substrait) stay.
# pyarrow.dataset, pyarrow.fs (local files only) and pyarrow.json always stay too: ADBC's
# DB-API module (the SQLite import path, reviewer/store/staging.py) imports pyarrow.dataset,
# which needs _fs and _json.
PYARROW_OPTIONAL = {
    "flight": ["pyarrow.flight", "pyarrow._flight"],
    "parquet": ["pyarrow.parquet", "pyarrow._parquet", "pyarrow._parquet_encryption"],
    "dataset": ["pyarrow._dataset_orc", "pyarrow._dataset_parquet", "pyarrow._dataset_parquet_encryption"],
    "substrait": ["pyarrow.substrait", "pyarrow._substrait"],
    "orc": ["pyarrow.orc", "pyarrow._orc"],
    "feather": ["pyarrow.feather", "pyarrow._feather"],
    "gandiva": ["pyarrow.gandiva"],
    "cuda": ["pyarrow.cuda", "pyarrow._cuda"],
    "fs": ["pyarrow._s3fs", "pyarrow._gcsfs", "pyarrow._azurefs", "pyarrow._hdfs"],
    "jvm": ["pyarrow.jvm"],
    "benchmark": ["pyarrow.benchmark"],
    "interchange": ["pyarrow.interchange"],
}
PYARROW_ALWAYS_EXCLUDED = ["pyarrow.tests", "pyarrow._pyarrow_cpp_tests", "pyarrow.conftest"]

# Pillow stays when reportlab does (reportlab imports it at start-up, and needs it for PNG
# and JPEG pictures); these optional parts of it go unless reviewer/ uses Pillow itself.
PILLOW_OPTIONAL = [
    "PIL._avif", "PIL._webp", "PIL._imagingcms", "PIL._imagingft", "PIL._imagingtk",  # ~9 MB of codecs
    "PIL.ImageTk", "PIL.ImageQt", "PIL.ImageShow",
]

# Qt plugins kept, by plugin folder; any plugin folder not listed here is kept whole
# (styles, printsupport, tls ... come only with the Qt modules that need them).
QT_PLUGINS_KEPT = {
    "platforms": ["offscreen", "xcb", "windows", "cocoa"],
    "imageformats": ["ico"],  # PNG and BMP are built into QtGui
    "iconengines": [],
    "platforminputcontexts": ["compose"],  # dead keys and accents on Linux
    "platformthemes": [],  # GTK/portal themes pull in GTK; Qt's own dialogs suffice
    "generic": [],  # touch screens (evdev, tuio)
    "egldeviceintegrations": [],  # embedded EGL full-screen only
    "wayland-decoration-client": [],  # Wayland sessions run the xcb plugin through XWayland
    "wayland-graphics-integration-client": [],
    "wayland-shell-integration": [],
    "qmltooling": [],
}


@functools.lru_cache(maxsize=None)
def _app_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in (ROOT / "reviewer").rglob("*.py"))


def app_uses(name: str) -> bool:
    """Whether any module under reviewer/ mentions `name` (e.g. 'QtSvg', 'pyarrow.parquet')."""
    return name in _app_source()


def _pyarrow_excluded() -> list[str]:
    names = list(PYARROW_ALWAYS_EXCLUDED)
    for feature, modules in PYARROW_OPTIONAL.items():
        if not app_uses(f"pyarrow.{feature}"):
            names += modules
    return names


def pyarrow_module_wanted(name: str) -> bool:
    """Filter for the pyarrow hook (installer/hooks/hook-pyarrow.py)."""
    if name.rsplit(".", 1)[-1].startswith("lib") and name != "pyarrow.lib":
        return False  # libarrow_python*.so are shared libraries, not modules
    return not any(name == x or name.startswith(x + ".") for x in _pyarrow_excluded())


def excludes() -> list[str]:
    """Module names for Analysis(excludes=...)."""
    names = list(ALWAYS_EXCLUDED) + _pyarrow_excluded()
    names += [f"PySide6.{m}" for m in QT_OPTIONAL if not app_uses(m)]
    if not (app_uses("reportlab") or app_uses("PIL")):
        names.append("PIL")  # openpyxl needs it only for pictures in workbooks
    elif not app_uses("PIL"):
        names += PILLOW_OPTIONAL
    if not app_uses("lxml"):
        names.append("lxml")  # openpyxl takes it when installed; its own writer needs none
    return names


def keep_qt_plugin(plugin_type: str, filename: str) -> bool:
    """Filter for Qt plugins, applied before PyInstaller follows their library dependencies."""
    kept = QT_PLUGINS_KEPT.get(plugin_type)
    if kept is None:
        return True
    if plugin_type in ("imageformats", "iconengines") and (app_uses("svg") or app_uses("Svg")):
        kept = [*kept, "svg"]  # SVG icons or QtSvg
    stem = PurePath(filename).name.split(".")[0].lower()
    return any(word in stem for word in kept)


def keep_data(dest: str) -> bool:
    """Filter for Analysis.datas entries (dest is the path inside the bundle)."""
    parts = PurePath(dest).parts
    if "translations" in parts and parts[:1] in (("PySide6",), ("PyQt6",)):
        return False  # the app is in English; Qt's own strings need no translation
    if parts[:1] == ("resources",) and PurePath(dest).suffix in (".ico", ".icns"):
        return False  # embedded in the executable / .app instead
    return True


def keep_binary(dest: str) -> bool:
    """Filter for Analysis.binaries entries."""
    name = PurePath(dest).name.lower()
    if sys.platform == "win32" and name == "opengl32sw.dll" and not (app_uses("OpenGL") or app_uses("QtQuick")):
        return False  # 20 MB software OpenGL; widgets draw without OpenGL
    return True
