"""The Assumptions form: every scenario parameter, grouped, edited inside one `st.form`.

What each field is called, its unit, help and step come from the schema's metadata
(`sim.params.field_meta`) and its source from the scenario's `sources:`; this module only
lays the fields out. `form_fields` lists every field path the form edits, so a test can hold
it against the schema.

Widgets show the current scenario; nothing runs until the form is submitted. On submit the
widget values are written into the scenario's plain-data form (`sim.io.scenario_to_dict`)
and validated by the schema (`sim.io.parse_scenario`): the new scenario, or the problems
with their field names. Shares and probabilities are shown in percent and stored as
fractions. Widget keys start with `a.` and are cleared whenever the scenario is replaced,
so the widgets then show the new scenario.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from sim.io import ScenarioError, parse_scenario, scenario_to_dict
from sim.params import LEVERS, OBJECTIVES, Scenario, field_meta, source_of
from sim.params.meta import _RANGE_WORDS, RANGE_PARTS
from sim.params.scenario import has_path
from sim.text import lever_label, objective_help, objective_label, translator
from ui.i18n import N_, _, lang
from ui.state import MAX_AUTO_REPLICATIONS, RunSettings, form_key_prefix
from ui.text import (
    LEVER_LABELS,
    LEVER_UNITS,
    ORG_PARAMS,
    PARAM_GROUPS,
    RUN_FIELDS,
    RUN_HELP,
    SEGMENT_COLUMNS,
    SEGMENT_FIELDS,
    TEAM_PARAMS,
    Param,
    team_name,
)

SEGMENT_PERCENT = (
    "lead_share",
    "qualification_rate",
    "win_rate",
    "monthly_churn",
    "expansion_probability",
    "expansion_size",
)
DISTRIBUTIONS = ("lognormal", "gamma", "exponential", "fixed")


@dataclass
class Submission:
    """What a submitted form gives: a new scenario and settings, or the problems."""

    scenario: Scenario | None = None
    settings: RunSettings | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------- helpers
def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path of nested dicts/lists (None when absent)."""
    node = data
    for part in path.split("."):
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def set_path(data: dict, path: str, value: Any) -> None:
    """Set the value at a dotted path, creating dicts on the way."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def _pct_in(x: float | None) -> float | None:
    """A fraction shown as percent (rounded so 0.28 shows 28, not 28.000000000000004)."""
    return None if x is None else round(float(x) * 100.0, 8)


def _pct_out(x: float | None) -> float | None:
    """Percent entered -> fraction stored."""
    return None if x is None else round(float(x) / 100.0, 12)


def _num(x: Any) -> Any:
    """A table cell as a plain number, None for empty/NaN cells."""
    if x is None:
        return None
    try:
        if isinstance(x, float) and math.isnan(x):
            return None
    except TypeError:
        return x
    if pd.isna(x):
        return None
    return float(x)


def _help(param_help: str, source: str) -> str:
    text = _(param_help) if param_help else ""
    return _("{help}\n\n**Source:** {source}").format(help=text, source=source) if source else text


def param_label(param: Param) -> str:
    """A parameter's label in the session's language (a strength number's label composed)."""
    head, _dot, part = param.path.rpartition(".")
    if head.endswith("strength") and part in _RANGE_WORDS:
        return _("Overall strength, {part}").format(part=_(_RANGE_WORDS[part]))
    return _(param.label)


def _widget(param: Param, value: Any, key: str, source: str) -> Any:
    """One scalar parameter's input widget; returns the value in the scenario's units."""
    help_text = _help(param.help, source)
    param = replace(param, label=param_label(param))
    kind = param.kind
    if kind == "text":
        return st.text_input(param.label, value=str(value or ""), key=key, help=help_text)
    if kind == "longtext":
        return st.text_area(param.label, value=str(value or ""), key=key, help=help_text, height=96)
    if kind == "int":
        out = st.number_input(
            param.label, value=int(value or 0), step=int(param.step or 1), key=key, help=help_text
        )
        return int(out) if out is not None else None
    if kind == "opt_int":
        out = st.number_input(
            param.label,
            value=None if value is None else int(value),
            step=int(param.step or 1),
            key=key,
            help=help_text,
            placeholder=_("unlimited"),
        )
        return None if out is None else int(out)
    if kind == "pct":
        out = st.number_input(
            param.label,
            value=_pct_in(value),
            step=float(param.step or 0.01) * 100.0,
            format="%.2f",
            key=key,
            help=help_text,
        )
        return _pct_out(out)
    if kind == "money":
        return st.number_input(
            param.label,
            value=float(value or 0.0),
            step=float(param.step or 100.0),
            format="%.0f",
            key=key,
            help=help_text,
        )
    if kind == "opt_float":
        return st.number_input(
            param.label,
            value=None if value is None else float(value),
            step=float(param.step or 1.0),
            format="%g",
            key=key,
            help=help_text,
            placeholder=_("unlimited")
            if param.path.endswith(("audience_size", "_cap"))
            else _("never"),
        )
    return st.number_input(
        param.label,
        value=float(value if value is not None else 0.0),
        step=float(param.step or 0.1),
        format="%g",
        key=key,
        help=help_text,
    )


def _scalar_group(
    params: tuple[Param, ...],
    data: dict,
    sc: Scenario,
    values: dict[str, Any],
    prefix: str = "",
    columns: int = 3,
) -> None:
    """Widgets for a group of scalar parameters in `columns` columns; values collected."""
    params = tuple(p for p in params if has_path(data, f"{prefix}{p.path}"))
    wide = [p for p in params if p.kind == "longtext"]
    narrow = [p for p in params if p.kind != "longtext"]
    cols = st.columns(columns)
    for i, p in enumerate(narrow):
        path = f"{prefix}{p.path}"
        with cols[i % columns]:
            values[path] = _widget(
                p, get_path(data, path), form_key_prefix() + path, source_of(sc, path)
            )
    for p in wide:
        path = f"{prefix}{p.path}"
        values[path] = _widget(
            p, get_path(data, path), form_key_prefix() + path, source_of(sc, path)
        )


# ----------------------------------------------------------------------------- segments
def segments_frame(segments: list[dict]) -> pd.DataFrame:
    """Segments (file layout) -> one editable row each, shares in percent."""
    rows = []
    for seg in segments:
        cycle = seg.get("sales_cycle_days") or {}
        dist = cycle.get("distribution", "lognormal")
        days = cycle.get("median") if dist == "lognormal" else cycle.get("mean")
        if dist == "fixed":
            days = cycle.get("value")
        spread = cycle.get("sigma") if dist == "lognormal" else cycle.get("shape")
        expansion = seg.get("expansion") or {}
        rows.append(
            {
                "name": seg.get("name"),
                "lead_share": _pct_in(seg.get("lead_share")),
                "acv_median": (seg.get("acv") or {}).get("median"),
                "acv_sigma": (seg.get("acv") or {}).get("sigma"),
                "qualification_rate": _pct_in(seg.get("qualification_rate")),
                "win_rate": _pct_in(seg.get("win_rate")),
                "cycle_distribution": dist,
                "cycle_days": days,
                "cycle_spread": spread,
                "monthly_churn": _pct_in(seg.get("monthly_churn")),
                "expansion_probability": _pct_in(expansion.get("monthly_probability")),
                "expansion_size": _pct_in(expansion.get("size")),
                "win_propensity_spread": seg.get("win_propensity_spread"),
            }
        )
    return pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))


