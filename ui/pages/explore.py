"""What would change the answer? Sensitivity of the current scenario's verdict.

Tornado, breakevens, a decision map, the value of information, scenario discovery,
curves of P(best) and expected loss along one axis, and each gain's doubt split into chance
and not knowing the inputs.

Every method runs on the same futures as the verdict (common random numbers), through the
app's run cache, with a progress bar and a Cancel button; each result downloads as CSV,
JSON and its chart as SVG or PNG. Nothing runs until its button is pressed.
"""

from __future__ import annotations

import json
import os
from functools import partial

import streamlit as st

from sim import explore
from sim.experiments import variants_from
from sim.explore.inputs import default_input_paths, whole_range
from sim.facts import json_ready
from sim.io import safe_csv, scenario_hash
from sim.outcomes import objective_unit
from sim.params import iter_scalar_paths
from sim.text import explore as words
from sim.text import scenario_title
from ui import explore_charts as charts
from ui import explore_data as data
from ui import exports, state
from ui.explore_curve import draw as draw_curve
from ui.explore_doubt import doubt_reps
from ui.explore_doubt import draw as draw_doubt
from ui.explore_landing import flip_paths
from ui.explore_runs import remember, result_key, run_method, stored
from ui.i18n import _, lang
from ui.runs import SessionBusy
from ui.safe import md_escape
from ui.text import objective_label, setup_name
from ui.widgets import chart_with_downloads, download, phone_table

DEFAULT_REPS = 20


def _reps() -> int:
    """Replications per variant: the test harness's fixed number, else the page's default."""
    raw = os.environ.get("ORGSIM_APP_REPS", "").strip()
    return max(2, int(raw)) if raw.isdigit() else DEFAULT_REPS


def _downloads(stem: str, name: str, facts: dict, frame) -> None:
    c1, c2 = st.columns(2)
    with c1:
        download(
            _("Table (CSV)"), safe_csv(frame), f"{stem}_{name}.csv", "text/csv", f"dl_{name}_csv"
        )
    with c2:
        download(
            _("Facts (JSON)"),
            json.dumps(json_ready(facts), indent=2, ensure_ascii=False),
            f"{stem}_{name}.json",
            "application/json",
            f"dl_{name}_json",
        )


def _label(path: str) -> str:
    """An input's label in the session's language."""
    return words.input_label(path, lang())


def _setup(setup: str) -> str:
    """A setup's name in the session's language."""
    return setup_name(setup, lang())


def _kind(objective: str) -> str:
    return objective_unit(objective)


def _get(method: str, sc, settings: dict, label: str, fn, button: str):
    """The stored result for these settings, or run it when the button is pressed."""
    key = result_key(method, sc, settings)
    found = stored(key)
    if st.button(button, key=f"run_{method}", type="primary", icon=":material/play_arrow:"):
        try:
            run_method(key, fn, settings["reps"], settings["seed"], label)
        except (KeyError, ValueError, SessionBusy) as err:  # a BudgetError is a ValueError
            st.error(
                _("{label} could not run: {error}").format(label=label, error=md_escape(err)),
                icon=":material/error:",
            )
            return None
        found = stored(key)
    if found is None:
        return None
    remember(method, sc, key)  # the report carries the session's last curve and doubt
    result, seconds = found
    st.caption(
        _("{reps} simulated futures per variant · computed in {seconds} s").format(
            reps=int(getattr(result, "replications", settings["reps"])), seconds=f"{seconds:.1f}"
        )
    )
    return result


def _voi_reps(reps: int) -> int:
    """Futures the value of information runs: 40 at the page's default, else as asked."""
    return max(reps, 40) if reps == DEFAULT_REPS else reps


def _discover_reps(reps: int) -> int:
    """Futures scenario discovery runs per sampled point: at most 8."""
    return min(reps, 8)


def _paths(sc) -> list[str]:
    """Inputs offered: the article's handful first, then every other number and effect."""
    first = default_input_paths(sc)
    rest = [i.path for i in explore.all_inputs(sc) if i.path not in first]
    return first + rest


