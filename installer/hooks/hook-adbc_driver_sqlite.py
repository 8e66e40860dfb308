"""Ship ADBC's SQLite driver library (the import's bulk path, reviewer/store/staging.py) beside its package."""
from PyInstaller.utils.hooks import collect_dynamic_libs

binaries = collect_dynamic_libs("adbc_driver_sqlite")
hiddenimports = ["adbc_driver_sqlite.dbapi", "adbc_driver_manager.dbapi"]
