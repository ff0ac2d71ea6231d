"""Absurd values are refused at validation and broken arithmetic is never a verdict.

An effect range up to 1e200 once passed validation and its NaN silently zeroed a setup's
MQLs (the verdict changed, exit 0); a NaN now stops the run naming the setup, replication
and figure. Messages name the field and the rule in plain words, never pydantic's
validator chain or the wrong option.
"""

from __future__ import annotations

import math

import pytest
import yaml
from conftest import base_dict, make

from sim import org as sim_org
from sim.cli import main
from sim.experiments import RunTask, run_task, simulate
from sim.metrics import NonFiniteResult, check_finite


def _write(tmp_path, data) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def test_an_effect_of_1e200_is_refused_naming_the_field(tmp_path, capsys):
    data = base_dict()
    team = next(iter(data["org"]["teams"]))
    data["org"]["teams"][team]["effects"]["sales_cycle"] = [-0.1, -0.05, 0.0]
    data["org"]["teams"][team]["effects"]["price"] = [0.0, 0.1, 1e200]
    assert main(["validate", _write(tmp_path, data)]) == 2
    err = capsys.readouterr().err
    assert f"org.teams.{team}" in err and "effects.price" in err
    assert "at most 10" in err, err


def test_an_absurd_synergy_is_refused(tmp_path, capsys):
    data = base_dict()
    data["org"]["synergy"] = {"expansion": 1e200}
    assert main(["validate", _write(tmp_path, data)]) == 2
    assert "synergy.expansion: must lie in [-1, 10]" in capsys.readouterr().err


def test_a_nan_effect_stops_the_run_instead_of_changing_the_verdict(monkeypatch):
    sc = make(**{"analysis.horizon_months": 6})
    monkeypatch.setattr(sim_org, "triangular_ppf", lambda u, rng: math.nan)
    with pytest.raises(NonFiniteResult, match=r"replication 0: team '.+' has effect nan"):
        run_task(RunTask(sc, tuple(sc.setup_names), 0, 0))
    with pytest.raises(NonFiniteResult):
        simulate(sc, sc.setup_names[-1])


def test_a_nan_in_a_runs_outputs_is_an_error_naming_the_figure():
    sc = make(**{"analysis.horizon_months": 6})
    run = simulate(sc, "none")
    series = {k: run.monthly[k].to_numpy() for k in run.monthly.columns if k != "month"}
    check_finite(run.kpis, series, "here")  # a normal run passes
    with pytest.raises(NonFiniteResult, match="here: the result 'value_created' is nan"):
        check_finite({**run.kpis, "value_created": math.nan}, series, "here")
    name = next(iter(series))
    series[name] = series[name].copy()
    series[name][2] = math.inf
    with pytest.raises(NonFiniteResult, match=f"the monthly '{name}' is inf in month 3"):
        check_finite(run.kpis, series, "here")
    # undefined ratios stay NaN by design
    check_finite({**run.kpis, "win_rate": math.nan, "ops_roi": math.nan}, {}, "here")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "analysis.replications: must be at least 2 or 'auto'"),
        ("abc", "analysis.replications: must be a whole number or 'auto'"),
    ],
)
def test_replications_zero_is_named_in_plain_words(tmp_path, capsys, value, expected):
    path = _write(tmp_path, base_dict())
    assert main(["validate", path, "--set", f"analysis.replications={value}"]) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "function-after" not in err and "validator" not in err and "literal[" not in err


def test_a_bad_scheduler_address_names_the_scheduler_option(tmp_path, capsys):
    pytest.importorskip("distributed")
    path = _write(tmp_path, base_dict())
    code = main(
        [
            "compare",
            path,
            "--reps",
            "2",
            "--quiet",
            "--backend",
            "dask",
            "--scheduler",
            "garbage://x",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--scheduler:" in err and "garbage" in err and "--unknown" not in err
