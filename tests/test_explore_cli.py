"""`python -m sim explore ...`: the JSON keys of the contract, CSV, and bad input."""

from __future__ import annotations

import json

from conftest import make

from sim.cli import main
from sim.io import scenario_to_yaml


def _file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(scenario_to_yaml(make(horizon_months=12)), encoding="utf-8")
    return str(path)


RUN = ["--reps", "2", "--backend", "serial", "--quiet", "--format", "json"]


def test_tornado_and_map_json(tmp_path, capsys):
    f = _file(tmp_path)
    assert main(["explore", "tornado", f, "--params", "sales.reps", *RUN]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"pair", "base_gap", "rows"} and out["rows"][0]["param"] == "sales.reps"
    assert (
        main(
            [
                "explore",
                "map",
                f,
                "--x",
                "sales.reps=4:8:2",
                "--y",
                "segments.0.win_rate=0.1:0.3:2",
                *RUN,
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["x"]["values"] == [4, 8] and len(out["cells"]) == 4


def test_breakeven_csv_and_bad_input(tmp_path, capsys):
    f = _file(tmp_path)
    code = main(
        [
            "explore",
            "breakeven",
            f,
            "--param",
            "org.teams.revops.cost_per_fte_month",
            "--between",
            "0",
            "30000",
            "--pair",
            "revops,none",
            "--points",
            "3",
            "--reps",
            "2",
            "--backend",
            "serial",
            "--quiet",
            "--format",
            "csv",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("param,value,gap")
    assert main(["explore", "breakeven", f, "--param", "sales.nope", *RUN]) == 2
    assert "sales.nope" in capsys.readouterr().err


def test_tornado_on_a_preset_names_winners_and_what_it_left_out(capsys):
    """The default preset (a short horizon): a lead share cannot move alone, so it is listed
    as skipped; the strength of a team is swept as one value; every row names its winners."""
    from pathlib import Path

    preset = str(Path(__file__).resolve().parents[1] / "scenarios" / "default.yaml")
    params = "segments.0.lead_share,org.teams.revops.strength,sales.reps"
    args = ["explore", "tornado", preset, "--set", "analysis.horizon_months=12"]
    assert main([*args, "--params", params, *RUN]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["winner_among"] == ["none", "salesops", "revops", "both"]
    assert out["winner"] in out["winner_among"]
    assert [s["param"] for s in out["skipped"]] == ["segments.0.lead_share"]
    rows = {r["param"]: r for r in out["rows"]}
    assert set(rows) == {"org.teams.revops.strength", "sales.reps"}
    assert rows["org.teams.revops.strength"]["kind"] == "range"
    for r in rows.values():
        assert {r["winner_low"], r["winner_high"]} <= set(out["winner_among"])
        assert r["flips"] == (r["winner_low"] != out["winner"] or r["winner_high"] != out["winner"])
        assert (r["new_winner"] is None) == (not r["flips"])
    csv = [*RUN[:-1], "csv"]
    assert main([*args, "--params", params, *csv]) == 0
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert header[-4:] == ["winner_low", "winner_high", "flips", "new_winner"]
