"""The once-per-process heap freeze (ui/boot.py): it freezes once, and what is made later is still collected."""

from __future__ import annotations

import gc
import weakref

import pytest

from tests.conftest import ROOT
from ui import boot


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector can free it


@pytest.fixture
def fresh_process_state(monkeypatch):
    """As in a new server process: nothing frozen yet. Unfreezes afterwards so other tests see a normal heap."""
    monkeypatch.setattr(boot, "_frozen", False)
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_first_call_freezes_the_heap_and_later_calls_do_not(fresh_process_state):
    assert gc.get_freeze_count() == 0
    assert boot.freeze_long_lived_heap() is True
    frozen = gc.get_freeze_count()
    assert frozen > 1000  # the imported libraries' objects at the least

    _Node()  # objects made after the first freeze must not be pinned by a second one
    assert boot.freeze_long_lived_heap() is False
    assert gc.get_freeze_count() == frozen


def test_garbage_made_after_the_freeze_is_still_collected(fresh_process_state):
    boot.freeze_long_lived_heap()
    node = _Node()
    ref = weakref.ref(node)
    del node
    gc.collect(2)  # what Streamlit runs after each script run
    assert ref() is None


def test_garbage_existing_at_freeze_time_is_freed_not_frozen(fresh_process_state):
    gc.disable()  # keep the automatic collector from freeing it first
    try:
        node = _Node()
        ref = weakref.ref(node)
        del node
        boot.freeze_long_lived_heap()
    finally:
        gc.enable()
    assert ref() is None


def test_the_router_freezes_after_loading_the_dataset(fresh_process_state):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert boot._frozen is True
    assert gc.get_freeze_count() > 0
