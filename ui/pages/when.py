"""When? When to start each ops team: the plan search on the current scenario.

Every combination of start months for the teams chosen (and the scenario's own plans) runs on
the same simulated futures; clearly worse plans are dropped after each batch of futures
(`sim.plans.search_plans`). The answer in words, the best plan as a timeline, the cost of
delay per team, the plans table and fans of the best plan against no ops team; each
downloads as CSV or JSON, the charts as SVG or PNG. The scenario's own plans are edited here
(validated by the schema) and join the search. Runs go through the explore page's runner
(`ui.explore_runs`): progress, Cancel, the app's run cache and budget, results kept per
server. Nothing runs until the button is pressed.
"""

from __future__ import annotations

import os
from functools import partial

import pandas as pd
import streamlit as st

from sim.io import scenario_hash
from sim.params.org import TRIGGER_METRICS
from sim.plans import DEFAULT_STARTS
from sim.plans.search import FIRST_BATCH
from sim.text import scenario_title, translator
from sim.text.plans import METRIC_WORDS, plan_sentence
from ui import exports, runs, state, workshop
from ui import when_charts as charts
from ui import when_data as data
from ui.explore_runs import result_key, run_method, stored
from ui.i18n import N_, _, lang
from ui.runs import SessionBusy
from ui.safe import md_escape
from ui.text import money, objective_label, team_name
from ui.widgets import chart_with_downloads, download, phone_table, show_problems

# a page's bare strings are drawn on it (Streamlit's magic): comments, not docstrings, here
DEFAULT_REPS = 40  # futures per plan at most: the first 20 for every plan, 20 more for the rest
NEW_PLAN = "\u0000new"  # the plan picker's entry for a plan not yet in the scenario
KIND_WORDS = {
    "month": N_("in a month"),
    "never": N_("never"),
    "trigger": N_("on a trigger"),
}
PICK_NEXT = "when_plan_pick_next"


def _reps() -> int:
    """Futures per plan at most: the test harness's fixed number, else the page's default."""
    raw = os.environ.get("ORGSIM_APP_REPS", "").strip()
    return max(2, int(raw)) if raw.isdigit() else DEFAULT_REPS


def _words(la: str) -> dict:
    """The select boxes' option words in `la`, fixed now.

    A format function may be called outside the session, where its language is unknown.
    """
    tr = translator(la)
    return {
        "new": tr("A new plan"),
        "kinds": {k: tr(w) for k, w in KIND_WORDS.items()},
        "metrics": {m: tr(METRIC_WORDS[m]) for m in TRIGGER_METRICS},
        "never": tr("never"),
        "month": tr("month {month}"),
    }


def _start_word(start: int | None, words: dict) -> str:
    return words["never"] if start is None else words["month"].format(month=start)


