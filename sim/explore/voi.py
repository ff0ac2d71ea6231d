"""Value of information: what it is worth to learn something before choosing a setup.

The uncertain parameters are the teams' effects, drawn afresh in every simulated future
(`sim.org.draw_team_effects`), so one set of replications serves every estimate:

* **EVPI** — the expected value of perfect information — is the expected regret of the setup
  that is best on average: the mean, over futures, of (the best setup in that future minus
  the chosen one). It is what knowing everything before deciding would be worth.
* **Partial EVPI** (EVPPI) of one parameter is the same with only that parameter known.
  Estimated by regression (Strong, Oakley & Brennan 2014): each setup's net benefit over the
  chosen one is regressed on the parameter's draws, and EVPPI = mean of the largest fitted
  value (the chosen setup's is zero). The regression is a least-squares cubic spline with
  knots at the draws' quartiles, in place of the paper's GAM; its fitted values average to
  the data's, so the estimate is never below zero, and it is capped at EVPI (the bound the
  exact value obeys, which a regression on few futures can overshoot). A team's whole
  effect set is one more row: an additive spline in all its levers.

World numbers given a range in the scenario's `uncertainty:` section are drawn per future
too (`sim.uncertainty`), so each of them gets a partial EVPI the same way, regressed on its
own draws. The other world numbers are fixed, so they carry no value of information here;
`sim.explore.tornado` and `breakeven` show how much they would move the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.explore.runs import RunOptions, facts_header, objective_table, run_variants
from sim.org import draw_team_effects
from sim.params import Scenario
from sim.uncertainty import world_draws_of
from sim.verdict.stats import Interval, mean_interval

KNOTS = 3
"""Interior knots of the spline (at the quartiles of the draws)."""


@dataclass(frozen=True)
class VoiRow:
    """The partial EVPI of one parameter.

    A team effect, all of one team's effects, or an uncertain world number (`team` None).
    """

    param: str
    team: str | None
    lever: str | None
    value: float


@dataclass(frozen=True)
class ValueOfInformation:
    """EVPI and partial EVPIs as facts."""

    scenario: Scenario
    objective: str
    confidence: float
    replications: int
    seed: int
    chosen: str
    evpi: Interval
    evppi: list[VoiRow]
    regret: dict[str, float]

    def facts(self) -> dict[str, Any]:
        """JSON-ready: chosen, evpi (a number), its interval, evppi rows by value."""
        return {
            **facts_header(self),
            "chosen": self.chosen,
            "evpi": self.evpi.mean,
            "evpi_interval": [self.evpi.low, self.evpi.high],
            "expected_regret": self.regret,
            "evppi": [
                {"param": r.param, "team": r.team, "lever": r.lever, "value": r.value}
                for r in self.evppi
            ],
        }


def spline_basis(x: np.ndarray, knots: int = KNOTS) -> np.ndarray:
    """Cubic regression-spline columns of x (truncated powers), without the intercept."""
    x = np.asarray(x, dtype=float)
    if np.ptp(x) == 0:
        return np.zeros((len(x), 0))
    z = (x - x.mean()) / x.std()
    cols = [z, z**2, z**3]
    for q in np.quantile(z, np.linspace(0, 1, knots + 2)[1:-1]):
        cols.append(np.clip(z - q, 0, None) ** 3)
    return np.column_stack(cols)


def evppi(net: np.ndarray, theta: np.ndarray, knots: int | None = KNOTS) -> float:
    """Partial EVPI of the parameter(s) `theta` (n, or n x k) for net benefits `net` (n x d).

    Regression method: fit every column of `net` minus the best-on-average column on a
    spline of each parameter (additive; `knots=None`: straight lines, for many parameters
    on few futures), then mean(max fitted) - max(mean fitted).
    """
    net = np.asarray(net, dtype=float)
    theta = np.asarray(theta, dtype=float).reshape(len(net), -1)
    chosen = int(np.argmax(net.mean(axis=0)))
    inc = net - net[:, [chosen]]
    basis = [np.ones((len(net), 1))]
    for k in range(theta.shape[1]):
        columns = spline_basis(theta[:, k], knots or 0)
        basis.append(columns if knots is not None else columns[:, :1])
    design = np.hstack(basis)
    coef, *_ = np.linalg.lstsq(design, inc, rcond=None)
    fitted = design @ coef
    fitted[:, chosen] = 0.0
    value = float(fitted.max(axis=1).mean() - fitted.mean(axis=0).max())
    return max(0.0, value)


def evpi_of(net: np.ndarray) -> float:
    """EVPI: mean over futures of the best value minus the best-on-average setup's value."""
    net = np.asarray(net, dtype=float)
    return float((net.max(axis=1) - net[:, int(np.argmax(net.mean(axis=0)))]).mean())


def _regrets(net: np.ndarray) -> np.ndarray:
    """Each setup's expected regret: mean of (best in that future - this setup)."""
    return (net.max(axis=1, keepdims=True) - net).mean(axis=0)


def effect_draws(scenario: Scenario, seed: int, replications: list[int]) -> pd.DataFrame:
    """Every team's effect draws per replication: columns `team.lever`."""
    cols: dict[str, list[float]] = {}
    for name, team in scenario.org.teams.items():
        draws = [
            draw_team_effects(name, team, seed, r, scenario.org.effect_scale) for r in replications
        ]
        for lever in team.effects:
            cols[f"{name}.{lever}"] = [d[lever] for d in draws]
    return pd.DataFrame(cols, index=replications)


def value_of_information(
    scenario: Scenario, options: RunOptions | None = None
) -> ValueOfInformation:
    """EVPI and the partial EVPI of every team effect and uncertain world number.

    Each team's effects together get a row too.
    """
    options = options or RunOptions()
    objective = options.objective_for(scenario)
    confidence = options.confidence_for(scenario)
    kpis = run_variants(scenario, {"base": {}}, options)["base"][1]
    values = objective_table(kpis, objective)
    net = values.to_numpy(dtype=float)
    chosen_i = int(np.argmax(net.mean(axis=0)))
    chosen = str(values.columns[chosen_i])
    regret = net.max(axis=1) - net[:, chosen_i]
    draws = effect_draws(scenario, options.seed, [int(r) for r in values.index])
    used = {t for members in scenario.org.setups.values() for t in members}
    total = float(regret.mean())
    rows: list[VoiRow] = []
    for name, team in scenario.org.teams.items():
        if name not in used:
            continue
        cols = [f"{name}.{lever}" for lever in team.effects]
        for lever, col in zip(team.effects, cols, strict=True):
            value = min(total, evppi(net, draws[col].to_numpy()))
            rows.append(VoiRow(f"org.teams.{name}.effects.{lever}", name, lever, value))
        if len(cols) > 1 and len(net) >= 5 * len(cols):
            value = min(total, evppi(net, draws[cols].to_numpy(), knots=None))
            rows.append(VoiRow(f"org.teams.{name}.effects", name, None, value))
    world = world_draws_of(scenario, options.seed, [int(r) for r in values.index])
    for path, x in world.items():
        value = min(total, evppi(net, np.asarray(x, dtype=float)))
        rows.append(VoiRow(path, None, None, value))
    rows.sort(key=lambda r: -r.value)
    return ValueOfInformation(
        scenario=scenario,
        objective=objective,
        confidence=confidence,
        replications=options.replications,
        seed=options.seed,
        chosen=chosen,
        evpi=mean_interval(regret, confidence),
        evppi=rows,
        regret=dict(zip(map(str, values.columns), map(float, _regrets(net)), strict=True)),
    )
