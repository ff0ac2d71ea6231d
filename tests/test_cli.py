"""The command line (`python -m sim validate|compare ...`, sim/cli.py), as a user runs it.

Runs go through `sim.cli.main([...])` in this process (fast): its return value is the exit
code, argparse's own exits are caught as `SystemExit`, and an exception escaping `main`
would fail the test (a user would have seen a traceback). Three tests cross the process
boundary for real: the `python -m sim` entry point, a bad input's exit code 2 without a
traceback, and a clean run's quiet stderr. Runs are kept small: --reps 4 --no-explain
--horizon 12 --workers 1 unless the claim needs otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import SPEC_KPIS, base_dict

import sim.cli.compare
from sim.cli import main
from sim.params import OBJECTIVES

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))
FAST = ["--reps", "4", "--no-explain", "--horizon", "12", "--workers", "1"]


# ----------------------------------------------------------------------------- helpers
def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    """The reference example company as a YAML file (independent of the presets others edit)."""
    return write_yaml(tmp_path / "example.yaml", base_dict())


def two_setup_file(tmp_path: Path, team: dict) -> Path:
    data = base_dict()
    (name,) = team
    data["org"]["teams"] = team
    data["org"]["setups"] = {"none": [], name: [name]}
    data["org"]["synergy"] = {}
    return write_yaml(tmp_path / f"{name}.yaml", data)


def run_sim(*args: str) -> subprocess.CompletedProcess:
    """`python -m sim ARGS` in a subprocess, from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """`main(ARGS)` in this process: (exit code, stdout, stderr); argparse exits caught."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def cli_json(capsys, *args: str) -> dict:
    """Run `compare --format json` in this process and parse its stdout."""
    code = main(["compare", *map(str, args), "--format", "json", "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def assert_bad_input(result: tuple[int, str, str], *names: str) -> None:
    """Exit 2, a message on stderr naming the field(s), and no traceback."""
    code, _, err = result
    assert code == 2, (code, err)
    assert "Traceback" not in err, err
    assert "error" in err.lower(), err
    for name in names:
        assert name in err, (name, err)


# ----------------------------------------------------------------------------- validate
@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_validate_accepts_every_preset(preset, capsys):
    """`validate` on each shipped preset exits 0 and says it is valid."""
    assert main(["validate", str(preset)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and preset.name in out


def test_validate_through_python_dash_m(scenario_file):
    """`python -m sim validate FILE` works as a real command (exit 0, no stderr)."""
    proc = run_sim("validate", scenario_file)
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout
    assert "Traceback" not in proc.stderr


# ----------------------------------------------------------------------------- compare options
def test_reps_n_gives_exactly_n_replications(capsys, scenario_file):
    """--reps 5 -> 'replications': 5 in the JSON, and every setup's figures are present."""
    out = cli_json(capsys, scenario_file, *FAST, "--reps", "5")
    assert out["replications"] == 5
    assert set(out["setups"]) == {"none", "salesops", "revops", "both"}


def test_reps_auto_stops_early_when_clear_and_runs_to_max_reps_on_a_tie(capsys, tmp_path):
    """--reps auto --max-reps 25: a clear winner stops after the first batch (20); an exact
    tie (team with no effect, no cost) runs to 25."""
    clear = two_setup_file(
        tmp_path,
        {"boost": {"cost_per_fte_month": 0, "effects": {"win_rate": [0.3, 0.3, 0.3]}}},
    )
    tie = two_setup_file(tmp_path, {"ghost": {"cost_per_fte_month": 0, "effects": {}}})
    args = [
        "--reps",
        "auto",
        "--max-reps",
        "25",
        "--no-explain",
        "--horizon",
        "6",
        "--workers",
        "1",
    ]
    c = cli_json(capsys, clear, *args)
    assert c["replications"] == 20
    assert c["verdict"]["best"] == "boost" and c["verdict"]["separated"] is True
    t = cli_json(capsys, tie, *args)
    assert t["replications"] == 25
    assert t["verdict"]["separated"] is False


def test_seed_same_seed_same_json_different_seed_different(capsys, scenario_file):
    """The same --seed reproduces the JSON exactly; another seed gives other figures."""
    a = cli_json(capsys, scenario_file, *FAST, "--seed", "3")
    b = cli_json(capsys, scenario_file, *FAST, "--seed", "3")
    c = cli_json(capsys, scenario_file, *FAST, "--seed", "4")
    assert a == b
    assert a["seed"] == 3 and c["seed"] == 4
    assert a["setups"]["none"]["objective"] != c["setups"]["none"]["objective"]


