"""Pause Python's cycle collector during a bulk pass that builds many short-lived objects."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Evaluation builds hundreds of thousands of record, conviction and reason objects that die by reference
    counting; the cycle collector would walk every live one again and again as the rows accumulate. It is
    enabled again when the block ends, and then collects any cycle made meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
