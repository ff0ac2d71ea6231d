"""A calibration written into a scenario; what the data cannot give comes from a base.

The result is an ordinary validated `Scenario`: every number the data gave carries
"calibrated: <file>, <basis>, 90% CI ..." in `sources:`; every other number keeps the base
scenario's value and source, prefixed with the base's name, so nobody mistakes a preset's
judgment for the company's own data.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from sim.calibrate.estimates import Calibration, Estimate
from sim.io import parse_scenario, scenario_to_dict
from sim.params import Scenario, iter_scalar_paths, source_of
from sim.params.paths import set_path
from sim.params.world import SpeedToLeadDecay

INTEGER_PATHS = {"sales.reps", "sales.max_open_deals_per_rep", "starting_customers.count"}


def _segments(data: dict, base: Scenario, names: tuple[str, ...]) -> list[int]:
    """The new segment list (one per data segment); returns each one's base segment index."""
    by_name = {s.name: i for i, s in enumerate(base.segments)}
    chosen = [by_name.get(n, 0) for n in names]
    segs = []
    for n, i in zip(names, chosen, strict=True):
        seg = copy.deepcopy(data["segments"][i])
        if n:
            seg["name"] = n
        seg["lead_share"] = 1.0 / len(names)
        segs.append(seg)
    data["segments"] = segs
    return chosen


def build_scenario(cal: Calibration, base: Scenario, base_label: str) -> Scenario:
    """The calibrated scenario: `cal`'s numbers over `base`, each number's source stated."""
    data = scenario_to_dict(base)
    data.pop("sources", None)
    origin = _segments(data, base, cal.segments)
    sources: dict[str, str] = {}
    used: list[Estimate] = []

    def put(path: str, value: float, e: Estimate, text: str | None = None) -> None:
        v: Any = round(value) if path in INTEGER_PATHS else float(value)
        set_path(data, path, v)
        sources[path] = text or e.source()
        used.append(e)

    for e in cal.estimates:
        if e.path.startswith("hint.") or math.isnan(e.value):
            continue
        if e.path.startswith("segments.*."):
            rest = e.path.removeprefix("segments.*.")
            for i in range(len(cal.segments)):
                put(f"segments.{i}.{rest}", e.value, e)
        elif e.path.endswith(".expansion.growth"):
            _expansion(data, e, put)
        elif ".sales_cycle_days." in e.path:
            seg = e.path.split(".")[1]
            family = "lognormal" if e.path.endswith((".median", ".sigma")) else "gamma"
            cyc = data["segments"][int(seg)]["sales_cycle_days"]
            if cyc.get("distribution") != family:
                data["segments"][int(seg)]["sales_cycle_days"] = {"distribution": family}
            put(e.path, e.value, e)
        else:
            put(e.path, e.value, e)
    _undo_speed_to_lead(data, cal, sources)
    _audience(data, cal, base_label, sources)
    _season(data, cal, sources)
    if cal.get("market.inbound_mqls_per_month") is None:
        _implied_inbound(data, cal, base, base_label, sources)
    data["name"] = f"{base.name}, calibrated on {', '.join(t.name for t in cal.files.values())}"
    data["description"] = (
        f"Calibrated on the company's own data ({cal.start:%Y-%m-%d} to {cal.as_of:%Y-%m-%d}): "
        f"{len(sources)} numbers from the data, each with its source and 90% interval; the rest "
        f"from {base_label} ('{base.name}'), marked as such."
    )
    if cal.currency:
        data["currency"] = cal.currency
    draft = parse_scenario({**data, "sources": {}}, "calibrated scenario")
    for path in iter_scalar_paths(draft):
        if path in sources:
            continue
        base_path = _base_path(path, origin)
        old = source_of(base, base_path) if base_path else ""
        sources[path] = f"base {base_label} (not in the data): {old or 'no source given'}"
    data["sources"] = sources
    return parse_scenario(data, "calibrated scenario")


def _base_path(path: str, origin: list[int]) -> str | None:
    """The base scenario's path for a path of the calibrated one (segments re-indexed)."""
    parts = path.split(".")
    if parts[0] == "segments":
        parts[1] = str(origin[int(parts[1])])
        path = ".".join(parts)
        if parts[2] == "sales_cycle_days":
            return None  # the cycle's shape may have changed
    return path


def _expansion(data: dict, e: Estimate, put) -> None:
    """Expansion probability from the observed MRR growth, at the base's expansion size."""
    seg = int(e.path.split(".")[1])
    size = float(data["segments"][seg]["expansion"]["size"])
    if size <= 0:
        return
    k = math.log1p(size)
    lo, hi = (max(0.0, min(1.0, (x or 0.0) / k)) for x in (e.low, e.high))
    value = max(0.0, min(1.0, e.value / k))
    text = (
        f"{e.source().replace(e.method, 'MRR growth per month / ln(1 + size)')}; "
        f"growth {e.value:.4f}/month, size {size:g} from the base; 90% CI {lo:.3g}–{hi:.3g}"
    )
    put(f"segments.{seg}.expansion.monthly_probability", value, e, text)