def test_horizon_overrides_the_file(capsys, scenario_file):
    """--horizon 9 -> horizon_months 9 in the JSON (the file says 36)."""
    out = cli_json(capsys, scenario_file, *FAST, "--horizon", "9")
    assert out["horizon_months"] == 9
    assert "9 months" in out["verdict"]["summary"]
    assert all(s["kpis"]["cumulative_contribution"] for s in out["setups"].values())


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_objective_choice_is_used_for_the_ranking(objective, capsys, scenario_file):
    """--objective O: the JSON reports O, and 'best' is the setup with the highest mean of O."""
    out = cli_json(capsys, scenario_file, *FAST, "--objective", objective)
    assert out["objective"] == objective
    means = {k: v["objective"]["mean"] for k, v in out["setups"].items()}
    assert out["verdict"]["best"] == max(means, key=means.get)
    # the objective block is that KPI's summary
    for name, s in out["setups"].items():
        assert s["objective"]["mean"] == pytest.approx(s["kpis"][objective]["mean"]), name


def test_workers_do_not_change_the_answer(capsys, scenario_file):
    """--workers 1 and --workers 2 give identical JSON (results depend only on the seed)."""
    one = cli_json(
        capsys,
        scenario_file,
        "--reps",
        "4",
        "--no-explain",
        "--horizon",
        "12",
        "--workers",
        "1",
        "--seed",
        "9",
    )
    two = cli_json(
        capsys,
        scenario_file,
        "--reps",
        "4",
        "--no-explain",
        "--horizon",
        "12",
        "--workers",
        "2",
        "--seed",
        "9",
    )
    assert one == two


def test_repeatable_set_applies_every_override(monkeypatch, capsys, scenario_file):
    """Several --set: a list item's field, null, a YAML list value and a new setup all reach
    the simulated scenario."""
    seen = {}
    real_compare = sim.cli.compare.compare

    def spy(scenario, *args, **kwargs):
        seen["scenario"] = scenario
        return real_compare(scenario, *args, **kwargs)

    monkeypatch.setattr(sim.cli.compare, "compare", spy)
    out = cli_json(
        capsys,
        scenario_file,
        *FAST,
        "--set",
        "segments.0.win_rate=0.25",
        "--set",
        "market.audience_size=null",
        "--set",
        "org.teams.salesops.effects.win_rate=[0.01, 0.02, 0.03]",
        "--set",
        "org.setups.lean=[salesops]",
    )
    sc = seen["scenario"]
    assert sc.segments[0].win_rate == 0.25
    assert sc.market.audience_size is None
    rng = sc.org.teams["salesops"].effects["win_rate"]
    assert (rng.low, rng.mode, rng.high) == (0.01, 0.02, 0.03)
    assert "lean" in out["setups"]
    assert out["setups"]["none"]["kpis"]["audience_used"]["mean"] is None


def test_set_win_rate_moves_the_simulated_win_rate(capsys, scenario_file):
    """--set segments.0.win_rate=0.5 raises the baseline's simulated win rate well above 0.2."""
    low = cli_json(capsys, scenario_file, *FAST)
    high = cli_json(capsys, scenario_file, *FAST, "--set", "segments.0.win_rate=0.5")
    w_low = low["setups"]["none"]["kpis"]["win_rate"]["mean"]
    w_high = high["setups"]["none"]["kpis"]["win_rate"]["mean"]
    assert 0.15 < w_low < 0.27
    assert 0.42 < w_high < 0.58


# ----------------------------------------------------------------------------- formats
def test_format_table_shows_the_verdict_and_setups(capsys, scenario_file):
    """--format table prints the verdict sentence, every setup and the 'Why' section."""
    assert main(["compare", str(scenario_file), *FAST, "--format", "table", "--quiet"]) == 0
    out = capsys.readouterr().out
    for name in ("No ops team", "SalesOps", "RevOps", "Both teams"):  # names, not ids
        assert f"\n{name} " in out
    assert "Why (the baseline, no ops team):" in out
    assert "4 simulated futures" in out and "12 months" in out
    assert ("wins" in out) or ("pays for itself" in out)


