"""The landing page, "Which team?": the verdict, the money at stake, how sure, and why.

Opens on the current scenario (the default preset on a first visit) and shows its verdict
without any input: the comparison runs (or comes from the cache) with a progress bar and a
provisional verdict, then the answer, the charts, the article's metrics and the reasons.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from sim.metrics import MONTHLY_SERIES
from sim.params import BASELINE
from sim.text import objective_label, objectives_sentence
from sim.text.workshop import say
from sim.verdict import MONEY_OBJECTIVES, Comparison
from ui import charts, data, exports, runs, state, verdict, workshop
from ui.explore_landing import landing_breakevens
from ui.text import (
    GLOSSARY,
    KPI_GROUPS,
    OBJECTIVE_HELP,
    OBJECTIVES_TEXT,
    money,
    setup_name,
)
from ui.widgets import chart_with_downloads, download, preset_picker

SERIES_LABELS = {
    "cumulative_contribution": "Cumulative contribution",
    "arr": "ARR",
    "mrr": "MRR",
    "customers": "Customers",
    "revenue": "Revenue per month",
    "costs": "Costs per month",
    "contribution": "Contribution per month",
    "pipeline": "Open pipeline (deals and waiting SQLs)",
    "new_mrr": "New MRR per month",
    "churned_mrr": "Churned MRR per month",
    "expansion_mrr": "Expansion MRR per month",
    "wins": "Wins per month",
    "leads": "Leads per month",
}
COUNT_SERIES = {"customers", "pipeline", "wins", "leads"}
TABS_KEY = "result_tabs"
WHY_TAB = ":material/lightbulb: Why"  # its gain attribution is computed only when it is opened
CHANGE_TAB = ":material/alt_route: What would change it"  # computed only when opened


def _sidebar() -> None:
    """The company picker and what is being shown."""
    with st.sidebar:
        preset_picker("preset_picker_landing")
        st.page_link(
            "ui/pages/assumptions.py",
            label="Change the assumptions",
            icon=":material/tune:",
        )


def _headline(result: Comparison) -> None:
    """The answer in words, then the four figures that matter."""
    h = verdict.headline(result)
    box = {"success": st.success, "warning": st.warning, "info": st.info}[h.tone]
    icon = {
        "success": ":material/verified:",
        "warning": ":material/balance:",
        "info": ":material/info:",
    }[h.tone]
    with st.container(key="verdict"):
        box(f"#### {h.title}\n\n{h.body}", icon=icon)
    sc, v = result.scenario, result.verdict
    best = result.setups[v.best]
    obj, cur = result.objective, sc.currency
    c1, c2, c3, c4 = st.columns(4)
    teams = ", ".join(setup_name(t) for t in sc.org.setups[v.best]) or "no ops team"
    c1.metric(
        "Best setup",
        setup_name(v.best),
        delta=f"teams: {teams}" if sc.org.setups[v.best] else "keep the status quo",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=f"Highest mean {OBJECTIVES_TEXT[obj]} over {sc.horizon_months} months.",
    )
    pct = round(result.confidence * 100)
    if v.best != BASELINE:
        gain_value = verdict.value_text(best.vs_none.mean, obj, cur)
        gain_delta = verdict.range_text(best.vs_none.low, best.vs_none.high, obj, cur)
        gain_label = "Gain vs no ops team" if obj in MONEY_OBJECTIVES else "Return on ops spend"
    else:
        runner = result.setups[v.runner_up] if v.runner_up else None
        gain_value = verdict.value_text(-runner.vs_none.mean, obj, cur) if runner else "—"
        gain_delta = f"what {setup_name(v.runner_up)} would lose" if runner else ""
        gain_label = "Saved by not hiring"
    c2.metric(
        gain_label,
        gain_value,
        delta=gain_delta,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=(
            f"Average gain in {OBJECTIVES_TEXT[obj]} against no ops team over "
            f"{result.replications} simulated futures, after the teams' cost; the range is "
            f"the {pct}% confidence interval of that average. "
            + OBJECTIVE_HELP[obj]
            + " "
            + GLOSSARY["confidence"]
        ),
    )
    c3.metric(
        "Futures where it is best",
        f"{best.p_best:.0%}",
        delta=say("metric_clear" if v.separated else "metric_close", state.lang()),
        delta_color="green" if v.separated else "orange",
        delta_arrow="off",
        border=True,
        help=(
            f"Share of simulated futures in which this setup had the highest "
            f"{OBJECTIVES_TEXT[obj]}, taken one future at a time. The words below are about "
            "the average: 'Too close to call' means the average lead over the runner-up could "
            "still be either sign. " + GLOSSARY["best_in_futures"]
        ),
    )
    c4.metric(
        "Ops team cost",
        f"{money(best.ops_cost_per_month, cur)}/month",
        delta=f"{money(best.ops_cost_per_month * sc.horizon_months, cur)} over "
        f"{sc.horizon_months} months",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="Loaded cost of the ops teams in this setup (already subtracted from the gain).",
    )


def _ranking(result: Comparison) -> None:
    """Every setup, ranked: mean, spread, gain over no ops team, P(best), regret, cost."""
    frame = data.setup_summary(result)
    obj, cur = result.objective, result.scenario.currency
    label = OBJECTIVES_TEXT[obj]

    def val(x: float, signed: bool = False) -> str:
        return verdict.value_text(x, obj, cur, signed)

    pct = round(result.confidence * 100)
    spread, gain_col = "Typical range of futures", f"Gain vs no ops team ({pct}% sure)"
    shortfall = "Average shortfall from each future's best"
    shown = pd.DataFrame(
        {
            "Setup": frame["setup_name"],
            f"Average {label}": [
                verdict.value_text(x, obj, cur, False) for x in frame.objective_mean
            ],
            spread: [
                f"{val(a)} – {val(b)}"
                for a, b in zip(frame.objective_p10, frame.objective_p90, strict=True)
            ],
            gain_col: [
                "—" if s == BASELINE else f"{val(m, True)} ({verdict.range_text(lo, hi, obj, cur)})"
                for s, m, lo, hi in zip(
                    frame.setup, frame.gain_vs_none, frame.gain_low, frame.gain_high, strict=True
                )
            ],
            "Futures where best": frame["p_best"],
            shortfall: [verdict.value_text(x, obj, cur, False) for x in frame.expected_regret],
            "Team cost/month": [money(x, cur) for x in frame.ops_cost_per_month],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            spread: st.column_config.TextColumn(help=GLOSSARY["spread"]),
            gain_col: st.column_config.TextColumn(help=GLOSSARY["confidence"]),
            "Futures where best": st.column_config.ProgressColumn(
                format="percent",
                min_value=0.0,
                max_value=1.0,
                help=GLOSSARY["best_in_futures"],
            ),
            shortfall: st.column_config.TextColumn(help=GLOSSARY["regret"], width="medium"),
            "Team cost/month": st.column_config.TextColumn(width="medium"),
        },
    )


def _money_tab(result: Comparison, stem: str) -> None:
    setups = data.setup_order(result)
    cur = result.scenario.currency
    c1, c2 = st.columns(2)
    with c1:
        fan = data.fan_data(result.results.monthly, "cumulative_contribution", setups)
        chart_with_downloads(
            charts.fan_chart(
                fan,
                setups,
                f"Profit after go-to-market costs, to date ({cur})",
                "Profit after go-to-market costs, to date",
            ),
            "cumulative_contribution",
            stem,
            "Fan chart of cumulative contribution by month for each setup",
        )
    with c2:
        fan = data.fan_data(result.results.monthly, "arr", setups)
        chart_with_downloads(
            charts.fan_chart(fan, setups, f"ARR ({cur})", "Annual recurring revenue"),
            "arr",
            stem,
            "Fan chart of ARR by month for each setup",
        )
    st.caption(
        "Lines are the middle simulated future; bands hold the middle 80% of futures. Every "
        "setup faces the same futures.",
        help=GLOSSARY["spread"] + " " + GLOSSARY["contribution"],
    )
    _explore(result, stem)


@st.fragment
def _explore(result: Comparison, stem: str) -> None:
    """Any other monthly series, picked without rerunning the page."""
    setups = data.setup_order(result)
    options = [s for s in MONTHLY_SERIES if s not in ("cumulative_contribution", "arr")]
    series = st.selectbox(
        "Explore another monthly series",
        options=options,
        format_func=lambda s: SERIES_LABELS.get(s, s),
        key="explore_series",
    )
    kind = "count" if series in COUNT_SERIES else "money"
    unit = "" if kind == "count" else f" ({result.scenario.currency})"
    fan = data.fan_data(result.results.monthly, series, setups)
    chart_with_downloads(
        charts.fan_chart(fan, setups, f"{SERIES_LABELS.get(series, series)}{unit}", kind=kind),
        f"series_{series}",
        stem,
        f"Fan chart of {SERIES_LABELS.get(series, series)} by month",
    )


def _sure_tab(result: Comparison, stem: str) -> None:
    setups = data.setup_order(result)
    obj, cur = result.objective, result.scenario.currency
    gains = data.gain_data(result)
    kind = "money" if obj in MONEY_OBJECTIVES else "multiple"
    unit = f" ({cur})" if kind == "money" else " (x ops spend)"
    chart_with_downloads(
        charts.gain_chart(
            gains,
            setups,
            f"Gain in {OBJECTIVES_TEXT[obj]} over no ops team{unit}",
            "Gain over no ops team, one value per simulated future",
            kind=kind,
        ),
        "gain_distribution",
        stem,
        "Distribution of each setup's gain over no ops team across simulated futures",
    )
    rows = []
    for setup in setups:
        if setup == BASELINE:
            continue
        g = gains[gains["setup"] == setup]["gain"]
        rows.append(
            {
                "Setup": setup_name(setup),
                "Futures where it beats no ops team": float((g > 0).mean()) if len(g) else math.nan,
                "1 future in 10 is worse than": verdict.value_text(g.quantile(0.1), obj, cur),
                "Middle future": verdict.value_text(g.median(), obj, cur),
                "1 future in 10 is better than": verdict.value_text(g.quantile(0.9), obj, cur),
            }
        )
    if rows:
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            width="stretch",
            column_config={
                "Futures where it beats no ops team": st.column_config.ProgressColumn(
                    format="percent", min_value=0.0, max_value=1.0
                )
            },
        )
    hist = result.history
    if len(hist) > 1:
        st.caption(
            "Adaptive run: "
            + " → ".join(f"{h['replications']} futures: {setup_name(h['best'])}" for h in hist)
        )


def _funnel_tab(result: Comparison, stem: str) -> None:
    setups = data.setup_order(result)
    chart_with_downloads(
        charts.funnel_chart(data.funnel_data(result), setups, "The funnel, mean over futures"),
        "funnel",
        stem,
        "Funnel from leads to wins for each setup",
    )
    st.caption(
        "Leads are inbound MQLs plus the reps' outbound prospects. Hover a bar for the "
        "conversion from the stage above."
    )


def _metrics_tab(result: Comparison) -> None:
    st.caption(
        "The seed article's metric table, grouped as the article groups it. Each cell is the "
        "average over simulated futures, with the range we are 90% sure holds that average.",
        help=GLOSSARY["confidence"],
    )
    for group in KPI_GROUPS:
        st.markdown(f"**{group}**")
        st.dataframe(data.article_table(result, group), hide_index=True, width="stretch")
    st.markdown("**ARR at the horizon by segment**")
    st.dataframe(data.segment_arr(result), hide_index=True, width="stretch")


def _why_tab(result: Comparison) -> DeltaGenerator:
    """Diagnostics and team costs; returns the slot where the gain attribution goes."""
    sc = result.scenario
    st.markdown(
        "**What the company looks like without an ops team**, figure by figure, against the "
        "article's criteria for each team"
    )
    diag = data.diagnostics_table(result)
    flagged = int(diag["Pressure"].sum()) if len(diag) else 0
    st.caption(
        f"{flagged} of {len(diag)} signals show pressure (⚠). They say where the engine "
        "hurts; the simulation, not these flags, decides which team pays off."
    )
    cols = st.columns(2, gap="large")
    for i, row in enumerate(diag.to_dict(orient="records")):
        mark = ":orange[**⚠**]" if row["Pressure"] else ":green[**✓**]"
        with cols[i % 2]:
            st.markdown(
                f"{mark} **{row['Signal']}: {row['Figure']}** — {row['What it means']}  \n"
                f":gray[{row['Article criterion']}]"
            )
    st.divider()
    left, right = st.columns([3, 2], gap="large")
    with left:
        slot = st.empty()
    with right:
        st.markdown("**What each setup's ops teams cost**")
        costs = data.team_costs(sc)
        st.dataframe(
            pd.DataFrame(
                {
                    "Setup": costs["Setup"],
                    "Per month": [money(x, sc.currency) for x in costs["per_month"]],
                    f"Over {sc.horizon_months} months": [
                        money(x, sc.currency) for x in costs["over_horizon"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Teams: "
            + "; ".join(f"{r.Setup}: {r.Teams}" for r in costs.itertuples() if r.Teams != "—")
            + ". Team costs are already subtracted from every gain shown."
        )
    return slot


def _attribution(result: Comparison, slot: DeltaGenerator, stem: str) -> None:
    """Fill `slot` with the winner's gain split by lever group (computed if missing).

    Called only when the Why tab is open: the split re-runs the winner once per lever group.
    """
    subject = runs.attribution_subject(result)
    if subject is None:
        slot.info("No team's gain to explain: no setup with a team ranks first or second.")
        return
    if result.attribution is None:
        with slot.container():
            st.markdown(f"**Where the gain of {setup_name(subject)} comes from**")
            runs.ensure_attribution(st.container())
        result = st.session_state.result
    attribution = data.attribution_data(result)
    if attribution.empty:
        slot.info("No team's gain to explain.")
        return
    sc = result.scenario
    with slot.container():
        st.markdown(f"**Where the gain of {setup_name(subject)} comes from**")
        obj = attribution["objective"].iloc[0]
        kind = "money" if obj in MONEY_OBJECTIVES else "multiple"
        unit = f" ({sc.currency})" if kind == "money" else " (x ops spend)"
        chart_with_downloads(
            charts.attribution_chart(
                attribution, f"{OBJECTIVES_TEXT[obj].capitalize()}{unit}", kind=kind
            ),
            "gain_attribution",
            stem,
            f"Gain of {setup_name(subject)} split by lever group",
        )
        st.caption(
            f"Each lever group re-run alone on the same {result.replications} futures as the "
            "verdict, so the total is the gain above; 'overlap & synergy' is what the groups "
            "do together beyond their sum. Bars: average; lines: the range we are 90% sure "
            "holds it.",
            help=GLOSSARY["confidence"],
        )


def _downloads(result: Comparison, stem: str) -> None:
    st.markdown("##### Download")
    items = [
        ("KPI table (CSV)", exports.kpi_csv(result), f"{stem}_kpis.csv", "text/csv", "dl_kpis"),
        (
            "Per replication (CSV)",
            exports.replications_csv(result),
            f"{stem}_replications.csv",
            "text/csv",
            "dl_reps",
        ),
        (
            "Monthly series (CSV)",
            lambda: exports.monthly_csv(result),
            f"{stem}_monthly.csv",
            "text/csv",
            "dl_monthly",
        ),
        (
            "Ranking (CSV)",
            exports.summary_csv(result),
            f"{stem}_ranking.csv",
            "text/csv",
            "dl_rank",
        ),
        (
            "Article metrics (CSV)",
            exports.article_csv(result),
            f"{stem}_article_metrics.csv",
            "text/csv",
            "dl_article",
        ),
        (
            "Diagnostics (CSV)",
            exports.diagnostics_csv(result),
            f"{stem}_diagnostics.csv",
            "text/csv",
            "dl_diag",
        ),
        (
            "Gain attribution (CSV)",
            exports.attribution_csv(result),
            f"{stem}_attribution.csv",
            "text/csv",
            "dl_attr",
        ),
        (
            "Verdict (JSON)",
            exports.verdict_json(result),
            f"{stem}_verdict.json",
            "application/json",
            "dl_json",
        ),
        (
            "Scenario (YAML)",
            exports.scenario_yaml(result.scenario),
            f"{stem}.yaml",
            "application/x-yaml",
            "dl_yaml",
        ),
    ]
    with st.container(horizontal=True, gap="small", key="downloads"):
        workshop.report_button(result, stem)
        for label, payload, name, mime, key in items:
            download(label, payload, name, mime, key, width="content")


def _toolbar() -> None:
    """What counts as best, the link, saving a variant."""
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    with c1:
        workshop.objective_picker()
    with c2:
        workshop.share_link()
    with c3:
        workshop.save_variant_control()


def _objectives(result: Comparison) -> None:
    """Every money objective side by side: each setup's gain over no ops team on each.

    The verdict is judged on one objective; a CFO reads them together, so a horizon that
    cuts off what retention is worth cannot mislead. The best on each is starred.
    """
    boards = result.objectives()
    cur = result.scenario.currency
    rows = []
    for setup in result.setups:
        row = {"Setup": data.setup_name(setup)}
        for name, board in boards.items():
            star = " ★" if board.best == setup else ""
            row[objective_label(name)] = (
                verdict.value_text(board.vs_none[setup].mean, name, cur, True) + star
            )
        rows.append(row)
    st.markdown("**Every measure, side by side** — gain over no ops team; ★ = best on it")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(objectives_sentence(result))


def render() -> None:
    """Draw the page."""
    _sidebar()
    sc, settings = state.scenario(), state.settings()
    st.title("Which ops team pays off?")
    st.caption(
        f"**{sc.name}** · {sc.horizon_months}-month horizon · {settings.label}",
        help=OBJECTIVE_HELP[sc.objective] + " " + settings.help_text,
    )
    _toolbar()
    workshop.cancelled_notice()
    stale = workshop.stale_answer()
    progress_area = st.container()
    try:
        runs.ensure_result(progress_area, verdict.provisional)
    except Exception as err:
        st.error(
            f"The simulation could not run: {type(err).__name__}: {err}. Try again, or change "
            "the assumptions.",
            icon=":material/error:",
        )
        st.stop()
    stale.empty()
    result: Comparison = st.session_state.result
    _headline(result)
    workshop.confidence_line(result)
    workshop.article_view(result)
    workshop.before_after(result)
    workshop.gap_section(result)
    workshop.what_changed()
    seconds = st.session_state.get("result_seconds", math.nan)
    how = "from the cache" if st.session_state.get("result_cached") else f"in {seconds:.1f} s"
    st.caption(
        f"{result.replications} simulated futures per setup, every setup on the same futures; "
        f"computed {how}.",
        help=GLOSSARY["simulated_futures"] + " " + GLOSSARY["seed"] + f" (seed {result.seed})",
    )
    _ranking(result)
    _objectives(result)
    stem = exports.file_stem(sc)
    tabs = st.tabs(
        [
            ":material/show_chart: Money over time",
            ":material/insights: How sure",
            ":material/filter_alt: Funnel",
            ":material/table_chart: Article metrics",
            WHY_TAB,
            CHANGE_TAB,
        ],
        key=TABS_KEY,
        on_change="rerun",
    )
    with tabs[0]:
        _money_tab(result, stem)
    with tabs[1]:
        _sure_tab(result, stem)
    with tabs[2]:
        _funnel_tab(result, stem)
    with tabs[3]:
        _metrics_tab(result)
    with tabs[4]:
        attribution_slot = _why_tab(result)
    if tabs[4].open:
        _attribution(result, attribution_slot, stem)
    if tabs[5].open:
        with tabs[5]:
            landing_breakevens(result)
    _downloads(st.session_state.result, stem)
    workshop.glossary_box()


render()
