"""Conservation under random valid scenarios: every lead in exactly one state, money for wins.

Scenarios are drawn at random: some fields anywhere in their sweep range or at an extreme,
every team effect a random range (prices, churn and cycles cut by up to 99%), effects
scaled up to 3x, so scaled cuts pass -100% and must be floored by the model. Invalid draws
are skipped; each valid one runs a random setup and must conserve leads and give finite
KPIs. The default run checks 40 scenarios;
tests/test_load.py runs 1,000 in CI.
"""

from __future__ import annotations

import math
import random

from conftest import base_dict, check_conservation, make_from

from sim.experiments import simulate
from sim.io import ScenarioError
from sim.levers import LEVERS
from sim.params.meta import field_meta, iter_scalar_paths

DEFAULT_COUNT = 40
SKIP = ("analysis.", "sources.", ".lead_share", ".effects.")


def _draw(rng: random.Random, path: str) -> object:
    meta = field_meta(path)
    low, high = meta.low, meta.high
    if low is None or high is None:
        return None
    roll = rng.random()
    if roll < 0.1:
        value = low
    elif roll < 0.15:
        value = high * 2
    else:
        value = rng.uniform(low, high)
    if meta.integer:
        return round(value)
    return value


def _effect_range(rng: random.Random, lever: str) -> list[float]:
    spec = LEVERS[lever]
    if spec.kind == "correlation":
        pts = [rng.uniform(0, 1) for _ in range(3)]
    elif spec.lowers:
        pts = [-rng.uniform(0, 0.99) for _ in range(3)]
    elif lever == "price":
        pts = [rng.uniform(-0.99, 0.5) for _ in range(3)]
    else:
        pts = [rng.uniform(-0.5, 1.0) for _ in range(3)]
    return sorted(pts)


def random_scenario(rng: random.Random):
    """A random scenario (or None when the draw is invalid, as many are)."""
    data = base_dict()
    example = make_from(data)
    paths = [p for p in iter_scalar_paths(example) if not any(s in p for s in SKIP)]
    changes: dict[str, object] = {}
    for path in rng.sample(paths, 15):
        value = _draw(rng, path)
        if value is not None:
            changes[path] = value
    for team in data["org"]["teams"].values():
        team["effects"] = {lever: _effect_range(rng, lever) for lever in team["effects"]}
    changes["org.effect_scale"] = rng.uniform(0, 3)
    changes["analysis.horizon_months"] = rng.randint(3, 12)
    changes["sales.warmup_months"] = rng.choice([0, 3, 6])
    changes["market.inbound_mqls_per_month"] = rng.uniform(0, 300)
    changes["starting_customers.count"] = rng.choice([0, 0, 20])
    changes["starting_customers.mrr_each"] = rng.uniform(0, 5000)
    try:
        return make_from(data, **{k.replace(".", "__"): v for k, v in changes.items()})
    except ScenarioError:
        return None


def fuzz(count: int, seed: int = 0) -> tuple[int, list[str]]:
    """Check `count` valid random scenarios; (draws made, failures described)."""
    rng = random.Random(seed)
    failures: list[str] = []
    checked = draws = 0
    while checked < count:
        draws += 1
        scenario = random_scenario(rng)
        if scenario is None:
            continue
        checked += 1
        setup = rng.choice(scenario.setup_names)
        rep = rng.randrange(1000)
        try:
            run = simulate(scenario, setup, replication=rep, seed=draws)
            check_conservation(run.record, scenario, run.kpis)
            bad = [k for k, v in run.kpis.items() if isinstance(v, float) and math.isinf(v)]
            assert not bad, f"infinite KPIs {bad}"
            assert math.isfinite(run.kpis["cumulative_contribution"])
        except Exception as err:  # collected: the test lists every failure
            failures.append(f"draw {draws} ({setup}, rep {rep}): {type(err).__name__}: {err}")
    return draws, failures


def test_random_valid_scenarios_conserve_leads_and_money():
    draws, failures = fuzz(DEFAULT_COUNT)
    assert failures == [], failures[:5]
    assert draws < 20 * DEFAULT_COUNT  # the generator mostly makes valid scenarios