def frame_segments(frame: pd.DataFrame) -> tuple[list[dict], list[tuple[str, str]]]:
    """Edited segment rows -> segments in the file layout, and row-level problems."""
    out, problems = [], []
    for i, row in enumerate(frame.to_dict(orient="records")):
        numbers = [v for k, v in row.items() if k not in ("name", "cycle_distribution")]
        if not row.get("name") and all(_num(v) is None for v in numbers):
            continue  # an empty row added and left blank
        dist = row.get("cycle_distribution") or "lognormal"
        if dist not in DISTRIBUTIONS:
            problems.append(
                (f"segments.{i}.sales_cycle_days.distribution", f"unknown shape '{dist}'")
            )
            dist = "lognormal"
        days, spread = _num(row.get("cycle_days")), _num(row.get("cycle_spread"))
        if dist == "lognormal":
            cycle = {"distribution": dist, "median": days}
            if spread is not None:
                cycle["sigma"] = spread
        elif dist == "gamma":
            cycle = {"distribution": dist, "mean": days, "shape": spread}
        elif dist == "exponential":
            cycle = {"distribution": dist, "mean": days}
        else:
            cycle = {"distribution": dist, "value": days}
        seg = {
            "name": (str(row.get("name")).strip() if row.get("name") is not None else ""),
            "lead_share": _pct_out(_num(row.get("lead_share"))),
            "acv": {"median": _num(row.get("acv_median"))},
            "qualification_rate": _pct_out(_num(row.get("qualification_rate"))),
            "win_rate": _pct_out(_num(row.get("win_rate"))),
            "sales_cycle_days": cycle,
            "monthly_churn": _pct_out(_num(row.get("monthly_churn"))),
            "expansion": {
                "monthly_probability": _pct_out(_num(row.get("expansion_probability"))) or 0.0,
                "size": _pct_out(_num(row.get("expansion_size"))) or 0.0,
            },
            "win_propensity_spread": _num(row.get("win_propensity_spread")) or 0.0,
        }
        if _num(row.get("acv_sigma")) is not None:
            seg["acv"]["sigma"] = _num(row.get("acv_sigma"))
        out.append(seg)
    if not out:
        problems.append(("segments", _("at least one segment is needed")))
    return out, problems