# ----------------------------------------------------------------------------- own plans
def _plans_editor(sc) -> None:
    """The scenario's own plans: listed, edited, added or deleted (validated by the schema)."""
    la = lang()
    words = _words(la)
    names = list(sc.org.plans)
    title = _("The scenario's own plans ({n})").format(n=len(names))
    problems = st.session_state.get("when_plan_problems")
    with st.expander(title, icon=":material/edit_calendar:", expanded=bool(problems)):
        st.caption(
            _(
                "A plan gives each team a start month, a trigger (a figure reaching a "
                "threshold), or never. The scenario's plans join every search below and go "
                "with the scenario into the link, the variants and the report."
            )
        )
        if names:
            phone_table(data.plans_overview(sc, la), "when_own_plans")
        if PICK_NEXT in st.session_state:  # the plan just saved (set before its widget)
            st.session_state.when_plan_pick = st.session_state.pop(PICK_NEXT)
        choice = st.selectbox(
            _("Plan to edit"),
            [NEW_PLAN, *names],
            format_func=lambda n: words["new"] if n == NEW_PLAN else n,
            key="when_plan_pick",
        )
        old = None if choice == NEW_PLAN else choice
        inputs = data.plan_inputs(sc, old)
        v = f"{state.form_version()}.{choice}"
        with st.form(key="when_plan_form", border=False):
            name = st.text_input(
                _("Plan name"),
                value=old or f"plan_{len(names) + 1}",
                max_chars=40,
                key=f"when_plan_name.{v}",
                help=_("Letters (a-z), digits, _ and -: the name goes into the page's link."),
            )
            rows = {}
            for team in sc.org.teams:
                row = inputs[team]
                st.markdown(f"**{md_escape(team_name(team, la))}**")
                c1, c2, c3, c4, c5 = st.columns([2, 1, 2, 1, 1], vertical_alignment="bottom")
                kind = c1.selectbox(
                    _("Starts"),
                    data.KINDS,
                    index=data.KINDS.index(row["kind"]),
                    format_func=words["kinds"].get,
                    key=f"when_kind_{team}.{v}",
                )
                start = c2.number_input(
                    _("Start month"),
                    min_value=0,
                    value=int(row["start"]),
                    step=1,
                    key=f"when_start_{team}.{v}",
                    help=_("Month the team starts (0 = now); used when it starts in a month."),
                )
                metric = c3.selectbox(
                    _("Watched figure"),
                    TRIGGER_METRICS,
                    index=TRIGGER_METRICS.index(row["metric"]),
                    format_func=words["metrics"].get,
                    key=f"when_metric_{team}.{v}",
                )
                at_least = c4.number_input(
                    _("Threshold"),
                    value=float(row["at_least"]),
                    key=f"when_at_least_{team}.{v}",
                    help=_(
                        "The figure that triggers the hire: ARR in {currency}; reps and leads "
                        "as counts; the shares of SQLs going cold and of deal slots in use in "
                        "percent."
                    ).format(currency=sc.currency),
                )
                recruit = c5.number_input(
                    _("Months to recruit"),
                    min_value=0.0,
                    value=float(row["recruit"]),
                    step=1.0,
                    key=f"when_recruit_{team}.{v}",
                    help=_("The team starts this many months after its trigger fires."),
                )
                rows[team] = {
                    "kind": kind,
                    "start": start,
                    "metric": metric,
                    "at_least": at_least,
                    "recruit": recruit,
                }
            c1, c2 = st.columns(2)
            save = c1.form_submit_button(
                _("Save the plan"), type="primary", icon=":material/save:", key="when_plan_save"
            )
            delete = c2.form_submit_button(
                _("Delete the plan"),
                icon=":material/delete:",
                disabled=old is None,
                key="when_plan_delete",
            )
        if save or delete:
            plan = None if delete else data.plan_from_inputs(rows)
            new, found = data.with_plan(sc, old, name, plan, la)
            if found:
                st.session_state.when_plan_problems = found
                problems = found
            else:
                st.session_state.when_plan_problems = None
                st.session_state.when_plan_saved = (
                    _("Plan deleted.")
                    if delete
                    else _("Plan '{name}' saved: it joins the search.").format(name=name.strip())
                )
                state.set_scenario(new, f"edited:{state.origin_text()}")
                st.session_state[PICK_NEXT] = NEW_PLAN if delete else name.strip()
                st.rerun()
        if problems:
            show_problems(
                problems, sc, _("The plan was not saved — the scenario's plans are unchanged:")
            )
    saved = st.session_state.pop("when_plan_saved", None)
    if saved:
        st.toast(md_escape(saved), icon=":material/event_available:")


# ----------------------------------------------------------------------------- the search
def _search_settings(sc) -> tuple[list[str], list[int | None], int]:
    """Teams, start months and futures per plan, as chosen on the page."""
    la = lang()
    horizon = sc.horizon_months
    teams_all = list(sc.org.teams)
    months = sorted({s for s in DEFAULT_STARTS if s is not None} | set(range(0, horizon, 3)))
    options: list[int | None] = [m for m in months if m < horizon] + [None]
    c1, c2, c3 = st.columns([2, 3, 1], vertical_alignment="bottom")
    teams = c1.multiselect(
        _("Teams"),
        teams_all,
        default=teams_all,
        format_func=partial(team_name, lang=la),
        key="when_teams",
        help=_("The teams whose start is searched; every combination of their starts runs."),
    )
    starts = c2.multiselect(
        _("Start months searched"),
        options,
        default=[s for s in DEFAULT_STARTS if s is None or s < horizon],
        format_func=partial(_start_word, words=_words(la)),
        key="when_starts",
        help=_("Month 0 is now; 'never' is not hiring the team within the horizon."),
    )
    most = c3.number_input(
        _("Futures per plan, at most"),
        min_value=2,
        max_value=400,
        value=_reps(),
        step=10,
        key="when_reps",
        help=_(
            "Every plan runs on the first {batch} simulated futures; after each batch of "
            "{batch}, plans clearly worse than the leader are dropped, and the rest go on up "
            "to this many."
        ).format(batch=FIRST_BATCH),
    )
    order = {s: i for i, s in enumerate(options)}
    return teams, sorted(starts, key=lambda s: order.get(s, 0)), int(most)


