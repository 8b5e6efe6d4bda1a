"""Keeping big builds fast.

A 100,000-place story makes millions of small objects (places, quotes, positions, the
page's rows) and drops few of them before the build ends.  Python's cyclic garbage
collector, run every few hundred allocations, walks ever more of them: more than half of
loading such a story went there.  A build pauses it; nothing a build makes is a cycle that
must be freed before the build is done, and the collector runs again after.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside (a decorator too); restore it after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