def _segment_editor(data: dict, sc: Scenario) -> pd.DataFrame:
    cfg = {}
    for key, (english, english_help) in SEGMENT_COLUMNS.items():
        label, help_text = _(english), _(english_help)
        if key == "name":
            cfg[key] = st.column_config.TextColumn(label, help=help_text, required=True)
        elif key == "cycle_distribution":
            cfg[key] = st.column_config.SelectboxColumn(
                label, help=help_text, options=list(DISTRIBUTIONS), required=True
            )
        elif key == "acv_median":
            cfg[key] = st.column_config.NumberColumn(label, help=help_text, format="%.0f")
        else:
            cfg[key] = st.column_config.NumberColumn(label, help=help_text, format="%.2f")
    edited = st.data_editor(
        segments_frame(data.get("segments") or []),
        column_config=cfg,
        num_rows="dynamic",
        hide_index=True,
        key=form_key_prefix() + "segments",
        width="stretch",
    )
    seg_sources = {path: text for path, text in sc.sources.items() if path.startswith("segments.")}
    if seg_sources:
        with st.expander(_("Where these numbers come from")):
            names = [s.get("name") for s in data.get("segments") or []]
            lines = []
            for path, text in seg_sources.items():
                parts = path.split(".")
                idx = int(parts[1]) if parts[1].isdigit() else -1
                seg = names[idx] if 0 <= idx < len(names) else parts[1]
                lines.append(f"- **{seg}** · `{'.'.join(parts[2:])}`: {text}")
            st.markdown("\n".join(lines))
    return edited


# ----------------------------------------------------------------------------- teams
def effects_frame(
    effects: dict[str, list[float]], sources: Mapping[str, str], prefix: str, lang: str = "en"
):
    """A team's effect ranges -> one row per lever (values x100 in the lever's unit).

    `sources` is the scenario's `sources:`; `prefix` the team's path (`org.teams.<team>.`).
    """
    rows = []
    for lever in LEVERS:
        rng = effects.get(lever)
        rows.append(
            {
                "lever": lever,
                "Lever": lever_label(lever, lang),
                "Moves it": rng is not None,
                "Low": _pct_in(rng[0]) if rng else 0.0,
                "Most likely": _pct_in(rng[1]) if rng else 0.0,
                "High": _pct_in(rng[2]) if rng else 0.0,
                "Unit": translator(lang)(LEVER_UNITS[LEVERS[lever].kind]),
                "Source": sources.get(f"{prefix}effects.{lever}", ""),
            }
        )
    return pd.DataFrame(rows)


