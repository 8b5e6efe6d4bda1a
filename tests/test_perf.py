"""A build pauses the garbage collector, and leaves what it kept out of the next
collection's way (frozen) until the next build."""

from __future__ import annotations

import gc

from mapgen.pipeline.speed import gc_paused


def test_a_pause_freezes_what_is_alive_after_and_thaws_it_before_the_next():
    assert gc.isenabled()
    try:
        with gc_paused():
            assert not gc.isenabled()
            kept = [[n] for n in range(1000)]
            assert gc.get_freeze_count() == 0
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
        with gc_paused():  # the next build puts them back in the oldest generation
            assert gc.get_freeze_count() == 0
            with gc_paused():  # a pause inside a pause changes nothing when it ends
                pass
            assert not gc.isenabled() and gc.get_freeze_count() == 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_caller_that_paused_the_collector_keeps_it_paused_and_nothing_is_frozen():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
