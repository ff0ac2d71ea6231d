"""Random streams: keyed by (seed, replication, name), reproducible, independent by name."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from sim.streams import CandidateDraws, stream


def test_same_key_gives_the_same_draws():
    """stream(seed, replication, name) is a pure function of its key."""
    a = stream(3, 7, "inbound.candidates").random(1000)
    b = stream(3, 7, "inbound.candidates").random(1000)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "other",
    [(4, 7, "inbound.candidates"), (3, 8, "inbound.candidates"), (3, 7, "outbound.candidates")],
    ids=["seed", "replication", "name"],
)
def test_changing_any_part_of_the_key_gives_other_draws(other):
    """Another seed, replication or name is another stream."""
    a = stream(3, 7, "inbound.candidates").random(1000)
    b = stream(*other).random(1000)
    assert not np.array_equal(a, b)
    assert not np.isin(a, b).any()


def test_streams_of_different_names_are_uncorrelated():
    """Draws of differently named streams show no correlation (|r| < 4 / sqrt(n))."""
    n = 200_000
    names = ["effects.salesops", "effects.revops", "inbound.accept", "inbound.win", "x"]
    draws = np.array([stream(1, 0, name).random(n) for name in names])
    r = np.corrcoef(draws)
    off = r[~np.eye(len(names), dtype=bool)]
    assert np.abs(off).max() < 4 / np.sqrt(n)


def test_a_stream_does_not_depend_on_draws_made_from_another():
    """Drawing from one stream leaves every other stream's sequence as it was (CRN)."""
    expected = stream(2, 1, "b").standard_normal(100)
    stream(2, 1, "a").random(10_000)
    a = stream(2, 1, "a")
    a.random(5)
    np.testing.assert_array_equal(stream(2, 1, "b").standard_normal(100), expected)


def test_negative_seed_or_replication_is_refused():
    """Seeds and replication numbers are non-negative integers."""
    with pytest.raises(ValueError):
        stream(-1, 0, "x")
    with pytest.raises(ValueError):
        stream(0, -1, "x")


def test_streams_are_the_same_in_another_process():
    """Stream names are keyed by a stable hash, not Python's salted hash(): same in any process."""
    code = "from sim.streams import stream; print(repr(stream(9, 2, 'inbound.win').random()))"
    here = repr(stream(9, 2, "inbound.win").random())
    for salt in ("0", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": salt, "PATH": ""},
            check=True,
            timeout=60,
        )
        assert out.stdout.strip() == here


# --------------------------------------------------------------------------- per-candidate draws
def test_candidate_draws_are_cached_and_reproducible():
    """A candidate's attribute is drawn once; a new CandidateDraws object redraws it identically."""
    d = CandidateDraws(1, 0, "inbound", 500)
    u = d.uniform("win")
    assert d.uniform("win") is u
    assert u.shape == (500,)
    np.testing.assert_array_equal(CandidateDraws(1, 0, "inbound", 500).uniform("win"), u)


def test_candidate_k_keeps_its_draws_whatever_the_number_of_candidates():
    """Candidate k's draws do not depend on how many candidates there are (prefix property)."""
    small, large = CandidateDraws(4, 2, "inbound", 100), CandidateDraws(4, 2, "inbound", 300)
    np.testing.assert_array_equal(small.uniform("qualify"), large.uniform("qualify")[:100])
    np.testing.assert_array_equal(small.normal("fit"), large.normal("fit")[:100])
    np.testing.assert_array_equal(small.exponential("churn"), large.exponential("churn")[:100])


def test_candidate_elements_and_sources_are_independent_streams():
    """Each element (and each source) has its own stream: different draws."""
    d = CandidateDraws(1, 0, "inbound", 1000)
    assert not np.array_equal(d.uniform("win"), d.uniform("qualify"))
    assert not np.array_equal(
        d.uniform("win"), CandidateDraws(1, 0, "outbound", 1000).uniform("win")
    )
    # the same element name drawn as a uniform and as a normal are cached separately
    assert d.normal("win").min() < 0


def test_candidate_distributions_have_their_moments():
    """uniform in [0, 1) mean 1/2, normal mean 0 sd 1, exponential mean 1, gamma mean = shape."""
    n = 200_000
    d = CandidateDraws(8, 0, "inbound", n)
    tol = 5 / np.sqrt(n)
    u = d.uniform("u")
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < tol
    z = d.normal("z")
    assert abs(z.mean()) < tol and abs(z.std() - 1) < 2 * tol
    e = d.exponential("e")
    assert e.min() >= 0 and abs(e.mean() - 1) < 2 * tol
    shape = np.where(np.arange(n) % 2 == 0, 0.5, 3.0)
    g = d.gamma("g", shape)
    assert abs(g[::2].mean() - 0.5) < 4 * tol and abs(g[1::2].mean() - 3.0) < 8 * tol


def test_exponential_blocks_are_independent_and_shaped():
    """Successive blocks of expansion gaps are n x 4 and differ from block to block."""
    d = CandidateDraws(1, 0, "inbound", 50)
    b0, b1 = d.exponential_block("expansion", 0), d.exponential_block("expansion", 1)
    assert b0.shape == b1.shape == (50, 4)
    assert not np.array_equal(b0, b1)
    assert d.exponential_block("expansion", 0) is b0