def _implied_inbound(
    data: dict, cal: Calibration, base: Scenario, base_label: str, sources: dict[str, str]
) -> None:
    """Without a leads file: the MQLs a month that give the deals' own flow.

    The deals a month, less the reps' outbound SQLs, divided by the base funnel
    (qualification, leakage, speed to lead).
    """
    deals = cal.get("hint.deals_per_month")
    if deals is None:
        return
    lh = data["lead_handling"]
    seg = data["segments"]
    q = sum(s["qualification_rate"] * s["lead_share"] for s in seg)
    delay = lh["first_touch"]["handling_delay_hours"]
    decay = SpeedToLeadDecay(**lh["speed_to_lead_decay"])
    kept = decay.expected_kept(delay["median"], delay["sigma"])
    through = q * (1 - lh["handoff_leakage"]) * kept
    outbound = data["sales"]["reps"] * data["sales"]["outbound_leads_per_rep_month"] * q
    if outbound >= deals.low:
        data["sales"]["outbound_leads_per_rep_month"] = 0.0
        sources["sales.outbound_leads_per_rep_month"] = (
            f"calibrated: set to 0, the base's outbound would exceed {deals.file}'s deal flow"
        )
        outbound = 0.0
    if through <= 0:
        return
    value, low, high = ((x - outbound) / through for x in (deals.value, deals.low, deals.high))
    data["market"]["inbound_mqls_per_month"] = max(value, 0.0)
    sources["market.inbound_mqls_per_month"] = (
        f"calibrated: {deals.file}, {deals.value:.1f} deals a month (trend at the last month, "
        f"90% CI {deals.low:.1f}–{deals.high:.1f}) less {outbound:.1f} outbound SQLs, divided "
        f"by the base funnel ({base_label}: qualification {q:.2f} x not leaked "
        f"{1 - lh['handoff_leakage']:.2f} x speed-to-lead {kept:.2f}); 90% CI "
        f"{max(low, 0):.1f}–{high:.1f}"
    )


def _undo_speed_to_lead(data: dict, cal: Calibration, sources: dict[str, str]) -> None:
    """Qualification at an instant response: the observed rate / today's mean decay.

    The model multiplies qualification by decay(response); the observed MQL -> SQL share
    already carries today's responses, so it is divided by their mean decay (base curve).
    """
    q = cal.get("segments.*.qualification_rate")
    if q is None or cal.response_hours is None:
        return
    decay = SpeedToLeadDecay(**data["lead_handling"]["speed_to_lead_decay"])
    kept = float(np.mean(decay.kept(cal.response_hours)))
    if kept <= 0:
        return
    value = min(1.0, q.value / kept)
    text = (
        f"{q.source()}; observed {q.value:.3f} divided by today's mean speed-to-lead factor "
        f"{kept:.3f} (the observed response times on the base decay curve) = {value:.3f}, "
        f"90% CI {min(1.0, (q.low or 0) / kept):.3g}–{min(1.0, (q.high or 1) / kept):.3g}"
    )
    for i, seg in enumerate(data["segments"]):
        seg["qualification_rate"] = value
        sources[f"segments.{i}.qualification_rate"] = text


def _season(data: dict, cal: Calibration, sources: dict[str, str]) -> None:
    """The data's yearly season, from the month the simulation starts in.

    That month is the one after the data. Without a season in the data the base's season
    is dropped: the data do not show it.
    """
    season = cal.season_from(cal.first_month)
    if season is None or cal.season is None:
        data["market"]["seasonality"] = None
        return
    values = [round(x, 4) for x in season]
    data["market"]["seasonality"] = values
    sources["market.seasonality"] = (
        f"calibrated: {cal.trend_source}, month-of-year terms of the trend's Poisson regression "
        f"over {cal.season.months} months (F test p = {cal.season.p_value:.2g}); the first is "
        f"{cal.first_month:%B}, the month after the data"
    )


def _audience(data: dict, cal: Calibration, base_label: str, sources: dict[str, str]) -> None:
    """No finite audience when the data show inbound growing: the base's would shrink it.

    A base audience with growth the data contradict would make the model's inbound fall
    as leads use it up; when the trend's whole interval is growth, the market is taken as
    unlimited, and the source says why. Otherwise the base's audience stays, marked.
    """
    g = cal.get("market.inbound_growth_per_month")
    if g is None or data["market"].get("audience_size") is None or (g.low or 0) <= 0:
        return
    data["market"]["audience_size"] = None
    sources["market.audience_size"] = (
        f"calibrated: {g.file} shows inbound growing {g.value:+.1%} a month (90% CI "
        f"{g.low:+.1%} to {g.high:+.1%}), no sign of a used-up market: unlimited, instead of "
        f"the {base_label} audience; set a size if your market is known to be finite"
    )
