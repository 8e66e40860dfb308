"""Files written for a user that hold personal data: readable by that user only, also over a file that was there."""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO


def open_private_text(path: str | Path) -> IO[str]:
    """`path` opened for writing UTF-8 text (CSV newline handling), made the owner's only (0600) before a row is
    written: a new file gets it from the umask, an existing one would keep its own mode otherwise."""
    fh = open(path, "w", newline="", encoding="utf-8")
    try:
        os.chmod(path, 0o600)
    except OSError:
        fh.close()
        raise
    return fh
