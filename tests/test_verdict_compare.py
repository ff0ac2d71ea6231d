"""`compare` and `Comparison` (sim/verdict/compare.py): replications, looks, JSON, reassess.

Tiny simulations whose answers are known by construction: a free team with large effects
must win at once; a team with no effect and no cost must tie the baseline exactly.
"""

from __future__ import annotations

import importlib
import json

import pytest
from conftest import BOOST, GHOST, SPEC_KPIS, make, two_setup

from sim.answers import comparison_json
from sim.cache import RunCache
from sim.executors import SerialExecutor
from sim.verdict import Comparison, compare, reassess, separation_level

# the package re-exports the function `compare`, which hides the module of the same name
compare_module = importlib.import_module("sim.verdict.compare")

SETUPS = ("none", "salesops", "revops", "both")
SHORT = 6  # months: these tests check bookkeeping, not long-run economics


@pytest.fixture(scope="module")
def small():
    """The reference company over 6 months, 6 replications, with the gain attribution."""
    return compare(make(horizon_months=SHORT), 6, seed=11, workers=1)


def test_adaptive_replications_stop_early_on_a_clear_case():
    """A free team with large effects separates at once: 'auto' stops after the first look."""
    cmp_ = compare(
        two_setup(BOOST, SHORT),
        "auto",
        seed=5,
        batch=10,
        max_replications=40,
        workers=1,
        explain=False,
    )
    assert cmp_.replications == 10
    assert cmp_.verdict.best == "boost" and cmp_.verdict.separated
    assert cmp_.looks == len(cmp_.history) == 1
    assert cmp_.looks_possible == 4
    assert cmp_.separation_level == pytest.approx(separation_level(0.9, 4)) == pytest.approx(0.975)


def test_adaptive_replications_run_to_the_maximum_on_an_exact_tie():
    """A team with no effect and no cost ties the baseline exactly in every replication
    (common random numbers): 'auto' never separates them and runs to the maximum."""
    cmp_ = compare(
        two_setup(GHOST, SHORT),
        "auto",
        seed=5,
        batch=10,
        max_replications=30,
        workers=1,
        explain=False,
    )
    assert cmp_.replications == 30 and cmp_.looks == 3
    v = cmp_.results.objective("cumulative_contribution")
    assert (v["ghost"] - v["none"]).abs().max() == 0.0
    assert cmp_.verdict.separated is False
    assert not cmp_.verdict.separate_by.within_reach  # an exact tie: nothing would separate


def test_fixed_replications_run_exactly_that_many_and_bad_arguments_are_refused():
    """compare(replications=N) runs exactly N; N < 2, a bad objective or batch are errors."""
    sc = two_setup(GHOST, SHORT)
    assert compare(sc, 3, workers=1, explain=False).replications == 3
    with pytest.raises(ValueError, match="replications"):
        compare(sc, 1, workers=1, explain=False)
    with pytest.raises(ValueError, match="objective"):
        compare(sc, 3, objective="profit", workers=1, explain=False)
    with pytest.raises(ValueError, match="batch"):
        compare(sc, "auto", batch=1, workers=1)


def test_on_batch_sees_provisional_verdicts_before_the_end():
    """A fixed run with `on_batch` reports provisional comparisons on growing replications."""
    seen: list[Comparison] = []
    done = compare(
        two_setup(BOOST, SHORT),
        8,
        seed=2,
        batch=2,
        workers=1,
        explain=False,
        on_batch=seen.append,
    )
    assert [c.replications for c in seen] == [2, 4, 6]
    assert all(c.diagnostics == [] for c in seen)
    assert done.replications == 8 and done.diagnostics


def test_executor_and_cache_reach_every_run(monkeypatch):
    """`executor` and `cache` are handed on unchanged, to `run_replications` for the headline
    runs and to `run_lever_sets` for the attribution's re-runs alike."""
    import sim.verdict.attribution as attribution

    seen = []

    def spy(real):
        def run(*args, **kwargs):
            seen.append((kwargs.get("executor"), kwargs.get("cache")))
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(compare_module, "run_replications", spy(compare_module.run_replications))
    monkeypatch.setattr(attribution, "run_lever_sets", spy(attribution.run_lever_sets))
    executor, cache = SerialExecutor(), RunCache()
    compare(two_setup(BOOST, SHORT), 2, executor=executor, cache=cache)
    assert len(seen) == 2  # the headline; the cost-only run and every group in one pass
    assert all(e is executor and c is cache for e, c in seen)
    assert cache.misses > 0 and len(cache) == cache.misses  # every run went through it