def _tornado(sc, stem: str, reps: int, seed: int) -> None:
    st.markdown(
        _(
            "Each input alone at the low and the high end of its range, everything else as "
            "today: how far does the gap between the top two setups move, and does another "
            "setup (any of them) win at either end?"
        )
    )
    chosen = st.multiselect(
        _("Inputs"),
        _paths(sc),
        default=default_input_paths(sc),
        format_func=partial(words.input_label, lang=lang()),
        key="tornado_inputs",
    )
    settings = {"inputs": chosen, "reps": reps, "seed": seed}
    t = _get(
        "tornado",
        sc,
        settings,
        _("Tornado"),
        lambda o: explore.tornado(sc, chosen or None, o),
        _("Run the tornado"),
    )
    if t is None:
        return
    # the inputs that flip the winner: where the decision map's axes start
    st.session_state["explore_flips"] = (
        scenario_hash(sc),
        [r.input.path for r in t.rows if r.flips],
    )
    st.info(words.tornado_text(t, lang()), icon=":material/tornado:")
    frame = data.tornado_frame(t, lang())
    a, b = (setup_name(s, lang()) for s in t.pair)
    chart_with_downloads(
        charts.tornado_chart(
            frame,
            t.base_gap.mean,
            _("Gap: {a} minus {b} ({currency})").format(a=a, b=b, currency=sc.currency),
            _kind(t.objective),
            _("What moves the gap between the top two"),
            currency=sc.currency,
            lang=lang(),
        ),
        "tornado",
        stem,
        _("Tornado chart of the gap between the top two setups"),
    )
    flips = data.tornado_flips_frame(t, lang())
    if len(flips):
        st.markdown(
            _("**Inputs that change the winner** (today {winner}; → on the chart):").format(
                winner=md_escape(_setup(t.winner))
            )
        )
        phone_table(flips, "tornado_flips")
    _downloads(stem, "tornado", t.facts(), frame)


def _top_two(sc) -> tuple[str, str | None]:
    """The pair a breakeven is usually wanted for: the verdict's top two.

    From the verdict of this scenario when it is on hand; else the first setup with a team.
    """
    result = st.session_state.get("result")
    if result is not None and result.scenario == sc and result.verdict.runner_up is not None:
        return result.verdict.best, result.verdict.runner_up
    setups = list(sc.org.setups)
    return setups[min(1, len(setups) - 1)], None


def _breakeven(sc, stem: str, reps: int, seed: int) -> None:
    st.markdown(_("Where do two setups swap places along one input?"))
    setups = list(sc.org.setups)
    first, second = _top_two(sc)
    c1, c2, c3 = st.columns([3, 1, 1])
    path = c1.selectbox(
        _("Input"), _paths(sc), format_func=partial(words.input_label, lang=lang()), key="be_path"
    )
    item = explore.make_input(sc, path)
    a = c2.selectbox(
        _("Setup A"),
        setups,
        index=setups.index(first),
        format_func=partial(setup_name, lang=lang()),
        key="be_a",
    )
    others = [s for s in setups if s != a]
    b = c3.selectbox(
        _("Setup B"),
        others,
        index=others.index(second) if second in others else 0,
        format_func=partial(setup_name, lang=lang()),
        key="be_b",
    )
    lo, hi = st.slider(
        _("Range searched"),
        float(min(item.low, 0) if item.kind == "effects" else item.low - abs(item.high - item.low)),
        float(item.high + abs(item.high - item.low)),
        (float(item.low), float(item.high)),
        key="be_range",
    )
    settings = {"path": path, "pair": [a, b], "range": [lo, hi], "reps": reps, "seed": seed}
    found = _get(
        "breakeven",
        sc,
        settings,
        _("Breakeven"),
        lambda o: explore.breakeven(sc, item, (lo, hi), (a, b), o),
        _("Find the breakeven"),
    )
    if found is None:
        return
    st.success(words.breakeven_text(found, lang()), icon=":material/swap_horiz:")
    frame = data.breakeven_frame(found)
    chart_with_downloads(
        charts.breakeven_chart(
            frame,
            _label(path),
            _("{a} minus {b} ({currency})").format(a=_setup(a), b=_setup(b), currency=sc.currency),
            found.breakeven,
            found.today,
            _kind(found.objective),
            currency=sc.currency,
            lang=lang(),
        ),
        "breakeven",
        stem,
        _("The pair's gap along the input, with its interval"),
    )
    facts = found.facts()
    facts["text"] = words.breakeven_text(found, lang())
    _downloads(stem, "breakeven", facts, frame)


