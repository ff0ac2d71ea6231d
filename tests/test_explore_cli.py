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
