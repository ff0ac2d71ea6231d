"""The landing page, "Which team?": the verdict, the money at stake, how sure, and why.

Opens on the current scenario (the default preset on a first visit) and shows its verdict
without any input: the comparison runs (or comes from the cache) with a progress bar and a
provisional verdict, then the answer, the charts, the article's metrics and the reasons.
"""

from __future__ import annotations

import math
from functools import partial

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from sim.metrics import MONTHLY_SERIES
from sim.outcomes import objective_unit
from sim.params import BASELINE
from sim.text import objectives_sentence, robust_text, scenario_title, translator
from sim.text.labels import objective_short
from sim.text.workshop import say
from sim.verdict import Comparison
from ui import charts, data, exports, runs, state, verdict, workshop
from ui.explore_landing import landing_breakevens
from ui.i18n import N_, _, lang
from ui.safe import md_escape
from ui.text import KPI_GROUPS, glossary, money, objective_help, objective_label, setup_name
from ui.widgets import chart_with_downloads, download, per_answer, phone_table, preset_picker

SERIES_LABELS = {
    "cumulative_contribution": N_("Cumulative contribution"),
    "arr": "ARR",
    "mrr": "MRR",
    "customers": N_("Customers"),
    "revenue": N_("Revenue per month"),
    "costs": N_("Costs per month"),
    "contribution": N_("Contribution per month"),
    "pipeline": N_("Open pipeline (deals and waiting SQLs)"),
    "new_mrr": N_("New MRR per month"),
    "churned_mrr": N_("Churned MRR per month"),
    "expansion_mrr": N_("Expansion MRR per month"),
    "repriced_mrr": N_("Repriced MRR per month"),
    "wins": N_("Wins per month"),
    "leads": N_("Leads per month"),
    "seats_filled": N_("Sales seats filled"),
    "ramped_reps": N_("Ramped reps"),
}
COUNT_SERIES = {"customers", "pipeline", "wins", "leads", "seats_filled", "ramped_reps"}
TABS_KEY = "result_tabs"
WHY_TAB = N_(":material/lightbulb: Why")  # its gain attribution is computed only when opened
CHANGE_TAB = N_(":material/alt_route: What would change it")  # computed only when opened


def _series(series: str, lang: str | None = None) -> str:
    """A monthly series' name in `lang` (else the session's language)."""
    if series not in SERIES_LABELS:
        return series
    return translator(lang)(SERIES_LABELS[series]) if lang else _(SERIES_LABELS[series])


def _gloss(term: str) -> str:
    return glossary(term, lang())


def _sidebar() -> None:
    """The company picker and what is being shown."""
    with st.sidebar:
        preset_picker("preset_picker_landing")
        st.page_link(
            "ui/pages/assumptions.py",
            label=_("Change the assumptions"),
            icon=":material/tune:",
        )


