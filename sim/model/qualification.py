"""Stage 3, qualification: a touched lead becomes an SQL, less often the longer it waited.

P(SQL) = q_segment (moved by the setup's qualification effect) x decay(response time), with
decay(t) = floor + (1 - floor) e^(-t / tau): speed to lead (HBR 2011, Oldroyd et al.).
"""

from __future__ import annotations

import numpy as np

from sim.model.arrivals import Arrivals
from sim.model.first_touch import FirstTouch
from sim.model.records import UNQUALIFIED
from sim.org import StageEffects
from sim.params import Scenario


def speed_to_lead_kept(scenario: Scenario, response_hours: np.ndarray) -> np.ndarray:
    """Share of a lead's qualification chance kept after waiting `response_hours`."""
    return scenario.lead_handling.speed_to_lead_decay.kept(response_hours)


def qualify(
    scenario: Scenario,
    fx: StageEffects,
    arrivals: Arrivals,
    touch: FirstTouch,
    segment: np.ndarray,
    state: np.ndarray,
) -> np.ndarray:
    """Day each lead became an SQL (nan if it did not); marks the unqualified in `state`."""
    has_touch = np.flatnonzero(~np.isnan(touch.contacted))
    at = touch.contacted[has_touch]
    q_seg = np.array([s.qualification_rate for s in scenario.segments])[segment[has_touch]]
    q = fx.apply("qualification_rate", q_seg, at)
    q = q * speed_to_lead_kept(scenario, touch.response_hours[has_touch])
    qualified = arrivals.draws.attr("uniform", "qualify")[has_touch] < q
    state[has_touch[~qualified]] = UNQUALIFIED
    sql = np.full(len(state), np.nan)
    rows = has_touch[qualified]
    sql[rows] = touch.contacted[rows]
    return sql