def _map(sc, stem: str, reps: int, seed: int) -> None:
    st.markdown(
        _(
            "The verdict on a grid of two inputs: colour is the winner, paler where it is "
            "best in fewer futures, ✓ where it is clearly ahead; ◆ is the company today."
        )
    )
    # one number of a team's range (an effect's, a strength's) is not an axis: the range is
    # swept as a whole
    numbers = [
        p
        for p in iter_scalar_paths(sc)
        if ".effects." not in p and whole_range(p) is None and explore.value_at(sc, p) is not None
    ]
    # where the winner is known to change: the nearest breakevens' and the tornado's flips
    result = st.session_state.get("result")
    flips = flip_paths(result) if result is not None and result.scenario == sc else []
    tornado_flips = st.session_state.get("explore_flips")
    if tornado_flips is not None and tornado_flips[0] == scenario_hash(sc):
        flips = [*flips, *tornado_flips[1]]
    flips = [p for p in flips if p in numbers]
    dx, dy = explore.default_axes(sc, flips)
    if flips:
        st.caption(
            _(
                "The axes start on inputs known to change the winner (the nearest breakevens, "
                "the tornado's flips)."
            )
        )
    c1, c2, c3 = st.columns([3, 3, 1])
    x = c1.selectbox(
        _("Across"),
        numbers,
        index=numbers.index(dx) if dx in numbers else 0,
        format_func=partial(words.input_label, lang=lang()),
        key="map_x",
    )
    y = c2.selectbox(
        _("Up"),
        numbers,
        index=numbers.index(dy) if dy in numbers else 1,
        format_func=partial(words.input_label, lang=lang()),
        key="map_y",
    )
    n = c3.number_input(_("Points"), 2, 10, 6, key="map_n")
    settings = {"x": x, "y": y, "n": n, "reps": reps, "seed": seed}
    m = _get(
        "map",
        sc,
        settings,
        _("Decision map"),
        lambda o: explore.decision_map(sc, (x, None, None, n), (y, None, None, n), o),
        _("Draw the map"),
    )
    if m is None:
        return
    st.info(words.map_text(m, lang()), icon=":material/grid_on:")
    frame = data.map_frame(m, lang())
    chart_with_downloads(
        charts.map_chart(
            frame,
            list(sc.org.setups),
            _label(x),
            _label(y),
            (m.x.base, m.y.base),
            _("Who wins where"),
            lang=lang(),
        ),
        "decision_map",
        stem,
        _("Decision map: the best setup in each cell"),
    )
    _downloads(stem, "decision_map", m.facts(), frame)
    labels = {
        f"{words.input_value(x, c.x, sc.currency, lang())} · "
        f"{words.input_value(y, c.y, sc.currency, lang())} — {_setup(c.best)}": c
        for c in m.cells
    }
    pick = st.selectbox(_("Open a cell as the scenario"), list(labels), key="map_cell")
    if st.button(_("Open this cell"), icon=":material/open_in_new:", key="map_open"):
        cell = labels[pick]
        variant = variants_from(sc, [cell.changes])[0].scenario
        state.set_scenario(variant, f"edited:{sc.name}")
        st.switch_page("ui/pages/which_team.py")


def _voi(sc, stem: str, reps: int, seed: int) -> None:
    st.markdown(
        _(
            "What is it worth to learn a team's real effect before deciding? Read from the "
            "same futures as the verdict: each future draws every effect afresh."
        )
    )
    voi_reps = _voi_reps(reps)
    settings = {"reps": voi_reps, "seed": seed}
    v = _get(
        "voi",
        sc,
        settings,
        _("Value of information"),
        lambda o: explore.value_of_information(sc, o),
        _("Work out the value of information"),
    )
    if v is None:
        return
    st.info(words.evpi_text(v, lang()), icon=":material/school:")
    for i in range(min(3, len(v.evppi))):
        st.markdown(f"- {words.evppi_text(v, i, lang())}")
    frame = data.voi_frame(v, lang())
    chart_with_downloads(
        charts.voi_chart(
            frame,
            v.evpi.mean,
            _("Worth knowing before deciding ({currency})").format(currency=sc.currency),
            _kind(v.objective),
            _("Value of learning each effect (dashed: everything)"),
            currency=sc.currency,
            lang=lang(),
        ),
        "voi",
        stem,
        _("Partial value of information per team effect"),
    )
    _downloads(stem, "voi", v.facts(), frame)