def _headline(result: Comparison) -> None:
    """The answer in words, then the four figures that matter."""
    la = lang()
    h = verdict.headline(result, la)
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
    label = objective_label(obj, la)
    c1, c2, c3, c4 = st.columns(4)
    teams = _("; ").join(setup_name(t, la) for t in sc.org.setups[v.best])
    c1.metric(
        _("Best setup"),
        setup_name(v.best, la),
        delta=_("teams: {teams}").format(teams=teams)
        if sc.org.setups[v.best]
        else _("keep the status quo"),
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=_("Highest mean {label} over {months} months.").format(
            label=label, months=sc.horizon_months
        ),
    )
    pct = round(result.confidence * 100)
    if v.best != BASELINE:
        gain_value = verdict.value_text(best.vs_none.mean, obj, cur, lang=la)
        gain_delta = verdict.range_text(best.vs_none.low, best.vs_none.high, obj, cur, la)
        gain_label = (
            _("Gain vs no ops team") if objective_unit(obj) == "money" else _("Return on ops spend")
        )
    else:
        runner = result.setups[v.runner_up] if v.runner_up else None
        gain_value = verdict.value_text(-runner.vs_none.mean, obj, cur, lang=la) if runner else "—"
        gain_delta = (
            _("what {setup} would lose").format(setup=setup_name(v.runner_up, la)) if runner else ""
        )
        gain_label = _("Saved by not hiring")
    c2.metric(
        gain_label,
        gain_value,
        delta=gain_delta,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=_(
            "Average gain in {label} against no ops team over {n} simulated futures, after "
            "the teams' cost; the range is the {pct}% confidence interval of that average."
        ).format(label=label, n=result.replications, pct=pct)
        + " "
        + objective_help(obj, la)
        + " "
        + _gloss("confidence"),
    )
    c3.metric(
        _("Futures where it is best"),
        f"{best.p_best:.0%}",
        delta=say("metric_clear" if v.separated else "metric_close", la),
        delta_color="green" if v.separated else "orange",
        delta_arrow="off",
        border=True,
        help=_(
            "Share of simulated futures in which this setup had the highest {label}, taken "
            "one future at a time. The words below are about the average: 'Too close to call' "
            "means the average lead over the runner-up could still be either sign."
        ).format(label=label)
        + " "
        + _gloss("best_in_futures"),
    )
    c4.metric(
        _("Ops team cost"),
        _("{money}/month").format(money=money(best.ops_cost_per_month, cur, lang=la)),
        delta=_("{money} over {months} months").format(
            money=money(best.ops_cost_per_month * sc.horizon_months, cur, lang=la),
            months=sc.horizon_months,
        ),
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=_("Loaded cost of the ops teams in this setup (already subtracted from the gain)."),
    )


def _ranking(result: Comparison) -> None:
    """Every setup, ranked: mean, spread, gain over no ops team, P(best), regret, cost."""
    la = lang()
    frame = data.setup_summary(result, la)
    obj, cur = result.objective, result.scenario.currency

    def val(x: float, signed: bool = False) -> str:
        return verdict.value_text(x, obj, cur, signed, lang=la)

    pct = round(result.confidence * 100)
    setup_col, spread = _("Setup"), _("Typical range of futures")
    gain_col = _("Gain vs no ops team ({pct}% sure)").format(pct=pct)
    shortfall, best_col = _("Average shortfall from each future's best"), _("Futures where best")
    cost_col = _("Team cost/month")
    shown = pd.DataFrame(
        {
            setup_col: frame["setup_name"],
            _("Average {label}").format(label=objective_short(obj, la)): [
                val(x) for x in frame.objective_mean
            ],
            spread: [
                f"{val(a)} – {val(b)}"
                for a, b in zip(frame.objective_p10, frame.objective_p90, strict=True)
            ],
            gain_col: [
                "—"
                if s == BASELINE
                else f"{val(m, True)} ({verdict.range_text(lo, hi, obj, cur, la)})"
                for s, m, lo, hi in zip(
                    frame.setup, frame.gain_vs_none, frame.gain_low, frame.gain_high, strict=True
                )
            ],
            best_col: frame["p_best"],
            shortfall: [val(x) for x in frame.expected_regret],
            cost_col: [money(x, cur, lang=la) for x in frame.ops_cost_per_month],
        }
    )
    phone_table(
        shown,
        "ranking",
        percent=(best_col,),
        column_config={
            setup_col: st.column_config.TextColumn(pinned=True, help=objective_help(obj, la)),
            spread: st.column_config.TextColumn(help=_gloss("spread")),
            gain_col: st.column_config.TextColumn(help=_gloss("confidence")),
            best_col: st.column_config.ProgressColumn(
                format="percent",
                min_value=0.0,
                max_value=1.0,
                help=_gloss("best_in_futures"),
            ),
            shortfall: st.column_config.TextColumn(help=_gloss("regret"), width="medium"),
            cost_col: st.column_config.TextColumn(width="medium"),
        },
    )


