"""Stage 6, costs: what the go-to-market engine and the setup's ops teams cost each month.

Reps, the first-touch desk, marketing and other GTM costs are the same in every setup; the
ops teams' cost is the setup's own, from each team's start (month 0 in a setup; a team is
paid while it ramps). With the seats simulated, reps are paid for the seats filled (a vacant
seat costs no salary) and each hire costs `costs.recruiting_per_hire`; so does each successor
hired into an ops team that loses people (a team's vacant seat costs no salary either).
"""

from __future__ import annotations

import numpy as np

from sim.model.seats import SeatHistory
from sim.org import SetupEffects
from sim.params import Scenario


def monthly_costs(
    scenario: Scenario, fx: SetupEffects, seats: SeatHistory | None = None
) -> dict[str, np.ndarray]:
    """Cost item -> cost in each month of the horizon."""
    months = scenario.horizon_months
    costs = scenario.costs
    desk = scenario.lead_handling.first_touch.capacity or 0  # 0 / None: no desk of its own
    out = {
        "reps": np.full(months, scenario.sales.reps * costs.rep_per_month),
        "first_touch": np.full(months, desk * costs.first_touch_per_person_month),
        "marketing": np.full(months, scenario.market.marketing_spend_per_month),
        "other_gtm": np.full(months, costs.other_gtm_per_month),
        "ops_teams": fx.monthly_costs(months),
    }
    if seats is not None:
        out["reps"] = seats.filled * costs.rep_per_month
        out["recruiting"] = seats.hires * costs.recruiting_per_hire
    if fx.staffing:  # ops teams that lose people: each successor is recruited too
        ops = fx.ops_hires(months) * costs.recruiting_per_hire
        out["recruiting"] = out.get("recruiting", np.zeros(months)) + ops
    return out