def _search(sc, seed: int):
    """The stored search for the page's settings, or run it when the button is pressed."""
    teams, starts, most = _search_settings(sc)
    n = data.plan_count(sc, teams, starts)
    ready = bool(teams) and len(starts) >= 2
    if ready:
        st.caption(
            _(
                "{n} plans: {grid} combinations of start months and {own} of the scenario's "
                "own, each on up to {most} simulated futures."
            ).format(
                n=int(n),
                grid=int(n - len(sc.org.plans)),
                own=len(sc.org.plans),
                most=int(most),
            )
        )
    else:
        st.info(
            _("Choose at least one team and two start months to compare."),
            icon=":material/info:",
        )
    settings = {"teams": teams, "starts": starts, "reps": most, "seed": seed}
    key = result_key("when", sc, settings)
    found = stored(key)
    label = _("Plan search")
    if st.button(
        _("Search the plans"),
        key="run_when",
        type="primary",
        icon=":material/play_arrow:",
        disabled=not ready,
    ):
        try:
            run_method(
                key,
                lambda o: data.run_when(
                    sc,
                    teams,
                    starts,
                    most,
                    o.seed,
                    workers=o.workers or 1,
                    budget=o.budget,
                    executor=runs.shared_executor(),
                    cache=o.cache,
                    progress=o.progress,
                ),
                most,
                seed,
                label,
            )
        except (KeyError, ValueError, SessionBusy) as err:  # a BudgetError is a ValueError
            st.error(
                _("{label} could not run: {error}").format(label=label, error=md_escape(err)),
                icon=":material/error:",
            )
            return None
        found = stored(key)
    if found is None:
        return None
    st.session_state[workshop.WHEN_LAST] = {"scenario": scenario_hash(sc), "key": key}
    return found


# ----------------------------------------------------------------------------- the answer
def _answer(result: data.WhenResult, seconds: float, stem: str) -> None:
    la = lang()
    s = result.search
    cur = result.currency
    best = s.plan(s.best)
    st.success(md_escape(plan_sentence(s, cur, la)), icon=":material/event:")
    frame = data.plans_frame(result, la)  # best first
    st.markdown(
        _("**Best plan:** {plan}").format(plan=md_escape(frame["plan_words"].iloc[0])),
        help=_("The plan with the highest mean {objective}.").format(
            objective=objective_label(s.objective, la)
        ),
    )
    c1, c2 = st.columns(2)
    c1.metric(
        _("Futures where it is best"),
        f"{best.p_best:.0%}",
        border=True,
        help=_("Share of the simulated futures in which it was the best of the plans run there."),
    )
    c2.metric(
        _("Plan runs"),
        f"{s.runs:,}",
        delta=_("{without} without dropping plans").format(
            without=f"{s.runs_without_elimination:,}"
        ),
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=_(
            "Plans clearly worse than the leader stop early; {simulated} runs were simulated "
            "now, the rest came from the cache."
        ).format(simulated=f"{s.runs_executed:,}"),
    )
    st.caption(
        _(
            "Up to {n} simulated futures per plan, every plan on the same futures · computed "
            "in {seconds} s"
        ).format(n=s.replications, seconds=f"{seconds:.1f}")
    )
    st.markdown(_("##### Who starts when in the best plan"))
    chart_with_downloads(
        charts.timeline_chart(data.timeline_frame(result, la), result.horizon, _("Month"), lang=la),
        "when_timeline",
        stem,
        _("Timeline of the best plan: when each team starts and reaches full effect"),
    )
    st.markdown(_("##### What waiting costs"))
    delay = data.delay_frame(result, la)
    chart_with_downloads(
        charts.delay_chart(
            delay,
            result.horizon,
            data.never_x(result.horizon),
            _("Start month"),
            _("Loss vs best plan ({currency})").format(currency=cur),
            currency=cur,
            lang=la,
        ),
        "when_delay_cost",
        stem,
        _("Cost of delay: the loss against the best plan by each team's start month"),
    )
    st.caption(
        _(
            "One team's start moves, the other teams stay as in the best plan; the band is "
            "the {pct}% interval of the loss, paired on the same futures. 0 = as good as the "
            "best plan."
        ).format(pct=round(s.confidence * 100))
    )
    _table(result, frame, la)
    _fans(result, stem, la)
    _downloads(result, stem, la)


def _table(result: data.WhenResult, frame: pd.DataFrame, la: str) -> None:
    s = result.search
    cur = result.currency
    pct = round(s.confidence * 100)
    label = objective_label(s.objective, la)
    plan_col, value_col = _("Plan"), label[:1].upper() + label[1:]
    loss_col = _("Loss vs best ({level}%)").format(level=pct)
    best_col, reps_col = _("Futures where best"), _("Futures")

    def interval(mean, low, high) -> str:
        if low is None or high is None:
            return money(mean, cur, lang=la)
        low_text, high_text = money(low, cur, lang=la), money(high, cur, lang=la)
        return f"{money(mean, cur, lang=la)} ({low_text} .. {high_text})"

    shown = pd.DataFrame(
        {
            plan_col: [
                ("★ " if b else "") + w for b, w in zip(frame.best, frame.plan_words, strict=True)
            ],
            value_col: [money(x, cur, lang=la) for x in frame.value],
            loss_col: [
                interval(m, lo, hi)
                for m, lo, hi in zip(
                    frame.loss_vs_best, frame.loss_low, frame.loss_high, strict=True
                )
            ],
            best_col: frame.p_best,
            reps_col: frame.replications,
        }
    )
    st.markdown(_("##### Every plan, best first"))
    phone_table(
        shown,
        "when_plans",
        percent=(best_col,),
        column_config={
            plan_col: st.column_config.TextColumn(pinned=True, width="large"),
            best_col: st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            ),
        },
    )
    st.caption(
        _(
            "Each plan's figures are on the futures it ran; a plan clearly worse than the "
            "leader stopped early, so it ran fewer."
        )
    )