def frame_effects(frame: pd.DataFrame) -> dict[str, list[float | None]]:
    """Edited effect rows -> {lever: [low, mode, high]} for the levers the team moves."""
    out = {}
    for row in frame.to_dict(orient="records"):
        if not row.get("Moves it"):
            continue
        out[row["lever"]] = [
            _pct_out(_num(row.get("Low"))),
            _pct_out(_num(row.get("Most likely"))),
            _pct_out(_num(row.get("High"))),
        ]
    return out


def _team_section(team: str, data: dict, sc: Scenario, values: dict) -> pd.DataFrame:
    prefix = f"org.teams.{team}."
    _scalar_group(TEAM_PARAMS, data, sc, values, prefix=prefix)
    st.caption(
        _(
            "Effect at full strength, as a triangular range: low / most likely / high. Points "
            "are added to a share (4 = +4 points); % change multiplies (-50 = halved); "
            "lowering levers (cycle, response time, leakage, churn) take values ≤ 0."
        )
    )
    team_data = get_path(data, f"org.teams.{team}") or {}
    frame = effects_frame(team_data.get("effects") or {}, sc.sources, prefix, lang())
    return st.data_editor(
        frame,
        height=35 * (len(frame) + 1) + 3,
        column_config={
            "lever": None,
            "Lever": st.column_config.TextColumn(_("Lever"), disabled=True),
            "Moves it": st.column_config.CheckboxColumn(
                _("Moves it"), help=_("Does this team move this lever?")
            ),
            "Low": st.column_config.NumberColumn(_("Low"), format="%.2f"),
            "Most likely": st.column_config.NumberColumn(_("Most likely"), format="%.2f"),
            "High": st.column_config.NumberColumn(_("High"), format="%.2f"),
            "Unit": st.column_config.TextColumn(_("Unit"), disabled=True),
            "Source": st.column_config.TextColumn(_("Source"), disabled=True, width="large"),
        },
        hide_index=True,
        num_rows="fixed",
        key=f"{form_key_prefix()}{prefix}effects",
        width="stretch",
    )


def synergy_frame(synergy: dict[str, float], lang: str = "en") -> pd.DataFrame:
    """Synergy effects -> rows (lever label, effect x100)."""
    return pd.DataFrame(
        [{"Lever": lever_label(k, lang), "Effect": _pct_in(v)} for k, v in synergy.items()],
        columns=["Lever", "Effect"],
    )


def frame_synergy(
    frame: pd.DataFrame, lang: str = "en"
) -> tuple[dict[str, float | None], list[tuple[str, str]]]:
    """Edited synergy rows -> {lever: effect}, and problems."""
    by_label = {lever_label(k, lang): k for k in LEVER_LABELS}
    out, problems = {}, []
    for row in frame.to_dict(orient="records"):
        label = row.get("Lever")
        if not label:
            continue
        lever = by_label.get(label)
        if lever is None:
            problems.append(("org.synergy", _("unknown lever '{label}'").format(label=label)))
            continue
        out[lever] = _pct_out(_num(row.get("Effect")))
    return out, problems


def _fte_column(team: str) -> str:
    return f"{team_name(team)} (FTE)"


def setups_frame(
    setups: dict[str, list[str]], teams: list[str], headcounts: dict[str, float] | None = None
) -> pd.DataFrame:
    """Setups -> one row each with the FTE of each team in it (0 = not in the setup).

    A member `team` shows the team's headcount; a sized option `team@0.5` shows 0.5.
    """
    heads = headcounts or {}
    rows = []
    for name, members in setups.items():
        fte = dict.fromkeys(teams, 0.0)
        for member in members:
            team, at, size = str(member).partition("@")
            if team in fte:
                fte[team] = float(size) if at else float(heads.get(team, 1.0))
        rows.append({"Setup": name, **{_fte_column(t): fte[t] for t in teams}})
    return pd.DataFrame(rows, columns=["Setup", *[_fte_column(t) for t in teams]])


