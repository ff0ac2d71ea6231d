"""The Assumptions form and the schema agree: every scalar field is on the form, every form
field is in the schema, and what the form says about a field is the schema's metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make

from sim.io import load_scenario
from sim.params import field_meta, iter_scalar_paths, source_of
from ui.form import form_fields
from ui.text import ORG_PARAMS, PARAM_GROUPS, TEAM_PARAMS

ROOT = Path(__file__).resolve().parent.parent
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))
TIMEOUT = 180


def _scenarios():
    gamma = make(
        **{"segments.0.sales_cycle_days": {"distribution": "gamma", "mean": 80, "shape": 2}}
    )
    covered = make(**{"org.teams.revops.coverage": {"fte_per_rep": 0.05}})
    return [make(), gamma, covered, *(load_scenario(p) for p in PRESETS)]


@pytest.mark.parametrize("sc", _scenarios(), ids=lambda s: s.name)
def test_every_scalar_field_is_on_the_form(sc):
    """iter_scalar_paths (the schema walked over this scenario) is covered by the form."""
    shown = set(form_fields(sc))
    missing = [p for p in iter_scalar_paths(sc) if p not in shown]
    assert not missing, f"schema fields the form does not edit: {missing}"


@pytest.mark.parametrize("sc", _scenarios(), ids=lambda s: s.name)
def test_every_form_field_is_a_schema_field(sc):
    """Each path the form edits resolves in the schema (field_meta raises on an unknown one)."""
    for path in form_fields(sc):
        assert field_meta(path).label, path


def test_form_words_are_the_schema_metadata():
    """Labels and help of the scalar groups come from field metadata, not their own strings."""
    groups = [p for _, params in PARAM_GROUPS.values() for p in params]
    for p in groups + list(ORG_PARAMS):
        meta = field_meta(p.path)
        assert (p.label, p.help, p.step) == (meta.label, meta.help, meta.step), p.path
    for p in TEAM_PARAMS:
        meta = field_meta(f"org.teams.revops.{p.path}")
        assert (p.label, p.help) == (meta.label, meta.help)


def test_the_rendered_form_shows_metadata_and_sources(monkeypatch):
    """In the running app each scalar widget has the field's label, its help and its source."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ORGSIM_APP_REPS", "4")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/assumptions.py").run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    sc = at.session_state["scenario"]
    widgets = {w.key: w for w in [*at.number_input, *at.text_input, *at.text_area]}
    teams = [
        f"org.teams.{t}.{p.path}"
        for t, team in sc.org.teams.items()
        for p in TEAM_PARAMS
        if (team.coverage is not None or not p.path.startswith("coverage."))
        and (team.retention_strength is not None or not p.path.startswith("retention_strength."))
    ]
    paths = [p.path for _, ps in PARAM_GROUPS.values() for p in ps] + teams
    paths += [p.path for p in ORG_PARAMS]
    for path in paths:
        widget = widgets.get(f"a.{path}")
        assert widget is not None, f"no widget for {path}"
        meta = field_meta(path)
        assert widget.label == meta.label, path
        assert meta.help in (widget.help or ""), path
        assert source_of(sc, path) in (widget.help or ""), path