def _discover(sc, stem: str, reps: int, seed: int) -> None:
    st.markdown(
        _(
            "Where, across all the uncertain ranges at once, does a setup win? A Latin "
            "hypercube samples the ranges; PRIM finds the boxes where its wins gather."
        )
    )
    c1, c2 = st.columns([2, 1])
    setup = c1.selectbox(
        _("Setup"),
        list(sc.org.setups),
        index=min(2, len(sc.org.setups) - 1),
        format_func=partial(setup_name, lang=lang()),
        key="disc_setup",
    )
    samples = c2.number_input(_("Sampled points"), 16, 256, 48, step=16, key="disc_samples")
    disc_reps = _discover_reps(reps)
    settings = {"setup": setup, "samples": samples, "reps": disc_reps, "seed": seed}
    d = _get(
        "discover",
        sc,
        settings,
        _("Scenario discovery"),
        lambda o: explore.discover(sc, setup, None, int(samples), o),
        _("Discover"),
    )
    if d is None:
        return
    st.info(
        _("{setup} wins at {share:.0%} of {n} sampled points.").format(
            setup=_setup(setup), share=d.share, n=len(d.winners)
        ),
        icon=":material/travel_explore:",
    )
    for i in range(len(d.boxes)):
        st.markdown(f"- {words.box_text(d, i, lang())}")
    frame = data.discovery_frame(d)
    dims = [d.inputs[r.dim].path for r in d.boxes[0].rules] if d.boxes else []
    dims = (dims + [i.path for i in d.inputs if i.path not in dims])[:2]
    chart_with_downloads(
        charts.discovery_chart(
            frame,
            dims[0],
            dims[1],
            _label(dims[0]),
            _label(dims[1]),
            data.box_rect(d, *dims),
            _("Where {setup} wins").format(setup=_setup(setup)),
            lang=lang(),
            setup=setup,
        ),
        "discovery",
        stem,
        _("Sampled points where the setup wins, with the first PRIM box"),
    )
    _downloads(stem, "discovery", d.facts(), frame)


def _curve(sc, stem: str, reps: int, seed: int) -> None:
    draw_curve(sc, stem, reps, seed, _get, _downloads)


def _doubt(sc, stem: str, reps: int, seed: int) -> None:
    draw_doubt(sc, stem, doubt_reps(reps, DEFAULT_REPS), seed, _get, _downloads)


def render() -> None:
    """Draw the page."""
    sc = state.scenario()
    seed = state.settings().seed
    st.title(_("What would change the answer?"))
    st.caption(
        _(
            "**{name}** · best means the highest {objective} · every variant faces the same "
            "simulated futures"
        ).format(
            name=md_escape(scenario_title(sc.name, lang())),
            objective=objective_label(sc.objective, lang()),
        )
    )
    reps = st.sidebar.number_input(
        _("Futures per variant"),
        2,
        200,
        _reps(),
        key="explore_reps",
        help=_(
            "Replications of every variant; common random numbers keep paired gaps precise "
            "with few of them. Each result says how many it ran."
        ),
    )
    st.sidebar.caption(
        _(
            "Futures each tool runs: tornado, breakeven, decision map and curve {reps}; value "
            "of information {voi}; scenario discovery {discover} per sampled point; doubt "
            "{doubt}, twice (inputs drawn, inputs fixed)."
        ).format(
            reps=int(reps),
            voi=int(_voi_reps(int(reps))),
            discover=int(_discover_reps(int(reps))),
            doubt=int(doubt_reps(int(reps), DEFAULT_REPS)),
        )
    )
    stem = exports.file_stem(sc)
    tabs = st.tabs(
        [
            _("Tornado"),
            _("Breakeven"),
            _("Decision map"),
            _("Value of information"),
            _("Scenario discovery"),
            _("Curve"),
            _("Doubt"),
        ]
    )
    methods = (_tornado, _breakeven, _map, _voi, _discover, _curve, _doubt)
    for tab, draw in zip(tabs, methods, strict=True):
        with tab:
            draw(sc, stem, int(reps), seed)


render()