def _member(team: str, value: object, headcount: float) -> str | None:
    """One cell of the setups table -> a setup member (None: not in the setup)."""
    if isinstance(value, bool):  # a tick, as older tables had
        return team if value else None
    number = _num(value)
    if number is None or not math.isfinite(number) or number <= 0:
        return None
    return team if math.isclose(number, headcount) else f"{team}@{number:g}"


def frame_setups(
    frame: pd.DataFrame, teams: list[str], headcounts: dict[str, float] | None = None
) -> tuple[dict, list[tuple[str, str]]]:
    """Edited setup rows -> {setup: [members]}, and problems."""
    heads = headcounts or {}
    out, problems = {}, []
    for row in frame.to_dict(orient="records"):
        name = str(row.get("Setup") or "").strip()
        if not name:
            continue
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
            problems.append((f"org.setups.{name}", _("a setup name uses letters, digits, _ or -")))
            continue
        if name in out:
            problems.append((f"org.setups.{name}", _("setup names must be unique")))
            continue
        members = [_member(t, row.get(_fte_column(t)), float(heads.get(t, 1.0))) for t in teams]
        out[name] = [m for m in members if m is not None]
    return out, problems


# ----------------------------------------------------------------------------- the form
def _form_data(sc: Scenario) -> dict:
    """The scenario as plain data, each team's strength range as a mapping.

    So the form's `strength.low` / `.mode` / `.high` fields address its numbers.
    """
    data = copy.deepcopy(scenario_to_dict(sc))
    for team in data.get("org", {}).get("teams", {}).values():
        s = team.get("strength")
        if isinstance(s, list):
            team["strength"] = dict(zip(("low", "mode", "high"), s, strict=True))
    return data


def form_fields(sc: Scenario) -> list[str]:
    """Every field path the form edits for this scenario, in the order it shows them.

    Built from the same layout the form draws (scalar groups, the segment and effect
    tables, synergy, setups, run settings), so it cannot list a field the form lacks.
    """
    paths = [p.path for _, params in PARAM_GROUPS.values() for p in params]
    for i, seg in enumerate(sc.segments):
        cycle_fields = type(seg.sales_cycle_days).model_fields
        for rel in SEGMENT_FIELDS.values():
            head, _, leaf = rel.partition(".")
            if head == "sales_cycle_days" and leaf:
                # the cycle columns edit whichever numbers the segment's shape has
                continue
            paths.append(f"segments.{i}.{rel}")
        paths += [f"segments.{i}.sales_cycle_days.{f}" for f in cycle_fields if f != "distribution"]
    for team in sc.org.teams:
        prefix = f"org.teams.{team}."
        has_coverage = sc.org.teams[team].coverage is not None
        paths += [
            f"{prefix}{p.path}"
            for p in TEAM_PARAMS
            if has_coverage or not p.path.startswith("coverage.")
        ]
        paths += [f"{prefix}effects.{lever}.{part}" for lever in LEVERS for part in RANGE_PARTS]
    paths += [p.path for p in ORG_PARAMS]
    paths += [f"org.synergy.{lever}" for lever in sc.org.synergy]
    paths.append("org.setups")
    paths += list(RUN_FIELDS.values())
    return paths


@dataclass
class FormState:
    """What the form shows now.

    Its data (the file layout, strengths as mappings), its run settings, the validated
    result, and `submitted` when the Run button was pressed in this run.
    """

    data: dict
    run: dict[str, Any]
    submitted: bool
    submission: Submission


