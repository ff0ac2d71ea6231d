"""The When? page's facts: the plan search run for the app, and tidy frames of its answer.

No streamlit here: `run_when` runs the search (`sim.plans.search_plans`) and then the best
plan and no ops team over a few futures for the fan charts (their runs come from the run
cache where the search made them); the frame functions shape the answer for the charts,
the table and the downloads, so what is drawn and what is downloaded are the same numbers.
The plan form's data (`plan_inputs`, `plan_from_inputs`, `with_plan`) turns the scenario's
own plans into the form's values and back, validated by the schema.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.budget import Budget, check_explore
from sim.experiments import Variant, run_experiment
from sim.facts import json_ready
from sim.io import ScenarioError, parse_scenario, safe_csv, scenario_to_dict
from sim.params import BASELINE, Scenario
from sim.params.org import TRIGGER_METRICS
from sim.plans import PlanSearch, grid_plans, search_json, search_plans, search_scenario
from sim.text.i18n import translator
from sim.text.labels import team_name
from sim.text.plans import SHARE_METRICS, plan_sentence, plan_words, start_label

FAN_SERIES = ("arr", "seats_filled", "ramped_reps")
"""Monthly series drawn for the best plan and no ops team."""
FAN_REPLICATIONS = 20
"""Futures the fan charts are drawn from (the best plan's come from the search's runs)."""
PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,39}")
"""A plan's name on the form: letters, digits, _ and - (it goes into the page address)."""
KINDS = ("month", "never", "trigger")
"""How a team starts in a plan of the form."""
NEVER_GAP = 0.12
"""'never' sits this share of the horizon right of the last month on the cost-of-delay chart."""
_PATH_FIRST = re.compile(r"^((?:org|sales|analysis)\.[A-Za-z0-9_.\-]+): (.+)$")


def search_objective(sc: Scenario) -> str:
    """What the plans are compared on: the scenario's objective, value when it is a ratio."""
    return "value_created" if sc.objective == "ops_roi" else sc.objective


def plan_count(sc: Scenario, teams: Sequence[str], starts: Sequence[Any]) -> int:
    """Plans a search compares: every combination of the starts, and the scenario's own."""
    return len(starts) ** len(teams) + len(sc.org.plans) if teams and starts else 0


@dataclass(frozen=True)
class WhenResult:
    """A plan search for the app, with the monthly fans of its best plan and no ops team."""

    search: PlanSearch
    fans: pd.DataFrame  # line ("best" / "none"), series, month, p10, p50, p90, mean
    fan_replications: int
    seats_simulated: bool
    horizon: int
    ramps: dict[str, float]  # team -> months to full effect
    currency: str