def test_reassess_equals_a_fresh_comparison_and_simulates_nothing(small, monkeypatch):
    """Re-judging on another objective and confidence gives what a fresh run with those
    settings gives, without calling the simulation."""
    fresh = compare(
        make(horizon_months=SHORT),
        6,
        seed=11,
        objective="ending_arr",
        confidence=0.8,
        workers=1,
        explain=False,
    )

    def refuse(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(compare_module, "run_replications", refuse)
    again = reassess(small, "ending_arr", 0.8)
    assert again.objective == "ending_arr" and again.confidence == 0.8
    assert again.setups == fresh.setups
    assert again.verdict == fresh.verdict
    assert small.with_objective("ending_arr", 0.8).verdict == fresh.verdict


def test_comparison_json_has_the_spec_keys_and_every_spec_kpi(small):
    """The JSON answer carries the documented keys and KPI names, and is strict JSON (no NaN)."""
    out = comparison_json(small)
    text = json.dumps(out, allow_nan=False)  # raises on NaN / inf
    assert json.loads(text) == out
    for key in ("scenario", "seed", "replications", "horizon_months", "objective"):
        assert key in out
    assert (out["seed"], out["replications"], out["horizon_months"]) == (11, 6, SHORT)
    assert out["objective"] == "cumulative_contribution"
    assert {"best", "separated", "summary"} <= set(out["verdict"])
    assert isinstance(out["verdict"]["separated"], bool) and out["verdict"]["summary"]
    assert set(out["setups"]) == set(SETUPS)
    for name, s in out["setups"].items():
        assert {"mean", "p10", "p90"} <= set(s["objective"]), name
        assert {"mean", "low", "high"} <= set(s["vs_none"]), name
        assert 0.0 <= s["p_best"] <= 1.0
        missing = [k for k in SPEC_KPIS if k not in s["kpis"]]
        assert not missing, f"{name}: KPIs missing from the JSON: {missing}"
        for k in SPEC_KPIS:
            assert {"mean", "p10", "p90"} <= set(s["kpis"][k]), (name, k)
    assert sum(s["p_best"] for s in out["setups"].values()) == pytest.approx(1.0)
    assert out["diagnostics"]
    for d in out["diagnostics"]:
        assert {"signal", "value", "criterion", "text"} <= set(d)
        assert isinstance(d["criterion"], str) and isinstance(d["text"], str)


def test_comparison_json_adds_structured_facts_beside_the_sentences(small):
    """The JSON also holds the facts the sentences are made from: the gap, the separation
    level, what would separate the top two as data, criterion ids and figures."""
    out = comparison_json(small)
    v = out["verdict"]
    assert v["gap"] == small.verdict.gap.as_dict()
    assert v["separation_level"] == small.verdict.separation_level
    assert v["runner_up"] == small.verdict.runner_up
    if small.verdict.separated:
        assert v["separate_by"] is None
    else:
        assert set(v["separate_by"]) == {"replications", "replications_needed", "influential"}
    for d, fact in zip(out["diagnostics"], small.diagnostics, strict=True):
        assert d["criterion_id"] == fact.criterion
        assert d["figures"] == {k: pytest.approx(x) for k, x in fact.figures.items()}
        assert d["pressure"] == fact.pressure
    rows = {r["source"]: r for r in out["attribution"]}
    assert rows["total"]["mean"] == small.setups[v["explained_setup"]].vs_none.mean


def test_comparison_json_turns_undefined_figures_into_null():
    """An unlimited audience has no 'audience used': JSON gets null, never NaN."""
    cmp_ = compare(
        make(horizon_months=SHORT, market__audience_size=None), 2, workers=1, explain=False
    )
    out = comparison_json(cmp_)
    json.dumps(out, allow_nan=False)
    assert out["setups"]["none"]["kpis"]["audience_used"]["mean"] is None


def test_derived_tables_are_made_once_and_never_shared_for_writing(small):
    """The app's sessions read one answer's tables on every rerun: made once, handed out as
    copies, never carried to another comparison nor pickled."""
    import pickle

    first = small.kpi_table()
    first.loc[:, "mean"] = -1.0  # a reader scribbling on its copy
    again = small.kpi_table()
    assert (again["mean"] != -1.0).any()
    assert small.objectives() == small.objectives()
    assert small.objectives() is not small.objectives()
    assert set(small._memo) == {"kpi_table", "objectives"}
    other = small.with_objective("ending_arr")
    assert next(iter(other.objectives())) == "ending_arr"  # its own board, deciding one first
    assert next(iter(small.objectives())) == small.objective
    assert pickle.loads(pickle.dumps(small))._memo == {}
