"""Keeping big builds fast.

A 100,000-place story makes millions of small objects (places, quotes, positions, the
page's rows) and drops few of them before the build ends.  Python's cyclic garbage
collector, run every few hundred allocations, walks ever more of them: more than half of
loading such a story went there.  A build pauses it; nothing a build makes is a cycle that
must be freed before the build is done, and the collector runs again after.

The first collection after the build would still walk every object the build made and
kept (the story, the result): 0.15 s at 100,000 places, to find them all alive.  So the
build ends by freezing what is alive then (:func:`gc.freeze`: out of the collector's
sight, still freed as usual when no longer referred to), and the next build begins by
putting the frozen objects back in the oldest generation, which the collector walks
rarely, so a cycle left from one build is collected in time all the same.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside (a decorator too); restore it after,
    with what is alive then frozen (see above) until the next pause."""
    enabled = gc.isenabled()
    if enabled:
        gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
