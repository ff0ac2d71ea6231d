"""The one dotted-path helper (`sim.params.paths`): read, test, write and walk plain data."""

from __future__ import annotations

import pytest

from sim.params.paths import PathError, get_path, has_path, set_path, walk_paths


def test_get_and_has_follow_list_items_and_keys():
    data = {"segments": [{"win_rate": 0.2, "note": None}], "reps": 8}
    assert get_path(data, "segments.0.win_rate") == 0.2
    assert has_path(data, "segments.0.note") and get_path(data, "segments.0.note", 5) is None
    assert not has_path(data, "segments.1") and get_path(data, "segments.1.x", "-") == "-"
    assert not has_path(data, "reps.x")


def test_set_creates_blocks_only_when_asked_and_names_the_failing_part():
    data = {"market": None, "segments": [{}], "reps": 8}
    set_path(data, "market.audience_size", 100, create=True)
    assert data["market"] == {"audience_size": 100}
    set_path(data, "segments.0.win_rate", 0.3)
    assert data["segments"][0]["win_rate"] == 0.3
    with pytest.raises(PathError, match=r"^org: no such block"):
        set_path(data, "org.teams", {})
    with pytest.raises(PathError, match=r"^segments\.2: no list item 2 \(the list has 1\)"):
        set_path(data, "segments.2.win_rate", 0.3)
    with pytest.raises(PathError, match=r"^reps\.x: cannot set a key inside a plain value"):
        set_path(data, "reps.x", 1, create=True)


def test_walk_lists_every_leaf_with_its_path():
    assert list(walk_paths({"a": [1, {"b": 2}], "c": None})) == [
        ("a.0", 1),
        ("a.1.b", 2),
        ("c", None),
    ]