def _fans(result: data.WhenResult, stem: str, la: str) -> None:
    cur = result.currency
    fans = result.fans
    st.markdown(_("##### The best plan against no ops team, month by month"))
    arr = fans[fans["series"] == "arr"].assign(key=fans["line"])
    chart_with_downloads(
        charts.lines_fan_chart(
            arr,
            {"best": _("Best plan"), "none": _("No ops team")},
            f"ARR ({cur})",
            currency=cur,
            lang=la,
        ),
        "when_arr",
        stem,
        _("Fan chart of ARR: the best plan and no ops team"),
    )
    if result.seats_simulated:
        seats = fans[fans["series"].isin(["seats_filled", "ramped_reps"])]
        labels = {
            "seats_filled": _("Sales seats filled"),
            "ramped_reps": _("Ramped reps"),
        }
        keyed = seats[seats["line"] == "best"].assign(key=seats["series"])
        if not all(data.same_lines(fans, x) for x in labels):
            other = seats[seats["line"] == "none"].assign(key="none_" + seats["series"])
            keyed = pd.concat([keyed, other])
            labels |= {
                "none_seats_filled": _("Sales seats filled, no ops team"),
                "none_ramped_reps": _("Ramped reps, no ops team"),
            }
        chart_with_downloads(
            charts.lines_fan_chart(keyed, labels, _("Reps"), kind="count", currency=cur, lang=la),
            "when_seats",
            stem,
            _("Fan chart of sales seats filled and ramped reps"),
        )
        if len(labels) == 2:
            st.caption(
                _(
                    "The sales seats are the same in every plan (the ops teams hire no reps), "
                    "so one fan stands for the best plan and no ops team alike."
                )
            )
    else:
        st.caption(
            _(
                "The sales seats are not simulated in this scenario (no hiring plan and no "
                "attrition): every rep is there and productive throughout."
            )
        )
    st.caption(
        _(
            "Lines are the middle simulated future; bands hold the middle 80% of {n} futures."
        ).format(n=int(result.fan_replications))
    )


def _downloads(result: data.WhenResult, stem: str, la: str) -> None:
    st.markdown(_("##### Download"))
    items = [
        (_("Plans (CSV)"), lambda: data.plans_csv(result, la), "plans.csv", "text/csv"),
        (
            _("Cost of delay (CSV)"),
            lambda: data.delay_csv(result, la),
            "delay_cost.csv",
            "text/csv",
        ),
        (_("Monthly fans (CSV)"), lambda: data.fans_csv(result), "plan_fans.csv", "text/csv"),
        (
            _("Facts (JSON)"),
            lambda: data.facts_json(result, la),
            "plans.json",
            "application/json",
        ),
    ]
    with st.container(horizontal=True, gap="small", key="when_downloads"):
        for label, payload, name, mime in items:
            download(
                label,
                payload,
                f"{stem}_{name}",
                mime,
                f"dl_when_{name.replace('.', '_')}",
                width="content",
            )
    answer = st.session_state.get("result")
    if answer is not None and answer.scenario == state.scenario():
        workshop.report_button(answer, stem)
        st.caption(_("The one-page report adds a section on when to hire from this search."))
    else:
        st.caption(
            _(
                "The one-page report of *Which team?* adds a section on when to hire from "
                "this search."
            )
        )


def render() -> None:
    """Draw the page."""
    sc = state.scenario()
    seed = state.settings().seed
    st.title(_("When to start each team?"))
    st.caption(
        _(
            "**{name}** · {months}-month horizon · best means the highest {objective} · every "
            "plan faces the same simulated futures"
        ).format(
            name=md_escape(scenario_title(sc.name, lang())),
            months=sc.horizon_months,
            objective=objective_label(data.search_objective(sc), lang()),
        )
    )
    _plans_editor(sc)
    sc = state.scenario()
    found = _search(sc, seed)
    if found is None:
        return
    result, seconds = found
    _answer(result, seconds, exports.file_stem(sc))


render()