def _money_tab(result: Comparison, stem: str) -> None:
    la = lang()
    setups = data.setup_order(result)
    cur = result.scenario.currency
    c1, c2 = st.columns(2)
    with c1:
        profit = _("Profit after go-to-market costs, to date")
        chart_with_downloads(
            lambda: charts.fan_chart(
                data.fan_data(result.results.monthly, "cumulative_contribution", setups, la),
                setups,
                # a short axis title: the long one, on its side, overflowed a phone's chart
                _("Profit to date ({currency})").format(currency=cur),
                profit,
                currency=cur,
                lang=la,
            ),
            "cumulative_contribution",
            stem,
            _("Fan chart of cumulative contribution by month for each setup"),
        )
    with c2:
        chart_with_downloads(
            lambda: charts.fan_chart(
                data.fan_data(result.results.monthly, "arr", setups, la),
                setups,
                f"ARR ({cur})",
                _("Annual recurring revenue"),
                currency=cur,
                lang=la,
            ),
            "arr",
            stem,
            _("Fan chart of ARR by month for each setup"),
        )
    st.caption(
        _(
            "Lines are the middle simulated future; bands hold the middle 80% of futures. "
            "Every setup faces the same futures."
        ),
        help=_gloss("spread") + " " + _gloss("contribution"),
    )
    _explore(result, stem)


@st.fragment
def _explore(result: Comparison, stem: str) -> None:
    """Any other monthly series, picked without rerunning the page."""
    setups = data.setup_order(result)
    options = [s for s in MONTHLY_SERIES if s not in ("cumulative_contribution", "arr")]
    series = st.selectbox(
        _("Explore another monthly series"),
        options=options,
        format_func=partial(_series, lang=lang()),
        key="explore_series",
        persist_state="page",  # kept while another tab is open (its body is not run then)
    )
    kind = "count" if series in COUNT_SERIES else "money"
    cur = result.scenario.currency
    unit = "" if kind == "count" else f" ({cur})"
    chart_with_downloads(
        lambda: charts.fan_chart(
            data.fan_data(result.results.monthly, series, setups, lang()),
            setups,
            f"{_series(series)}{unit}",
            kind=kind,
            currency=cur,
            lang=lang(),
        ),
        f"series_{series}",
        stem,
        _("Fan chart of {series} by month").format(series=_series(series)),
    )


def _sure_tab(result: Comparison, stem: str) -> None:
    la = lang()
    setups = data.setup_order(result)
    obj, cur = result.objective, result.scenario.currency
    gains = data.gain_data(result, la)
    kind = objective_unit(obj)
    unit = f" ({cur})" if kind == "money" else _(" (x ops spend)")
    chart_with_downloads(
        lambda: charts.gain_chart(
            gains,
            setups,
            _("Gain in {label} over no ops team").format(label=objective_label(obj, la)) + unit,
            _("Gain over no ops team, one value per simulated future"),
            kind=kind,
            currency=cur,
            lang=la,
        ),
        "gain_distribution",
        stem,
        _("Distribution of each setup's gain over no ops team across simulated futures"),
    )
    beats = _("Futures where it beats no ops team")
    rows = []
    for setup in setups:
        if setup == BASELINE:
            continue
        g = gains[gains["setup"] == setup]["gain"]
        rows.append(
            {
                _("Setup"): setup_name(setup, la),
                beats: float((g > 0).mean()) if len(g) else math.nan,
                _("1 future in 10 is worse than"): verdict.value_text(
                    g.quantile(0.1), obj, cur, lang=la
                ),
                _("Middle future"): verdict.value_text(g.median(), obj, cur, lang=la),
                _("1 future in 10 is better than"): verdict.value_text(
                    g.quantile(0.9), obj, cur, lang=la
                ),
            }
        )
    if rows:
        phone_table(
            pd.DataFrame(rows),
            "how_sure",
            percent=(beats,),
            column_config={
                beats: st.column_config.ProgressColumn(
                    format="percent", min_value=0.0, max_value=1.0
                )
            },
        )
    hist = result.history
    if len(hist) > 1:
        steps = " → ".join(
            _("{n} futures: {setup}").format(n=h["replications"], setup=setup_name(h["best"], la))
            for h in hist
        )
        st.caption(_("Adaptive run: {steps}").format(steps=steps))


