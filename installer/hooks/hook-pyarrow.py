"""Reviewer's pyarrow hook; it replaces the stock hook, which copies every pyarrow shared
library (Flight, S3: about 50 MB), the C++ headers and the Cython sources.

pyarrow's compiled modules import some of its Python modules at run time, out of
PyInstaller's sight, so every Python module is offered except the features Reviewer does not
use (installer/trim.py decides; the spec puts installer/ on sys.path). The shared libraries
the kept extension modules link against are found by PyInstaller's binary dependency analysis.
"""
from PyInstaller.utils.hooks import collect_submodules
from trim import pyarrow_module_wanted

hiddenimports = collect_submodules("pyarrow", filter=pyarrow_module_wanted)
