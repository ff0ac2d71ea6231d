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

This module lays the form out and collects it; the scalar widgets are in `fields`, the
segment table in `segments`, the teams' tables in `teams`, problems in words in `problems`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from sim.io import ScenarioError, parse_scenario, scenario_to_dict
from sim.params import (
    AFTER_HORIZON,
    LEVERS,
    OBJECTIVES,
    Scenario,
    field_meta,
)
from sim.params.analysis import RunSettings
from sim.params.meta import RANGE_PARTS
from sim.params.paths import get_path, set_path
from sim.text import lever_label, objective_help, objective_label, translator
from ui.form.fields import _pct_in, _pct_out, _scalar_group, param_label
from ui.form.problems import _capital, _mode_words, _objective_words, field_label, humanise
from ui.form.segments import _segment_editor, frame_segments, segments_frame
from ui.form.teams import (
    _team_section,
    effects_frame,
    frame_effects,
    frame_setups,
    frame_synergy,
    setups_frame,
    synergy_frame,
)
from ui.i18n import _, lang
from ui.state import FORM_PREFIX, form_key_prefix
from ui.text import (
    LEVER_LABELS,
    ORG_PARAMS,
    PARAM_GROUPS,
    RUN_FIELDS,
    RUN_HELP,
    SEGMENT_FIELDS,
    TEAM_PARAMS,
    team_name,
)

__all__ = [
    "FORM_PREFIX",
    "FormState",
    "Submission",
    "assumptions_form",
    "build",
    "collect",
    "effects_frame",
    "field_label",
    "form_fields",
    "frame_effects",
    "frame_segments",
    "frame_setups",
    "frame_synergy",
    "humanise",
    "param_label",
    "segments_frame",
    "setups_frame",
    "synergy_frame",
]


@dataclass
class Submission:
    """What a submitted form gives: a new scenario and settings, or the problems."""

    scenario: Scenario | None = None
    settings: RunSettings | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------- the form
def _form_data(sc: Scenario) -> dict:
    """The scenario as plain data, each team's strength ranges as mappings.

    So the form's `strength.low` / `.mode` / `.high` fields (and the retention strength's)
    address its numbers.
    """
    data = copy.deepcopy(scenario_to_dict(sc))
    for team in data.get("org", {}).get("teams", {}).values():
        for key in ("strength", "retention_strength"):
            s = team.get(key)
            if isinstance(s, list):
                team[key] = dict(zip(("low", "mode", "high"), s, strict=True))
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
        has_retention = sc.org.teams[team].retention_strength is not None
        paths += [
            f"{prefix}{p.path}"
            for p in TEAM_PARAMS
            if (has_coverage or not p.path.startswith("coverage."))
            and (has_retention or not p.path.startswith("retention_strength."))
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
        after_horizon = st.selectbox(
            _(meta["after_horizon"].label),
            options=list(AFTER_HORIZON),
            index=list(AFTER_HORIZON).index(d.get("after_horizon", sc.analysis.after_horizon)),
            key=form_key_prefix() + "after_horizon",
            help=_(RUN_HELP["after_horizon"]),
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
        "after_horizon": after_horizon,
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
        set_path(data, path, value, create=True)
    data["segments"], seg_problems = frame_segments(segments)
    problems += seg_problems
    for team, frame in team_frames.items():
        data["org"]["teams"][team]["effects"] = frame_effects(frame)
    data["org"]["synergy"], syn_problems = frame_synergy(synergy, lang())
    problems += syn_problems
    heads = {t: float(team.get("headcount", 1.0)) for t, team in data["org"]["teams"].items()}
    data["org"]["setups"], setup_problems = frame_setups(setups, list(data["org"]["teams"]), heads)
    problems += setup_problems
    settings = _settings_from(run)
    analysis = data["analysis"]
    analysis["horizon_months"] = run["horizon_months"]
    analysis["objective"] = run["objective"]
    if run.get("after_horizon") is not None:
        analysis["after_horizon"] = run["after_horizon"]
    if run.get("confidence") is not None:
        analysis["confidence"] = run["confidence"]
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


def _settings_from(run: dict[str, Any]) -> RunSettings:
    """The run settings as typed; the schema checks them with the rest of the scenario.

    They go into the scenario's `analysis` block, so a bad seed or replication count is
    refused by the same rule (and in the same words) as in a file, and a run too large for
    the app by the app's budget, never by a second hand-written check here.
    """
    reps: int | str = int(run["replications"]) if run.get("mode") == "fixed" else "auto"
    return RunSettings(
        replications=reps,
        max_replications=int(run["max_replications"]),
        seed=int(run["seed"]),
        attribution_replications=int(run["attribution_replications"]),
    )