def _funnel_tab(result: Comparison, stem: str) -> None:
    setups = data.setup_order(result)
    chart_with_downloads(
        charts.funnel_chart(
            data.funnel_data(result, lang()),
            setups,
            _("The funnel, mean over futures"),
            lang=lang(),
        ),
        "funnel",
        stem,
        _("Funnel from leads to wins for each setup"),
    )
    st.caption(
        _(
            "Leads are inbound MQLs plus the reps' outbound prospects. Hover a bar for the "
            "conversion from the stage above."
        )
    )


def _metrics_tab(result: Comparison) -> None:
    la = lang()
    st.caption(
        _(
            "The seed article's metric table, grouped as the article groups it. Each cell is "
            "the average over simulated futures, with the range we are 90% sure holds that "
            "average."
        ),
        help=_gloss("confidence"),
    )
    for group in KPI_GROUPS:
        st.markdown(f"**{_(group)}**")
        table = per_answer(f"article:{group}", partial(data.article_table, result, group, la))
        table = table.rename(columns={"Metric": _("Metric")})
        phone_table(table, f"article_{list(KPI_GROUPS).index(group)}")
    st.markdown(_("**ARR at the horizon by segment**"))
    segments = per_answer("segment_arr", lambda: data.segment_arr(result, la))
    segments = segments.rename(columns={"Segment": _("Segment")})
    phone_table(segments, "segment_arr")


