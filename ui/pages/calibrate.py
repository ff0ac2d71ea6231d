"""The Calibrate page: the company's own CRM exports -> a scenario with intervals.

Upload (or take the example company's files), see and correct the detected column mapping,
estimate, look at each fit against its data, run the back-test, then use the calibrated
scenario. A bad file shows every problem with its file, row and column, and nothing is
estimated from it.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from sim.calibrate import KINDS, ROLES, DataError, RawTable, calibrate, mapping_for, read_bytes
from sim.calibrate.backtest import run_backtest
from sim.calibrate.mapping import with_overrides
from sim.calibrate.plots import backtest_long, cycle_curves, deal_sizes, flow
from sim.executors import SerialExecutor
from sim.io import scenario_to_yaml
from sim.params import field_meta
from sim.text import translator
from sim.text.explore import input_label, input_value
from ui import state
from ui.calibrate_charts import backtest_chart, cycle_chart, flow_chart, size_chart
from ui.i18n import N_, _, lang
from ui.runs import SessionBusy, app_budget, gated
from ui.safe import md_escape
from ui.widgets import download, file_uploader, phone_table

EXAMPLE_DIR = state.ROOT / "examples" / "lumen_ledger"
BACKTEST_REPS = 50  # as the command line's default (--reps 50): one back-test for both
LABELS = {
    "deals": N_("Deals / opportunities (required)"),
    "leads": N_("Leads / contacts (optional)"),
    "customers": N_("Customers / subscriptions (optional)"),
}
KEY = "cal."


def _amounts(kind: str, tr) -> str:
    """How deal amounts are given, in words (`tr`: the session's translator)."""
    return tr(N_("annual") if kind == "annual" else N_("monthly"))


def _problems_box(err: DataError, title: str) -> None:
    """Every problem as a line naming file, row and column."""
    lines = [f"- {md_escape(p)}" for p in err.problems]
    if err.more:
        lines.append("- " + _("... and {n} more").format(n=err.more))
    st.error(f"**{title}**\n\n" + "\n".join(lines), icon=":material/error:")


def _files() -> dict[str, RawTable]:
    """The raw files: uploads, or the example company's when asked for."""
    ss = st.session_state
    c1, c2 = st.columns([3, 1])
    with c2:
        if st.button(
            _("Use the example company"),
            key=KEY + "example",
            width="stretch",
            help=_(
                "Lumen Ledger: a fictional company's HubSpot deals, leads and customers exports "
                "(examples/ in the project)."
            ),
        ):
            ss[KEY + "raw_bytes"] = {
                k: (f"{k}.csv", (EXAMPLE_DIR / f"{k}.csv").read_bytes()) for k in KINDS
            }
            ss.pop(KEY + "result", None)
    uploads: dict[str, tuple[str, bytes]] = dict(ss.get(KEY + "raw_bytes", {}))
    with c1:
        cols = st.columns(3)
        for col, kind in zip(cols, KINDS, strict=True):
            with col:
                f = file_uploader(_(LABELS[kind]), ["csv", "xlsx", "txt"], KEY + "up." + kind)
                if f is not None:
                    uploads[kind] = (f.name, f.getvalue())
    raws: dict[str, RawTable] = {}
    problems = []
    read: dict[str, tuple[str, RawTable | DataError]] = ss.setdefault(KEY + "read", {})
    for kind, (name, data) in uploads.items():
        # read once per file, not on every rerun: a large export takes seconds of CPU
        digest = name + ":" + hashlib.blake2b(data, digest_size=16).hexdigest()
        if kind not in read or read[kind][0] != digest:
            outcome: RawTable | DataError
            try:
                with gated():  # reading counts as a run: the same concurrent-run limit
                    outcome = read_bytes(data, name)
            except DataError as err:
                outcome = err
            except SessionBusy as err:
                st.error(md_escape(err), icon=":material/error:")
                return {}
            read[kind] = (digest, outcome)
        outcome = read[kind][1]
        if isinstance(outcome, DataError):
            problems += outcome.problems
        else:
            raws[kind] = outcome
    if problems:
        _problems_box(
            DataError(problems), _("These files could not be read — nothing was estimated:")
        )
        return {}
    return raws


def _mapping(raws: dict[str, RawTable]) -> dict:
    """The detected mapping of each file, shown as select boxes the user can correct."""
    out = {}
    for kind, raw in raws.items():
        detected = mapping_for(kind, raw)
        headers = ["", *raw.frame.columns]
        with st.expander(
            _("Columns of `{name}` ({flavour} layout, {rows} rows)").format(
                name=raw.name, flavour=detected.flavour, rows=f"{len(raw.frame):,}"
            ),
            expanded=bool(detected.missing),
        ):
            chosen = {}
            cols = st.columns(4)
            for i, role in enumerate(ROLES[kind]):
                current = detected.columns.get(role.name, "")
                how = detected.rows()[i]["how"]
                with cols[i % 4]:
                    chosen[role.name] = st.selectbox(
                        f"{role.label}{' *' if role.required else ''}",
                        headers,
                        index=headers.index(current),
                        key=f"{KEY}map.{kind}.{role.name}.{raw.name}",
                        help=_("Detected: {how}.").format(how=how)
                        if current
                        else _("Not found in the headers."),
                    )
            changed = {r: c for r, c in chosen.items() if c != detected.columns.get(r, "")}
            try:
                out[kind] = with_overrides(detected, changed, raw.name) if changed else detected
            except DataError as err:
                _problems_box(err, _("This mapping cannot be used:"))
    return out


def _estimate(raws: dict[str, RawTable], mappings: dict) -> None:
    ss = st.session_state
    names = list(state.preset_paths())
    c1, c2, c3 = st.columns(3)
    base_name = c1.selectbox(
        _("Base preset (for what the data cannot give)"),
        names,
        format_func=partial(state.preset_label, lang=lang()),
        key=KEY + "base",
    )
    amounts = c2.radio(
        _("Deal amounts are"),
        ["annual", "monthly"],
        horizontal=True,
        format_func=partial(_amounts, tr=translator(lang())),
        key=KEY + "amounts",
        help=_("Annual contract values (ACV) or MRR."),
    )
    fmt = c3.text_input(
        _("Date format (only if asked)"),
        key=KEY + "datefmt",
        help=_("e.g. %d/%m/%Y when day and month could be read either way."),
    )
    if not st.button(_("Estimate"), type="primary", key=KEY + "run", icon=":material/calculate:"):
        return
    _text, base, problems = state.read_preset(base_name)
    if base is None:
        st.error(
            _("The preset {name} could not be read: {problems}").format(
                name=md_escape(base_name), problems=md_escape(problems)
            )
        )
        return
    try:
        with gated(), st.spinner(_("Estimating…")):
            ss[KEY + "result"] = calibrate(
                raws,
                base,
                f"{base_name}.yaml",
                mappings=mappings,
                date_format=fmt or None,
                amounts=amounts,
            )
        ss.pop(KEY + "backtest", None)
    except DataError as err:
        ss.pop(KEY + "result", None)
        _problems_box(err, _("The data cannot be used as it is — nothing was estimated:"))
    except (ValueError, SessionBusy) as err:
        ss.pop(KEY + "result", None)
        st.error(
            _("Calibration stopped: {error}").format(error=md_escape(err)), icon=":material/error:"
        )


def _estimates(cal, sc) -> pd.DataFrame:
    """The estimates as people read them: the field's label, values in its unit."""
    la, cur = lang(), sc.currency

    def value(path: str, x: float | None) -> str:
        if x is None:
            return "—"
        path = path.replace(".*.", ".0.")
        try:
            field_meta(path)
        except Exception:  # an estimate with no field of its own (a monthly growth rate)
            return f"{x:.2%}" if abs(x) < 1 else f"{x:,.4g}"
        return input_value(path, float(x), cur, la)

    def label(path: str, fallback: str) -> str:
        try:
            found = input_label(path.replace(".*.", ".0."), la)
        except Exception:
            return fallback
        if "." in found and " " not in found:
            return fallback
        parts = path.split(".")
        if len(sc.segments) > 1 and parts[0] == "segments" and parts[1].isdigit():
            # two segments' win rates are two rows: say whose
            return _("{segment}: {label}").format(
                segment=sc.segments[int(parts[1])].name, label=found
            )
        return found

    rows = []
    for e in cal.estimates:
        interval = (
            _("{low} to {high}").format(low=value(e.path, e.low), high=value(e.path, e.high))
            if e.low is not None and e.high is not None
            else "—"
        )
        rows.append(
            {
                _("Estimate"): label(e.path, e.label),
                _("Value"): value(e.path, e.value),
                _("90% interval"): interval,
                _("From"): f"{e.file}: {e.basis}",
                _("Method"): e.method,
            }
        )
    if cal.season is not None:
        rows.append(_season_row(cal, label("market.seasonality", "market.seasonality")))
    return pd.DataFrame(rows)


def _month(k: int) -> str:
    """Calendar month `k` (1 = January) by name, in the session's language."""
    return f"{k}月" if lang() == "ja" else pd.Period(f"2000-{k:02d}", "M").strftime("%B")


def _season_row(cal, label: str) -> dict[str, str]:
    """The season found in the data as one row: its busiest and its quietest month."""
    s = cal.season.multipliers
    top, low = int(np.argmax(s)), int(np.argmin(s))
    return {
        _("Estimate"): label,
        _("Value"): _("busiest {top} ×{high:.2f}, quietest {low} ×{small:.2f}").format(
            top=_month(top + 1), high=s[top], low=_month(low + 1), small=s[low]
        ),
        _("90% interval"): "—",
        _("From"): _("{file}: {n} months").format(file=cal.trend_source, n=cal.season.months),
        _("Method"): _(
            "month-of-year terms of the trend's Poisson regression, F test p = {p}"
        ).format(p=f"{cal.season.p_value:.2g}"),
    }


def _results() -> None:
    ss = st.session_state
    result = ss.get(KEY + "result")
    if result is None:
        return
    cal, sc = result.calibration, result.scenario
    st.subheader(_("Estimates, with 90% intervals"))
    phone_table(_estimates(cal, sc), "calibration_estimates")
    for table in cal.files.values():
        for note in table.notes:
            st.caption(f"`{md_escape(table.name, code=True)}`: {md_escape(note)}")
    for note in cal.notes:
        st.caption(md_escape(note))
    st.subheader(_("Each fit against its data"))
    segs = [sf.name or "all deals" for sf in cal.segment_fits]  # i18n: ok (the data's key)
    curves, sizes = cycle_curves(cal), deal_sizes(cal)
    for seg in segs:
        c1, c2 = st.columns(2)
        c1.altair_chart(cycle_chart(curves, seg, lang()), width="stretch")
        c2.altair_chart(size_chart(sizes, seg, lang()), width="stretch")
    what = _("Inbound MQLs") if cal.trend_source != cal.files["deals"].name else _("Deals created")
    st.altair_chart(flow_chart(flow(cal), what, lang()), width="stretch")
    st.subheader(_("Back-test"))
    st.caption(
        _(
            "Simulates the data's own months (after a burn-in) without any ops team and counts "
            "the months whose actual wins and new ARR fall inside the simulated 90% band. An "
            "in-sample check of the model's structure: under 70% is a warning. A yearly "
            "season the data show is modelled (the bundled example's leads dip in summer and "
            "December); lead volume that swings from month to month more than chance is not, "
            "and shows as months outside the band."
        )
    )
    if st.button(_("Run the back-test"), key=KEY + "bt", icon=":material/history:"):
        try:
            with gated(), st.spinner(_("Simulating the data's period…")):
                ss[KEY + "backtest"] = run_backtest(
                    cal, sc, BACKTEST_REPS, 0, executor=SerialExecutor(), budget=app_budget()
                )
        except (ValueError, SessionBusy) as err:
            st.error(_("No back-test: {error}").format(error=md_escape(err)))
    bt = ss.get(KEY + "backtest")
    if bt is not None:
        cols = st.columns(2)
        cols[0].metric(_("Months of wins inside the band"), f"{bt.coverage['wins']:.0%}")
        cols[1].metric(_("Months of new ARR inside the band"), f"{bt.coverage['new_arr']:.0%}")
        if bt.warning:
            st.warning(md_escape(bt.warning), icon=":material/warning:")
        frame = backtest_long(bt)
        st.altair_chart(backtest_chart(frame, "wins", _("Wins a month"), lang()), width="stretch")
        st.altair_chart(
            backtest_chart(frame, "new_arr", _("New ARR a month"), lang()), width="stretch"
        )
    st.subheader(_("Use it"))
    c1, c2 = st.columns(2)
    with c1:
        if st.button(
            _("Use this scenario"),
            type="primary",
            key=KEY + "use",
            icon=":material/check_circle:",
            width="stretch",
            help=_(
                "Makes the calibrated scenario the current one: the verdict and the "
                "Assumptions page then work on it (every number keeps its source)."
            ),
        ):
            deals = cal.files["deals"].name
            state.set_scenario(sc, f"upload:{deals} (calibrated)", scenario_to_yaml(sc))
            st.success(_("The calibrated scenario is now the current one."))
            st.page_link(
                "ui/pages/which_team.py",
                label=_("See its verdict"),
                icon=":material/arrow_forward:",
            )
    with c2:
        download(
            _("Download the calibrated scenario (YAML)"),
            scenario_to_yaml(sc),
            f"{Path(cal.files['deals'].name).stem}_calibrated.yaml",
            "application/x-yaml",
            KEY + "dl",
            _("Every calibrated number carries its source and interval."),
        )


def render() -> None:
    """Draw the page."""
    st.title(_("Calibrate from your CRM data"))
    st.caption(
        _(
            "Export deals (HubSpot deals or a Salesforce opportunity report), and if you can "
            "leads and customers, as CSV or XLSX. The columns are detected and shown for you "
            "to correct; each number comes back with its 90% interval and where it came from."
        )
    )
    raws = _files()
    if not raws:
        return
    if "deals" not in raws:
        st.info(_("Add a deals export to start: it is the one file calibration needs."))
        return
    mappings = _mapping(raws)
    if len(mappings) == len(raws):
        _estimate(raws, mappings)
    _results()


render()