def test_format_csv_has_one_row_per_setup_and_replication(capsys, scenario_file):
    """--format csv: one row per (setup, replication) with the documented KPI names as columns."""
    assert main(["compare", str(scenario_file), *FAST, "--format", "csv", "--quiet"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4 * 4
    assert {(r["setup"], r["replication"]) for r in rows} == {
        (s, str(i)) for s in ("none", "salesops", "revops", "both") for i in range(4)
    }
    missing = [k for k in SPEC_KPIS if k not in rows[0]]
    assert not missing, missing
    assert float(rows[0]["win_rate"]) > 0


def test_format_csv_neutralises_formula_cells(capsys, scenario_file):
    """A scenario named '=cmd()' is written "'=cmd()" so a spreadsheet will not run it."""
    assert (
        main(
            [
                "compare",
                str(scenario_file),
                *FAST,
                "--format",
                "csv",
                "--quiet",
                "--set",
                "name==cmd()",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(r["scenario"] == "'=cmd()" for r in rows)
    for r in rows:
        for cell in r.values():
            assert not (isinstance(cell, str) and cell[:1] in ("=", "+", "@")), cell


def test_out_writes_the_file_and_nothing_to_stdout(capsys, scenario_file, tmp_path):
    """--out FILE writes the JSON there; stdout stays empty."""
    target = tmp_path / "v.json"
    code = main(
        ["compare", str(scenario_file), *FAST, "--format", "json", "--quiet", "--out", str(target)]
    )
    assert code == 0
    assert capsys.readouterr().out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["replications"] == 4


def test_help_shows_examples(capsys):
    """`--help` and `compare --help` exit 0 and show usage examples."""
    for args in (["--help"], ["compare", "--help"]):
        code, out, _ = run_main(capsys, *args)
        assert code == 0
        assert "examples:" in out
        assert "python -m sim compare scenarios/default.yaml" in out
    assert "--set" in run_main(capsys, "compare", "--help")[1]


# ----------------------------------------------------------------------------- bad input
def test_unknown_key_in_the_file_is_named(capsys, tmp_path):
    """A misspelt key in the file: exit 2 naming 'sales.repz', for validate and compare."""
    data = base_dict()
    data["sales"]["repz"] = 9
    bad = write_yaml(tmp_path / "typo.yaml", data)
    for cmd in ("validate", "compare"):
        result = run_main(capsys, cmd, bad, *(FAST if cmd == "compare" else []))
        assert_bad_input(result, "sales.repz", "unknown key")


def test_bad_input_exits_2_without_a_traceback_at_the_process_boundary(tmp_path):
    """Through the real `python -m sim`: a misspelt key gives exit code 2 and one message
    naming it on stderr, never a traceback."""
    data = base_dict()
    data["sales"]["repz"] = 9
    bad = write_yaml(tmp_path / "typo.yaml", data)
    proc = run_sim("compare", bad, *FAST)
    assert_bad_input((proc.returncode, proc.stdout, proc.stderr), "sales.repz", "unknown key")


def test_invalid_value_in_the_file_is_named(capsys, tmp_path):
    """An out-of-range value: exit 2 naming 'segments.0.win_rate'."""
    data = base_dict()
    data["segments"][0]["win_rate"] = 1.7
    bad = write_yaml(tmp_path / "bad.yaml", data)
    assert_bad_input(run_main(capsys, "validate", bad), "segments.0.win_rate")


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("sales.reps", "sales.reps"),  # no '='
        ("segments.3.win_rate=0.2", "segments.3"),  # list index out of range
        ("segments.x.win_rate=0.2", "segments.x"),  # not an index
        ("sales.repz=3", "sales.repz"),  # unknown key
        ("sales.reps=[1, 2", "sales.reps"),  # value is not valid YAML
        ("segments.0.win_rate.x=1", "segments.0.win_rate.x"),  # key inside a number
    ],
)
def test_bad_set_is_named(setting, named, capsys, scenario_file):
    """Each bad --set: exit 2, the message names the key, no traceback."""
    assert_bad_input(run_main(capsys, "compare", scenario_file, *FAST, "--set", setting), named)


def test_malformed_yaml_is_reported_with_its_line(capsys, tmp_path):
    """Broken YAML: exit 2, 'not valid YAML' with a line number, no traceback."""
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nsegments: [\n  - {name: a\n", encoding="utf-8")
    assert_bad_input(run_main(capsys, "validate", bad), "not valid YAML", "line", "broken.yaml")


def test_python_object_tag_is_rejected_and_never_run(capsys, tmp_path):
    """A `!!python/object/apply:os.system` tag: exit 2 and the command did NOT run."""
    marker = Path("/tmp") / f"pwned_{uuid.uuid4().hex}"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    nested = tmp_path / "evil2.yaml"
    text = yaml.safe_dump(base_dict(), sort_keys=False)
    nested.write_text(
        text.replace(
            "name: Scaling",
            f'name: !!python/object/apply:os.system ["touch {marker}"]\n# Scaling',
            1,
        ),
        encoding="utf-8",
    )
    try:
        for f in (evil, nested):
            for cmd in ("validate", "compare"):
                result = run_main(capsys, cmd, f, *(FAST if cmd == "compare" else []))
                assert_bad_input(result, f.name)
                assert not marker.exists(), "the YAML tag was executed"
    finally:
        marker.unlink(missing_ok=True)


def test_missing_file_is_reported(capsys, tmp_path):
    """A file that does not exist: exit 2 naming the path."""
    missing = tmp_path / "nope.yaml"
    for cmd in ("validate", "compare"):
        assert_bad_input(run_main(capsys, cmd, missing), "nope.yaml")


def test_empty_or_non_mapping_file_is_reported(capsys, tmp_path):
    """An empty file or a YAML list: exit 2, 'a scenario must be a mapping'."""
    for i, text in enumerate(("", "- 1\n- 2\n")):
        f = tmp_path / f"odd{i}.yaml"
        f.write_text(text, encoding="utf-8")
        assert_bad_input(run_main(capsys, "validate", f), "mapping")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--reps", "-3"], "--reps"),
        (["--reps", "1"], "--reps"),
        (["--reps", "many"], "--reps"),
        (["--seed", "-1"], "--seed"),
        (["--horizon", "0"], "--horizon"),
        (["--max-reps", "0"], "--max-reps"),
        (["--objective", "profit"], "--objective"),
        (["--format", "xml"], "--format"),
    ],
)
def test_bad_option_values_are_named(args, named, capsys, scenario_file):
    """A bad option value (negative --reps, ...): exit 2 naming the option, no traceback."""
    assert_bad_input(run_main(capsys, "compare", scenario_file, *args), named)


def test_horizon_beyond_the_schema_limit_is_named(capsys, scenario_file):
    """--horizon 500 passes argparse but breaks the schema: exit 2 naming horizon_months."""
    result = run_main(capsys, "compare", scenario_file, *FAST, "--horizon", "500")
    assert_bad_input(result, "horizon_months")


def test_unwritable_out_is_reported(capsys, scenario_file, tmp_path):
    """--out into a missing directory: exit 2 naming --out, no traceback."""
    target = tmp_path / "no" / "such" / "dir" / "v.json"
    assert_bad_input(run_main(capsys, "compare", scenario_file, *FAST, "--out", target), "--out")


def test_duplicate_key_in_the_file_is_not_silently_ignored(capsys, tmp_path):
    """'Nothing is silently ignored': a key written twice in the file (the first value
    would be dropped without a word) is an error naming the key."""
    text = yaml.safe_dump(base_dict(), sort_keys=False)
    text = text.replace("  reps: 8\n", "  reps: 8\n  reps: 12\n", 1)
    dup = tmp_path / "dup.yaml"
    dup.write_text(text, encoding="utf-8")
    assert_bad_input(run_main(capsys, "validate", dup), "reps")


def test_a_clean_run_writes_nothing_alarming_to_stderr(tmp_path):
    """A good compare with --quiet, through the real `python -m sim`, exits 0 and leaves
    stderr free of tracebacks and warnings (checked on an unlimited audience, where
    'audience used' is undefined, so NaN handling would warn if it were wrong)."""
    data = base_dict()
    data["market"]["audience_size"] = None
    f = write_yaml(tmp_path / "open_market.yaml", data)
    proc = run_sim("compare", f, *FAST, "--quiet", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["replications"] == 4
    assert "Traceback" not in proc.stderr
    assert "Warning" not in proc.stderr, proc.stderr


def test_a_bad_segment_field_reports_only_that_field(capsys, tmp_path):
    """One bad value inside the only segment is reported as that field alone, not also as a
    phantom 'segments: Tuple should have at least 1 item ... not 0' (the file has one)."""
    data = base_dict()
    data["segments"][0]["win_rate"] = 1.7
    result = run_main(capsys, "validate", write_yaml(tmp_path / "bad_segment.yaml", data))
    assert_bad_input(result, "segments.0.win_rate")
    assert "at least 1 item" not in result[2], result[2]


def test_adaptive_run_capped_at_one_replication_gives_no_nonsense(capsys, scenario_file):
    """--reps auto --max-reps 1: either refused like --reps 1 (exit 2 naming --max-reps), or
    a verdict without infinite money and without calling untested setups 'equivalent'."""
    code, out, err = run_main(
        capsys,
        "compare",
        scenario_file,
        "--reps",
        "auto",
        "--max-reps",
        "1",
        "--horizon",
        "6",
        "--no-explain",
        "--workers",
        "1",
        "--format",
        "json",
    )
    if code == 2:
        assert "--max-reps" in err and "Traceback" not in err
    else:
        assert code == 0, err
        summary = json.loads(out)["verdict"]["summary"]
        assert "inf" not in summary, summary
        assert "equivalent" not in summary, summary


def test_table_shows_roi_multiples_with_decimals(capsys, scenario_file):
    """--objective ops_roi --format table: the setup rows show the ROI multiple to two
    decimals (as in the JSON), not rounded to a whole number."""
    args = ["compare", str(scenario_file), *FAST, "--objective", "ops_roi", "--quiet"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert main([*args, "--format", "table"]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("SalesOps "))
    mean = data["setups"]["salesops"]["objective"]["mean"]
    assert f"{mean:.2f}" in row, (mean, row)


# ----------------------------------------------------------------------------- where it runs
def test_the_dask_backend_gives_the_same_answer_as_the_process_pool(capsys, scenario_file):
    """--backend dask (a local cluster of 2 workers, started and stopped) changes nothing."""
    args = (scenario_file, "--reps", "3", "--no-explain", "--horizon", "6", "--seed", "4")
    pool = cli_json(capsys, *args, "--workers", "2")
    dask = cli_json(capsys, *args, "--backend", "dask", "--workers", "2")
    assert dask["setups"] == pool["setups"]
    assert dask["verdict"] == pool["verdict"]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("--backend", "serial", "--workers", "2"), ("--workers",)),
        (("--scheduler", "tcp://127.0.0.1:8786"), ("--scheduler", "dask")),
        (("--backend", "cluster"), ("--backend",)),
    ],
    ids=["serial-with-workers", "scheduler-without-dask", "unknown-backend"],
)
def test_bad_run_options_name_the_option(capsys, scenario_file, args, names):
    """A run option that cannot be used exits 2 with a message naming it."""
    result = run_main(capsys, "compare", scenario_file, "--reps", "2", "--quiet", *args)
    assert_bad_input(result, *names)


def test_cache_dir_reuses_runs_so_a_new_objective_simulates_nothing(
    capsys, scenario_file, tmp_path, monkeypatch
):
    """With --cache-dir, a second call that only changes the objective runs no simulation."""
    store = tmp_path / "runs"
    args = (scenario_file, "--reps", "3", "--horizon", "6", "--backend", "serial")
    first = cli_json(capsys, *args, "--no-explain", "--cache-dir", store)
    assert list(store.glob("*.parquet"))

    def no_simulation(task):
        raise AssertionError(f"simulated {task!r}")

    monkeypatch.setattr("sim.experiments.run_task", no_simulation)
    again = cli_json(
        capsys, *args, "--no-explain", "--cache-dir", store, "--objective", "ending_arr"
    )
    assert again["objective"] == "ending_arr"
    for setup, figures in first["setups"].items():
        assert again["setups"][setup]["kpis"]["ending_arr"] == figures["kpis"]["ending_arr"]


# ----------------------------------------------------------------------------- analysis settings
def test_defaults_come_from_the_files_analysis_settings(capsys, tmp_path):
    """Without --reps/--seed/--objective/--confidence the file's `analysis:` block decides."""
    data = base_dict()
    for key in ("horizon_months", "objective"):
        data.pop(key)
    data["analysis"] = {
        "horizon_months": 6,
        "objective": "ending_arr",
        "replications": 3,
        "seed": 5,
        "confidence": 0.8,
    }
    path = write_yaml(tmp_path / "analysis.yaml", data)
    out = cli_json(capsys, path, "--no-explain", "--workers", "1")
    assert (out["replications"], out["seed"], out["objective"]) == (3, 5, "ending_arr")
    assert out["horizon_months"] == 6
    over = cli_json(
        capsys,
        path,
        "--no-explain",
        "--workers",
        "1",
        "--reps",
        "2",
        "--seed",
        "1",
        "--objective",
        "ops_roi",
        "--horizon",
        "4",
        "--confidence",
        "0.95",
    )
    assert (over["replications"], over["seed"], over["objective"]) == (2, 1, "ops_roi")
    assert over["horizon_months"] == 4


def test_a_bad_confidence_is_named(capsys, scenario_file):
    """--confidence outside (0.5, 1) exits 2 naming the option."""
    assert_bad_input(
        run_main(capsys, "compare", scenario_file, "--confidence", "1.5"), "--confidence"
    )