def _why_tab(result: Comparison) -> DeltaGenerator:
    """Diagnostics and team costs; returns the slot where the gain attribution goes."""
    la = lang()
    sc = result.scenario
    robust = robust_text(result, la)
    if robust:
        st.markdown(_("**Best on average, and safest against a bad future**"))
        st.markdown(robust, help=_gloss("robust"))
        st.divider()
    st.markdown(
        _(
            "**What the company looks like without an ops team**, figure by figure, against "
            "the article's criteria for each team"
        )
    )
    diag = per_answer("diagnostics", lambda: data.diagnostics_table(result, la))
    flagged = int(diag["Pressure"].sum()) if len(diag) else 0
    st.caption(
        _(
            "{flagged} of {n} signals show pressure (⚠). They say where the engine hurts; the "
            "simulation, not these flags, decides which team pays off."
        ).format(flagged=flagged, n=len(diag))
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
        st.markdown(_("**What each setup's ops teams cost**"))
        costs = data.team_costs(sc, la)
        phone_table(
            pd.DataFrame(
                {
                    _("Setup"): costs["Setup"],
                    _("Per month"): [money(x, sc.currency, lang=la) for x in costs["per_month"]],
                    _("Over {months} months").format(months=sc.horizon_months): [
                        money(x, sc.currency, lang=la) for x in costs["over_horizon"]
                    ],
                }
            ),
            "team_costs",
        )
        teams = _("; ").join(f"{r.Setup}: {r.Teams}" for r in costs.itertuples() if r.Teams != "—")
        st.caption(
            _("Teams: {teams}. Team costs are already subtracted from every gain shown.").format(
                teams=teams
            )
        )
    return slot


def _why(result: Comparison, stem: str) -> None:
    """The Why tab: diagnostics, team costs and the winner's gain split (worked out if missing)."""
    _attribution(result, _why_tab(result), stem)


def _attribution(result: Comparison, slot: DeltaGenerator, stem: str) -> None:
    """Fill `slot` with the winner's gain split by lever group (computed if missing).

    Called only when the Why tab is open: the split re-runs the winner once per lever group.
    """
    la = lang()
    subject = runs.attribution_subject(result)
    if subject is None:
        slot.info(_("No team's gain to explain: no setup with a team ranks first or second."))
        return
    heading = _("**Where the gain of {setup} comes from**").format(setup=setup_name(subject, la))
    if result.attribution is None:
        with slot.container():
            st.markdown(heading)
            runs.ensure_attribution(st.container())
        result = st.session_state.result
    attribution = data.attribution_data(result, la)
    if attribution.empty:
        slot.info(_("No team's gain to explain."))
        return
    sc = result.scenario
    with slot.container():
        st.markdown(heading)
        obj = attribution["objective"].iloc[0]
        kind = objective_unit(obj)
        unit = f" ({sc.currency})" if kind == "money" else _(" (x ops spend)")
        label = objective_label(obj, la)
        chart_with_downloads(
            charts.attribution_chart(
                attribution,
                f"{label[:1].upper()}{label[1:]}{unit}",
                kind=kind,
                currency=sc.currency,
                lang=la,
            ),
            "gain_attribution",
            stem,
            _("Gain of {setup} split by lever group").format(setup=setup_name(subject, la)),
        )
        k = len(result.lever_runs.replications) if result.lever_runs else result.replications
        if k < result.replications:
            caption = _(
                "Each lever group re-run alone on the first {k} of the verdict's {n} futures, "
                "so the total is the gain on those futures, with its own range; 'overlap & "
                "synergy' is what the groups do together beyond their sum. Bars: average; "
                "lines: the range we are 90% sure holds it."
            ).format(k=k, n=result.replications)
        else:
            caption = _(
                "Each lever group re-run alone on the same {n} futures as the verdict, so the "
                "total is the gain above; 'overlap & synergy' is what the groups do together "
                "beyond their sum. Bars: average; lines: the range we are 90% sure holds it."
            ).format(n=result.replications)
        st.caption(caption, help=_gloss("confidence"))


def _downloads(result: Comparison, stem: str) -> None:
    st.markdown(_("##### Download"))
    # each file is made when its button is clicked: built on every rerun of every session,
    # they held the server's GIL for most of a landing page's render
    language = lang()
    items = [
        (
            _("KPI table (CSV)"),
            lambda: exports.kpi_csv(result),
            f"{stem}_kpis.csv",
            "text/csv",
            "dl_kpis",
        ),
        (
            _("Per replication (CSV)"),
            lambda: exports.replications_csv(result),
            f"{stem}_replications.csv",
            "text/csv",
            "dl_reps",
        ),
        (
            _("Monthly series (CSV)"),
            lambda: exports.monthly_csv(result),
            f"{stem}_monthly.csv",
            "text/csv",
            "dl_monthly",
        ),
        (
            _("Ranking (CSV)"),
            lambda: exports.summary_csv(result),
            f"{stem}_ranking.csv",
            "text/csv",
            "dl_rank",
        ),
        (
            _("Article metrics (CSV)"),
            lambda: exports.article_csv(result),
            f"{stem}_article_metrics.csv",
            "text/csv",
            "dl_article",
        ),
        (
            _("Diagnostics (CSV)"),
            lambda: exports.diagnostics_csv(result),
            f"{stem}_diagnostics.csv",
            "text/csv",
            "dl_diag",
        ),
        (
            _("Gain attribution (CSV)"),
            lambda: exports.attribution_csv(result),
            f"{stem}_attribution.csv",
            "text/csv",
            "dl_attr",
        ),
        (
            _("Verdict (JSON)"),
            lambda: exports.verdict_json(result, language),
            f"{stem}_verdict.json",
            "application/json",
            "dl_json",
        ),
        (
            _("Scenario (YAML)"),
            lambda: exports.scenario_yaml(result.scenario),
            f"{stem}.yaml",
            "application/x-yaml",
            "dl_yaml",
        ),
    ]
    with st.container(horizontal=True, gap="small", key="downloads"):
        for label, payload, name, mime, key in items:
            download(label, payload, name, mime, key, width="content")


def _toolbar() -> DeltaGenerator:
    """What counts as best, the link, the report, saving a variant.

    Returns the report's slot, filled once the answer is in (beside *Share*).
    """
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    with c1:
        workshop.objective_picker()
    with c2:
        workshop.share_link()
    with c3:
        report = st.empty()
    with c4:
        workshop.save_variant_control()
    return report


def _objectives(result: Comparison) -> None:
    """Every money objective side by side: each setup's gain over no ops team on each.

    The verdict is judged on one objective; a CFO reads them together, so a horizon that
    cuts off what retention is worth cannot mislead. The best on each is starred.
    """
    la = lang()
    boards = result.objectives()
    cur = result.scenario.currency
    rows = []
    for setup in result.setups:
        row = {_("Setup"): setup_name(setup, la)}
        for name, board in boards.items():
            star = " ★" if board.best == setup else ""
            row[objective_short(name, la)] = (
                verdict.value_text(board.vs_none[setup].mean, name, cur, True, lang=la) + star
            )
        rows.append(row)
    st.markdown(_("**Every measure, side by side** — gain over no ops team; ★ = best on it"))
    # short headings (the full name on hover), so the table fits a phone's width
    columns = {
        objective_short(name, la): st.column_config.TextColumn(help=objective_help(name, la))
        for name in boards
    }
    phone_table(pd.DataFrame(rows), "objectives", columns)
    st.caption(objectives_sentence(result, la))


def render() -> None:
    """Draw the page."""
    _sidebar()
    sc, settings = state.scenario(), state.settings()
    st.title(_("Which ops team pays off?"))
    st.caption(
        _("**{name}** · {months}-month horizon · {settings}").format(
            name=md_escape(scenario_title(sc.name, lang())),
            months=sc.horizon_months,
            settings=state.settings_label(settings),
        ),
        help=objective_help(sc.objective, lang()) + " " + state.settings_help(settings),
    )
    report_slot = _toolbar()
    workshop.cancelled_notice()
    stale = workshop.stale_answer()
    progress_area = st.container()
    try:
        runs.ensure_result(progress_area, lambda r: verdict.provisional(r, lang()))
    except Exception as err:
        stale.empty()  # the banner promised an answer that will not come
        st.error(runs.failure_message(err), icon=":material/error:")
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
    if st.session_state.get("result_cached"):
        computed = _(
            "{n} simulated futures per setup, every setup on the same futures; computed from "
            "the cache."
        ).format(n=result.replications)
    else:
        computed = _(
            "{n} simulated futures per setup, every setup on the same futures; computed in "
            "{seconds} s."
        ).format(n=result.replications, seconds=f"{seconds:.1f}")
    st.caption(
        computed,
        help=_gloss("simulated_futures")
        + " "
        + _gloss("seed")
        + _(" (seed {seed})").format(seed=result.seed),
    )
    _ranking(result)
    _objectives(result)
    stem = exports.file_stem(sc)
    tabs = st.tabs(
        [
            _(":material/show_chart: Money over time"),
            _(":material/insights: How sure"),
            _(":material/filter_alt: Funnel"),
            _(":material/table_chart: Article metrics"),
            _(WHY_TAB),
            _(CHANGE_TAB),
        ],
        key=TABS_KEY,
        on_change="rerun",
    )
    # only the open tab's body is built and sent (switching tabs reruns the page): every
    # closed tab's charts and tables held the server's GIL on every rerun of every session,
    # and each browser drew them hidden
    bodies = (
        partial(_money_tab, result, stem),
        partial(_sure_tab, result, stem),
        partial(_funnel_tab, result, stem),
        partial(_metrics_tab, result),
        partial(_why, result, stem),
        partial(landing_breakevens, result),
    )
    for tab, body in zip(tabs, bodies, strict=True):
        if tab.open:
            with tab:
                body()
    _downloads(st.session_state.result, stem)
    with report_slot:
        workshop.report_button(st.session_state.result, stem)
    workshop.glossary_box()


render()
