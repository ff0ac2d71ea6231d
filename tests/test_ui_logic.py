"""The app's pure logic: verdict wording, uploads, the form's conversions, sources, exports.

None of these needs a running app; they are what the pages call.
"""

from __future__ import annotations

import dataclasses
import io
import json

import pandas as pd
import pytest
from conftest import base_dict, make, make_from

from sim import text
from sim.io import MAX_SCENARIO_BYTES, parse_scenario, scenario_to_dict, scenario_to_yaml
from sim.params import source_of
from sim.verdict import compare
from ui import exports, form, verdict
from ui.text import fmt_kpi, kpi_kind
from ui.upload import read_upload


@pytest.fixture(scope="module")
def result():
    """A small comparison of the reference example company."""
    return compare(make(horizon_months=12), replications=4, seed=1, explain=False, workers=1)


# ----------------------------------------------------------------------------- words
def test_kpi_formats():
    """Rates are percent, money is short, missing values are a dash (screen formats)."""
    assert fmt_kpi(0.2, "pct") == "20%"
    assert fmt_kpi(0.009, "pct2") == "0.90%"
    assert fmt_kpi(5_470_000, "money") == "$5.47M"
    assert fmt_kpi(float("nan"), "money") == "—"
    assert kpi_kind("ending_arr_smb") == "money" and kpi_kind("win_rate") == "pct"


def test_screen_verdict_is_the_text_layers(result):
    """The page's headline and provisional line are the text layer's, word for word."""
    assert verdict.headline(result) == text.headline(result)
    assert verdict.provisional(result) == text.provisional(result)
    assert verdict.range_text(1e6, 2e6, "cumulative_contribution", "USD") == "+$1.00M to +$2.00M"


# ----------------------------------------------------------------------------- uploads
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"sales: {reps: -3}\n", "sales.reps"),
        (b"name: x\nfoo: 1\n", "foo"),
        (b"segments: [\n  - oops", ""),
        (b"!!python/object/apply:os.system ['echo hi']\n", ""),
        (b"", ""),
        (b"\xff\xfe\x00", ""),
    ],
)
def test_bad_upload_gives_field_problems(payload, field):
    """A bad file never raises: it gives problems, the first naming the field when there is one."""
    out = read_upload(payload, "bad.yaml")
    assert not out.ok and out.problems
    if field:
        assert field in [path for path, _ in out.problems]


def test_upload_too_large_is_refused():
    """Files over the size limit are refused before parsing."""
    out = read_upload(b"#" * (MAX_SCENARIO_BYTES + 1), "big.yaml")
    assert not out.ok and "too large" in out.problems[0][1]


def test_good_upload_round_trips():
    """A downloaded scenario uploads back to the same scenario."""
    sc = make(**{"sales.reps": 5})
    out = read_upload(scenario_to_yaml(sc).encode(), "mine.yaml")
    assert out.ok and out.scenario == sc


# ----------------------------------------------------------------------------- sources
def test_sources_are_data_the_form_reads():
    """A scenario's `sources:` reach the form's effect table; a range's numbers share one."""
    sc = make(
        **{
            "sources": {
                "segments.0.win_rate": "profile A",
                "org.teams.revops.effects.price": "judgment",
            }
        }
    )
    assert source_of(sc, "segments.0.win_rate") == "profile A"
    assert source_of(sc, "org.teams.revops.effects.price.mode") == "judgment"
    assert source_of(sc, "org.overlap") == ""
    data = scenario_to_dict(sc)
    frame = form.effects_frame(
        data["org"]["teams"]["revops"]["effects"], sc.sources, "org.teams.revops."
    )
    assert frame.set_index("lever").loc["price", "Source"] == "judgment"


# ----------------------------------------------------------------------------- the form
def test_segments_round_trip_through_the_editor_table():
    """Segments -> editor rows (percent) -> segments gives back the same scenario."""
    raw = base_dict()
    raw["segments"][0]["lead_share"] = 0.5
    raw["segments"].append(
        {
            **raw["segments"][0],
            "name": "smb",
            "sales_cycle_days": {"distribution": "gamma", "mean": 30, "shape": 2},
        }
    )
    sc = make_from(raw)
    data = scenario_to_dict(sc)
    frame = form.segments_frame(data["segments"])
    assert frame.loc[0, "win_rate"] == pytest.approx(20.0)
    segments, problems = form.frame_segments(frame)
    assert not problems
    data["segments"] = segments
    assert parse_scenario(data) == sc


def test_effects_and_setups_round_trip():
    """Team effect ranges and setups survive the editor tables unchanged."""
    sc = make()
    data = scenario_to_dict(sc)
    for team in sc.org.teams:
        frame = form.effects_frame(data["org"]["teams"][team]["effects"], {}, "")
        data["org"]["teams"][team]["effects"] = form.frame_effects(frame)
    data["org"]["synergy"], p1 = form.frame_synergy(form.synergy_frame(data["org"]["synergy"]))
    teams = list(sc.org.teams)
    data["org"]["setups"], p2 = form.frame_setups(
        form.setups_frame(data["org"]["setups"], teams), teams
    )
    assert not p1 and not p2
    assert parse_scenario(data) == sc


