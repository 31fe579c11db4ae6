"""The UI edge's shared memo: one view per dataset and arguments, and old datasets let go."""

from __future__ import annotations

from ui import common


def test_a_view_is_built_once_per_dataset_and_old_datasets_are_forgotten(monkeypatch):
    calls = []

    def build(ds, slugs):
        calls.append((ds, tuple(slugs)))
        return [ds, *slugs]

    first, second, third = object(), object(), object()
    current = [first]
    monkeypatch.setattr(common, "dataset", lambda: current[0])
    common._RECENT_DATASETS.clear()
    view = common._view(build, ["sydnarke"])
    assert common._view(build, ["sydnarke"]) is view  # a list argument is keyed as a tuple
    assert common._view(build, ["jamtland"]) is not view
    assert len(calls) == 2
    current[0] = second
    assert common._view(build, ["sydnarke"]) == [second, "sydnarke"]  # a new dataset: built again
    current[0] = third
    common._view(build, ["sydnarke"])
    assert not any(owner is first for owner, _ in common._MEMO.values())  # only the two latest are kept
    assert any(owner is second for owner, _ in common._MEMO.values())
    assert len(calls) == 4