def assumptions_form(sc: Scenario, settings: RunSettings, draft: dict | None = None) -> FormState:
    """Draw the form and return what it holds (validated, or with its problems).

    The widgets start from `draft` (edits not yet run, kept across pages) when given, else
    from `sc`. Nothing runs until the Run button is pressed (`FormState.submitted`).
    """
    data = copy.deepcopy(draft["data"]) if draft else _form_data(sc)
    run_draft = draft["run"] if draft else None
    values: dict[str, Any] = {}
    teams = list(sc.org.teams)
    with st.container(key="assumptions_form"):
        tab_names = [
            _(PARAM_GROUPS["company"][0]),
            _(PARAM_GROUPS["leads"][0]),
            _(PARAM_GROUPS["sales"][0]),
            _("Customers (segments)"),
            _(PARAM_GROUPS["costs"][0]),
            *[_("{team} team").format(team=team_name(t, lang())) for t in teams],
            _("Overlap & setups"),
            _("Run settings"),
        ]
        tabs = st.tabs(tab_names)
        for tab, group in zip(tabs[:3], ("company", "leads", "sales"), strict=True):
            with tab:
                _scalar_group(PARAM_GROUPS[group][1], data, sc, values)
        with tabs[3]:
            st.caption(
                _(
                    "One row per customer segment; add or delete rows with the table's "
                    "controls. Shares and rates are in percent."
                )
            )
            segments = _segment_editor(data, sc)
        with tabs[4]:
            _scalar_group(PARAM_GROUPS["costs"][1], data, sc, values)
        team_frames = {}
        for i, team in enumerate(teams):
            with tabs[5 + i]:
                team_frames[team] = _team_section(team, data, sc, values)
        with tabs[5 + len(teams)]:
            _scalar_group(ORG_PARAMS, data, sc, values, columns=2)
            syn = field_meta("org.synergy")
            st.markdown(_("**{label}** — {help}").format(label=_(syn.label), help=_(syn.help)))
            synergy = st.data_editor(
                synergy_frame(get_path(data, "org.synergy") or {}, lang()),
                column_config={
                    "Lever": st.column_config.SelectboxColumn(
                        _("Lever"),
                        options=[lever_label(k, lang()) for k in LEVER_LABELS],
                        required=True,
                    ),
                    "Effect": st.column_config.NumberColumn(
                        _("Effect"),
                        help=_("In the lever's unit (points or % change), x100."),
                        format="%.2f",
                    ),
                },
                num_rows="dynamic",
                hide_index=True,
                key=form_key_prefix() + "org.synergy",
            )
            setups_meta = field_meta("org.setups")
            st.markdown(
                _("**{label}** — {help}").format(
                    label=_(setups_meta.label), help=_(setups_meta.help)
                )
            )
            setups = st.data_editor(
                setups_frame(
                    get_path(data, "org.setups") or {},
                    teams,
                    {t: team.headcount for t, team in sc.org.teams.items()},
                ),
                column_config={"Setup": st.column_config.TextColumn(_("Setup"))},
                num_rows="dynamic",
                hide_index=True,
                key=form_key_prefix() + "org.setups",
            )
            st.caption(_("To add a new team, upload a scenario file that defines it."))
        with tabs[6 + len(teams)]:
            run = _run_settings(sc, settings, run_draft)
        submitted = st.button(
            _("Run with these assumptions"),
            type="primary",
            icon=":material/play_arrow:",
            key="submit_assumptions",
        )
    new_data, submission = collect(data, values, segments, team_frames, synergy, setups, run)
    return FormState(new_data, run, submitted, submission)