def test_form_build_reports_problems_with_field_names():
    """Building from bad widget values gives the schema's problems, never an exception."""
    sc = make()
    data = scenario_to_dict(sc)
    teams = list(sc.org.teams)
    frames = {t: form.effects_frame(data["org"]["teams"][t]["effects"], {}, "") for t in teams}
    sub = form.build(
        sc,
        {"sales.reps": -3, "costs.gross_margin": 1.5},
        form.segments_frame(data["segments"]),
        frames,
        form.synergy_frame(data["org"]["synergy"]),
        form.setups_frame(data["org"]["setups"], teams),
        {
            "horizon_months": 24,
            "objective": "ending_arr",
            "seed": -1,
            "mode": "fixed",
            "replications": 1,
            "max_replications": 100,
            "attribution_replications": 5,
        },
    )
    assert sub.scenario is None
    fields = [path for path, _ in sub.problems]
    assert "sales.reps" in fields and "costs.gross_margin" in fields
    # run settings are checked by the schema, under the scenario's own field names
    assert "analysis.replications" in fields and "analysis.seed" in fields
    assert form.field_label("analysis.seed", sc) == "Run settings › Random seed"
    msg = dict(sub.problems)["costs.gross_margin"]
    assert "100%" in form.humanise("costs.gross_margin", msg)
    assert form.field_label("sales.reps", sc) == "Sales team › Account executives (reps)"


def test_form_build_applies_changes():
    """Valid widget values give the changed scenario and run settings."""
    sc = make()
    data = scenario_to_dict(sc)
    teams = list(sc.org.teams)
    frames = {t: form.effects_frame(data["org"]["teams"][t]["effects"], {}, "") for t in teams}
    sub = form.build(
        sc,
        {"sales.reps": 10, "market.audience_size": None},
        form.segments_frame(data["segments"]),
        frames,
        form.synergy_frame(data["org"]["synergy"]),
        form.setups_frame(data["org"]["setups"], teams),
        {
            "horizon_months": 24,
            "objective": "ending_arr",
            "seed": 7,
            "mode": "auto",
            "replications": 50,
            "max_replications": 120,
            "attribution_replications": 5,
        },
    )
    assert not sub.problems
    assert sub.scenario.sales.reps == 10 and sub.scenario.market.audience_size is None
    assert sub.scenario.horizon_months == 24 and sub.scenario.objective == "ending_arr"
    assert sub.settings.replications == "auto" and sub.settings.max_replications == 120
    assert sub.settings.seed == 7


# ----------------------------------------------------------------------------- exports
def test_exports_are_safe_and_traceable(result):
    """CSV exports carry the scenario hash and seed, and neutralise formula-like text."""
    evil = dataclasses.replace(result, scenario=result.scenario.with_changes(name="=HYPERLINK(1)"))
    kpis = pd.read_csv(io.StringIO(exports.kpi_csv(evil)))
    assert {"scenario", "scenario_hash", "seed", "setup", "kpi", "mean", "low", "high"} <= set(
        kpis.columns
    )
    assert kpis["scenario"].iloc[0].startswith("'=")
    assert {"win_rate", "cac", "ending_arr"} <= set(kpis["kpi"])
    reps = pd.read_csv(io.StringIO(exports.replications_csv(result)))
    assert len(reps) == 4 * len(result.setups) and "win_rate" in reps.columns
    verdict_json = json.loads(exports.verdict_json(result))
    assert verdict_json["verdict"]["best"] == result.verdict.best
    assert verdict_json["scenario_hash"]
    assert read_upload(exports.scenario_yaml(result.scenario).encode()).scenario == result.scenario


def test_the_setups_table_keeps_sized_options_and_full_teams():
    """A half-time RevOps (`revops@0.5`) shows 0.5 FTE and comes back as `revops@0.5`; a
    team at its own headcount comes back by name; 0 FTE takes a team out of a setup."""
    teams = ["salesops", "revops"]
    heads = {"salesops": 1.0, "revops": 2.0}
    setups = {"none": [], "both": ["salesops", "revops"], "revops_half": ["revops@0.5"]}
    frame = form.setups_frame(setups, teams, heads)
    assert frame.loc[frame["Setup"] == "revops_half"].iloc[0, 2] == 0.5
    assert frame.loc[frame["Setup"] == "both"].iloc[0, 2] == 2.0
    back, problems = form.frame_setups(frame, teams, heads)
    assert not problems and back == setups
    frame.iloc[1, 1] = 0.0
    back, _ = form.frame_setups(frame, teams, heads)
    assert back["both"] == ["revops"]


def test_uploader_words_are_safe_css_and_find_their_widget():
    from ui.widgets import _css_text, _key_class

    assert _css_text('say "hi"') == '"say \\"hi\\""'
    assert "</style>" not in _css_text("</style><script>")
    assert "\n" not in _css_text("two\nlines")
    # Streamlit's own rule for a key's class: anything but letters, digits, - and _ is a -
    assert _key_class("cal.up.deals") == "st-key-cal-up-deals"
    assert _key_class(" upload_scenario ") == "st-key-upload_scenario"