def run_when(
    sc: Scenario,
    teams: Sequence[str],
    starts: Sequence[int | None],
    most: int,
    seed: int,
    *,
    workers: int,
    budget: Budget,
    executor: Any = None,
    cache: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> WhenResult:
    """The search (checked against `budget` first), then the fans of the best plan vs none."""
    plans = plan_count(sc, teams, starts)
    check_explore(sc, plans, most, "starts", workers, budget, setups=1, source=sc.name)
    search = search_plans(
        sc,
        teams,
        starts,
        max_replications=most,
        seed=seed,
        objective=search_objective(sc),
        executor=executor,
        cache=cache,
        progress=progress,
    )
    n = max(1, min(FAN_REPLICATIONS, search.plan(search.best).replications))
    variant = Variant("plans", search_scenario(sc, grid_plans(teams, starts)))
    exp = run_experiment(
        [variant],
        n,
        seed,
        [search.best],
        baseline=True,
        executor=executor,
        cache=cache,
        progress=progress,
    )
    return WhenResult(
        search=search,
        fans=fan_frame(exp.monthly, search.best),
        fan_replications=n,
        seats_simulated=sc.sales.has_seats,
        horizon=sc.horizon_months,
        ramps={t: float(team.months_to_full_effect) for t, team in sc.org.teams.items()},
        currency=sc.currency,
    )


def fan_frame(monthly: pd.DataFrame, best: str) -> pd.DataFrame:
    """P10, P50, P90 and mean of each fan series per month, for the best plan and none."""
    frames = []
    for line, setup in (("best", best), ("none", BASELINE)):
        rows = monthly[monthly["setup"] == setup]
        for series in FAN_SERIES:
            g = rows.groupby("month")[series]
            frame = pd.DataFrame(
                {
                    "p10": g.quantile(0.1),
                    "p50": g.quantile(0.5),
                    "p90": g.quantile(0.9),
                    "mean": g.mean(),
                }
            ).reset_index()
            frame.insert(0, "series", series)
            frame.insert(0, "line", line)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def same_lines(fans: pd.DataFrame, series: str) -> bool:
    """Whether the best plan and no ops team have the same fan of `series` (the seats do)."""
    a = fans[(fans["line"] == "best") & (fans["series"] == series)][["p10", "p50", "p90"]]
    b = fans[(fans["line"] == "none") & (fans["series"] == series)][["p10", "p50", "p90"]]
    return a.shape == b.shape and bool(np.allclose(a.to_numpy(), b.to_numpy()))


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def plans_frame(result: WhenResult, lang: str = "en") -> pd.DataFrame:
    """One row per plan, best first: its value, loss against the best, P(best), futures."""
    s = result.search
    grid = grid_plans(s.teams, s.starts)
    rows = []
    for p in sorted(s.plans, key=lambda p: (p.name != s.best, p.loss_vs_best.mean, p.name)):
        words = plan_words(p.starts, result.currency, lang)
        rows.append(
            {
                "plan": p.name,
                # the scenario's own plans are known by their names
                "plan_words": words if p.name in grid else f"{p.name} — {words}",
                **{f"start_{t}": json.dumps(v) for t, v in p.starts.items()},
                "value": p.value.mean,
                "value_low": _finite(p.value.low),
                "value_high": _finite(p.value.high),
                "loss_vs_best": p.loss_vs_best.mean,
                "loss_low": _finite(p.loss_vs_best.low),
                "loss_high": _finite(p.loss_vs_best.high),
                "p_best": p.p_best,
                "replications": p.replications,
                "dropped_after": p.dropped_after,
                "best": p.name == s.best,
            }
        )
    return pd.DataFrame(rows)


def delay_frame(result: WhenResult, lang: str = "en") -> pd.DataFrame:
    """The cost of delay per team: loss against the best at each start, 'never' apart.

    `x` is the start month, or for 'never' a point right of the horizon (`never_x`).
    """
    s = result.search
    never = never_x(result.horizon)
    rows = []
    for team, points in s.delay_cost.items():
        for d in points:
            rows.append(
                {
                    "team": team,
                    "team_name": team_name(team, lang),
                    "start": d.start,
                    "never": d.start is None,
                    "x": never if d.start is None else d.start,
                    "start_words": start_label(d.start, result.currency, lang),
                    "loss": _finite(d.loss.mean),
                    "low": _finite(d.loss.low),
                    "high": _finite(d.loss.high),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["team", "team_name", "start", "never", "x", "start_words", "loss", "low", "high"],
    )


def never_x(horizon: int) -> float:
    """Where 'never' sits on the cost-of-delay chart: a little right of the horizon."""
    return float(horizon + max(2, round(horizon * NEVER_GAP)))


def timeline_frame(result: WhenResult, lang: str = "en") -> pd.DataFrame:
    """The best plan as bars over months: per team its ramp, then full effect, to the horizon.

    A team started on a trigger gets one bar over the whole horizon (`phase` "trigger"),
    labelled with its trigger; a team that never starts, a label only (`phase` "never").
    """
    _ = translator(lang)
    s = result.search
    best = s.plan(s.best)
    horizon = result.horizon
    rows = []
    teams = list(dict.fromkeys([*s.teams, *best.starts]))
    for team in teams:
        start = best.starts.get(team)
        name = team_name(team, lang)
        words = start_label(start, result.currency, lang)
        base = {"team": team, "team_name": name, "start_words": words}
        if start is None:
            rows.append({**base, "phase": "never", "begin": 0.0, "end": 0.0})
        elif isinstance(start, dict):
            rows.append({**base, "phase": "trigger", "begin": 0.0, "end": float(horizon)})
        else:
            full = min(float(horizon), start + result.ramps.get(team, 0.0))
            if full > start:
                rows.append({**base, "phase": "ramp", "begin": float(start), "end": full})
            if full < horizon:
                rows.append({**base, "phase": "full", "begin": full, "end": float(horizon)})
    return pd.DataFrame(rows, columns=["team", "team_name", "start_words", "phase", "begin", "end"])


def plans_csv(result: WhenResult, lang: str = "en") -> str:
    """The plans table as CSV (formula-safe)."""
    return safe_csv(plans_frame(result, lang))


def delay_csv(result: WhenResult, lang: str = "en") -> str:
    """The cost of delay as CSV."""
    return safe_csv(delay_frame(result, lang))


def fans_csv(result: WhenResult) -> str:
    """The monthly fans of the best plan and no ops team as CSV."""
    return safe_csv(result.fans)


def facts_json(result: WhenResult, lang: str = "en") -> str:
    """The search as JSON (as `python -m sim plan --format json` writes it) with its sentence."""
    facts = search_json(result.search)
    facts["sentence"] = plan_sentence(result.search, result.currency, lang)
    facts["fan_replications"] = result.fan_replications
    return json.dumps(json_ready(facts), indent=2, ensure_ascii=False)


# ----------------------------------------------------------------------------- the plan form
def plan_inputs(sc: Scenario, name: str | None) -> dict[str, dict[str, Any]]:
    """The form's values for plan `name` (None: a new plan, every team at month 0).

    Per team: kind (month / never / trigger), start, metric, at_least (shares in percent),
    recruit_months.
    """
    steps = sc.org.plans.get(name, {}) if name is not None else {}
    out = {}
    for team in sc.org.teams:
        step = steps.get(team)
        row = {"kind": "month", "start": 0, "metric": "reps", "at_least": 0.0, "recruit": 0.0}
        if name is not None and (step is None or step.never):
            row["kind"] = "never"
        elif step is not None and step.when is not None:
            share = step.when.metric in SHARE_METRICS
            row |= {
                "kind": "trigger",
                "metric": step.when.metric,
                "at_least": step.when.at_least * (100.0 if share else 1.0),
                "recruit": float(step.recruit_months),
            }
        elif step is not None and step.start is not None:
            row["start"] = int(step.start)
        out[team] = row
    return out


def plan_from_inputs(inputs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The form's values as a plan in the file layout (a team that never starts left out)."""
    plan: dict[str, dict[str, Any]] = {}
    for team, row in inputs.items():
        if row["kind"] == "never":
            continue
        if row["kind"] == "trigger":
            metric = row["metric"]
            at_least = float(row["at_least"])
            if metric in SHARE_METRICS:
                at_least /= 100.0
            plan[team] = {
                "when": {"metric": metric, "at_least": at_least},
                "recruit_months": float(row["recruit"]),
            }
        else:
            plan[team] = {"start": int(row["start"])}
    return plan


def _split(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A scenario-wide message that starts with its field ("org.plans.p.x.start: ...") named."""
    out = []
    for path, message in problems:
        found = _PATH_FIRST.match(message) if not path else None
        out.append((found.group(1), found.group(2)) if found else (path, message))
    return out


def with_plan(
    sc: Scenario,
    old: str | None,
    name: str,
    plan: dict[str, Any] | None,
    lang: str = "en",
) -> tuple[Scenario | None, list[tuple[str, str]]]:
    """`sc` with plan `old` replaced by `name` (None: deleted), validated by the schema.

    Returns the new scenario, or None and the problems, each naming its field.
    """
    _ = translator(lang)
    name = name.strip()
    plans = {k: scenario_to_dict_plan(v) for k, v in sc.org.plans.items()}
    if old is not None:
        plans.pop(old, None)
    if plan is not None:
        where = f"org.plans.{name}" if PLAN_NAME.fullmatch(name) else "org.plans"
        if not PLAN_NAME.fullmatch(name):
            return None, [
                (
                    where,
                    _(
                        "a plan's name is 1 to 40 letters (a-z, A-Z), digits, _ and -, "
                        "starting with a letter or digit"
                    ),
                )
            ]
        if name in plans:
            return None, [(where, _("another plan has this name already"))]
        if name in sc.org.setups:
            return None, [(where, _("a setup has this name already"))]
        plans[name] = plan
    data = scenario_to_dict(sc)
    data["org"]["plans"] = plans
    try:
        return parse_scenario(data), []
    except ScenarioError as err:
        return None, _split(list(err.problems))


def scenario_to_dict_plan(steps: dict[str, Any]) -> dict[str, Any]:
    """One plan of a scenario in the file layout."""
    return {t: step.model_dump(mode="json", exclude_defaults=True) for t, step in steps.items()}


def plans_overview(sc: Scenario, lang: str = "en") -> pd.DataFrame:
    """The scenario's own plans in words: name, then each team's start."""
    _ = translator(lang)
    rows = []
    for name, steps in sc.org.plans.items():
        row = {_("Plan"): name}
        for team in sc.org.teams:
            step = steps.get(team)
            if step is None or step.never:
                start: Any = None
            elif step.when is not None:
                start = {"when": step.when.model_dump(), "recruit_months": step.recruit_months}
            else:
                start = step.start
            row[team_name(team, lang)] = start_label(start, sc.currency, lang)
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "FAN_SERIES",
    "KINDS",
    "PLAN_NAME",
    "TRIGGER_METRICS",
    "WhenResult",
    "delay_csv",
    "delay_frame",
    "facts_json",
    "fan_frame",
    "fans_csv",
    "never_x",
    "plan_count",
    "plan_from_inputs",
    "plan_inputs",
    "plans_csv",
    "plans_frame",
    "plans_overview",
    "run_when",
    "same_lines",
    "search_objective",
    "timeline_frame",
    "with_plan",
]
