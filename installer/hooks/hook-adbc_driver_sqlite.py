"""Ship ADBC's SQLite driver library (the import's bulk path, reviewer/store/staging.py) beside its package."""
from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs

binaries = collect_dynamic_libs("adbc_driver_sqlite")
# The package reads its version from this file at import time (it is not only a module).
datas = collect_data_files("adbc_driver_sqlite", include_py_files=True, includes=["_static_version.py"])
hiddenimports = ["adbc_driver_sqlite.dbapi", "adbc_driver_manager.dbapi"]