def _run_settings(
    sc: Scenario, settings: RunSettings, draft: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The analysis settings: horizon, objective, confidence, seed, replications."""
    meta = {key: field_meta(path) for key, path in RUN_FIELDS.items()}
    d = draft or {}
    default_mode = "auto" if settings.replications == "auto" else "fixed"
    c1, c2 = st.columns(2)
    with c1:
        horizon = st.number_input(
            _(meta["horizon"].label),
            value=int(d.get("horizon_months", sc.analysis.horizon_months)),
            step=int(meta["horizon"].step or 6),
            key=form_key_prefix() + "horizon_months",
            help=_(RUN_HELP["horizon"]),
        )
        objective = st.selectbox(
            _(meta["objective"].label),
            options=list(OBJECTIVES),
            index=list(OBJECTIVES).index(d.get("objective", sc.analysis.objective)),
            format_func=partial(_objective_words, lang=lang()),
            key=form_key_prefix() + "objective",
            help=_(RUN_HELP["objective"])
            + "\n\n"
            + "\n\n".join(
                _("**{label}**: {help}").format(
                    label=_capital(objective_label(o, lang())), help=objective_help(o, lang())
                )
                for o in OBJECTIVES
            ),
        )
        confidence = st.number_input(
            _(meta["confidence"].label),
            value=_pct_in(d.get("confidence", sc.analysis.confidence)),
            step=float(meta["confidence"].step or 0.01) * 100.0,
            format="%.0f",
            key=form_key_prefix() + "confidence",
            help=_(RUN_HELP["confidence"]),
        )
        seed = st.number_input(
            _(meta["seed"].label),
            value=int(d.get("seed", settings.seed)),
            step=1,
            key=form_key_prefix() + "seed",
            help=_(RUN_HELP["seed"]),
        )
    with c2:
        auto = st.radio(
            _("Replications (simulated futures)"),
            options=["auto", "fixed"],
            index=0 if d.get("mode", default_mode) == "auto" else 1,
            format_func=partial(_mode_words, tr=translator(lang())),
            key=form_key_prefix() + "reps_mode",
            help=_(RUN_HELP["replications"]),
        )
        fixed = st.number_input(
            _(meta["replications"].label),
            value=int(
                d.get("replications")
                or (settings.replications if settings.replications != "auto" else 100)
            ),
            step=int(meta["replications"].step or 10),
            key=form_key_prefix() + "replications",
        )
        cap = st.number_input(
            _(meta["max_replications"].label),
            value=int(d.get("max_replications", settings.max_replications)),
            step=int(meta["max_replications"].step or 20),
            key=form_key_prefix() + "max_replications",
            help=_(RUN_HELP["max_replications"]),
        )
    return {
        "horizon_months": horizon,
        "objective": objective,
        "confidence": _pct_out(confidence),
        "seed": seed,
        "mode": auto,
        "replications": fixed,
        "max_replications": cap,
        "attribution_replications": settings.attribution_replications,
    }


def build(
    sc: Scenario,
    values: dict[str, Any],
    segments: pd.DataFrame,
    team_frames: dict[str, pd.DataFrame],
    synergy: pd.DataFrame,
    setups: pd.DataFrame,
    run: dict[str, Any],
) -> Submission:
    """Widget values -> a validated scenario and run settings, or the problems found."""
    return collect(_form_data(sc), values, segments, team_frames, synergy, setups, run)[1]


def collect(
    base: dict,
    values: dict[str, Any],
    segments: pd.DataFrame,
    team_frames: dict[str, pd.DataFrame],
    synergy: pd.DataFrame,
    setups: pd.DataFrame,
    run: dict[str, Any],
) -> tuple[dict, Submission]:
    """Widget values over `base` (form data) -> the new form data and its submission.

    The submission is the validated scenario and run settings, or the problems found.
    """
    data = copy.deepcopy(base)
    problems: list[tuple[str, str]] = []
    for path, value in values.items():
        set_path(data, path, value)
    data["segments"], seg_problems = frame_segments(segments)
    problems += seg_problems
    for team, frame in team_frames.items():
        data["org"]["teams"][team]["effects"] = frame_effects(frame)
    data["org"]["synergy"], syn_problems = frame_synergy(synergy, lang())
    problems += syn_problems
    heads = {t: float(team.get("headcount", 1.0)) for t, team in data["org"]["teams"].items()}
    data["org"]["setups"], setup_problems = frame_setups(setups, list(data["org"]["teams"]), heads)
    problems += setup_problems
    settings, run_problems = _settings_from(run)
    problems += run_problems
    analysis = data["analysis"]
    analysis["horizon_months"] = run["horizon_months"]
    analysis["objective"] = run["objective"]
    if run.get("confidence") is not None:
        analysis["confidence"] = run["confidence"]
    if settings is not None:
        analysis["seed"] = settings.seed
        analysis["replications"] = settings.replications
        analysis["max_replications"] = settings.max_replications
    try:
        scenario = parse_scenario(data)
    except ScenarioError as err:
        return data, Submission(problems=problems + list(err.problems))
    if problems:
        return data, Submission(problems=problems)
    return data, Submission(scenario=scenario, settings=settings)


def _settings_from(run: dict[str, Any]) -> tuple[RunSettings | None, list[tuple[str, str]]]:
    problems = []
    seed = run.get("seed")
    if seed is None or int(seed) < 0:
        problems.append(("run.seed", _("the seed is a whole number ≥ 0")))
    cap = run.get("max_replications")
    if cap is None or int(cap) < 2:
        problems.append(("run.max_replications", _("at least 2 replications")))
    elif int(cap) > 5 * MAX_AUTO_REPLICATIONS:
        problems.append(
            ("run.max_replications", _("at most {n}").format(n=5 * MAX_AUTO_REPLICATIONS))
        )
    if run.get("mode") == "fixed":
        n = run.get("replications")
        if n is None or int(n) < 2:
            problems.append(("run.replications", _("at least 2 replications")))
        elif int(n) > 5 * MAX_AUTO_REPLICATIONS:
            problems.append(
                ("run.replications", _("at most {n}").format(n=5 * MAX_AUTO_REPLICATIONS))
            )
        reps: int | str = int(n) if n is not None else 0
    else:
        reps = "auto"
    if problems:
        return None, problems
    return (
        RunSettings(
            replications=reps,
            max_replications=int(cap),
            seed=int(seed),
            attribution_replications=int(run["attribution_replications"]),
        ),
        [],
    )


# ----------------------------------------------------------------------------- problems
def field_label(path: str, sc: Scenario) -> str:
    """A problem's field path in words ("Sales team › Account executives (reps)")."""
    for title, params in PARAM_GROUPS.values():
        for p in params:
            if p.path == path:
                return _in(_(title), param_label(p))
    parts = path.split(".")
    if parts[0] == "segments" and len(parts) > 1 and parts[1].isdigit():
        idx = int(parts[1])
        name = sc.segments[idx].name if idx < len(sc.segments) else _("row {n}").format(n=idx + 1)
        where = _("Customers › segment {n} ({name})").format(n=idx + 1, name=name)
        return _in(where, ".".join(parts[2:])) if len(parts) > 2 else where
    if parts[:2] == ["org", "teams"] and len(parts) > 2:
        rest = ".".join(parts[3:])
        team = _("{team} team").format(team=team_name(parts[2], lang()))
        return _in(team, rest) if rest else team
    for p in ORG_PARAMS:
        if p.path == path:
            return _in(_("Overlap & setups"), param_label(p))
    if parts[0] == "org":
        return _in(_("Overlap & setups"), ".".join(parts[1:]))
    if parts[0] in ("run", "analysis"):
        if path in RUN_FIELDS.values():
            return _in(_("Run settings"), _(field_meta(path).label))
        return _in(_("Run settings"), parts[-1])
    return path


def _in(where: str, what: str) -> str:
    """A field inside a section: "Sales team › Account executives (reps)"."""
    return f"{where} › {what}"  # i18n: ok (a separator only)


def _objective_words(objective: str, lang: str) -> str:
    """An objective in words, capitalised (a select box's option)."""
    return _capital(objective_label(objective, lang))


def _mode_words(mode: str, tr) -> str:
    """How the replications are chosen, in words (`tr`: the session's translator)."""
    return tr(N_("Auto: until the answer is clear") if mode == "auto" else N_("Fixed"))


def _capital(text: str) -> str:
    """The first letter in capitals (English labels start lower case; Japanese is unchanged)."""
    return text[:1].upper() + text[1:]


_BOUND = re.compile(r"(greater than|less than)( or equal to)? (-?[0-9.]+(?:e-?\d+)?)")


def humanise(path: str, message: str) -> str:
    """A schema message in the units the form shows (percent fields: bounds x100)."""
    pct_paths = {
        p.path
        for params in [*(g[1] for g in PARAM_GROUPS.values()), ORG_PARAMS]
        for p in params
        if p.kind == "pct"
    }
    leaf = path.split(".")[-1]
    seg_pct = path.startswith("segments.") and (
        leaf in ("lead_share", "qualification_rate", "win_rate", "monthly_churn", "size")
        or leaf == "monthly_probability"
    )
    if path in pct_paths or seg_pct:

        def to_pct(m: re.Match) -> str:
            return f"{m.group(1)}{m.group(2) or ''} {float(m.group(3)) * 100:g}%"

        return _BOUND.sub(to_pct, message)
    return message
