"""A cache of simulated runs, keyed by what a run actually depends on.

One run is one replication of one setup. What it depends on is narrower than the scenario:

* the **world** — segments, market, lead handling, sales, costs, starting customers, the
  horizon (`analysis.horizon_months`) and the world's declared ranges (`uncertainty`);
* the **setup's own teams** (their names, sizes, costs, ramps and effect ranges), and how
  teams combine (overlap, synergy, effect scale) when it has any;
* the replication, the seed, a lever restriction (gain attribution), and the model version.

Not in the key: the scenario's name, description, currency, sources, the analysis settings
other than the horizon (objective, confidence, the replication count and its cap; the seed
and the replication enter as the run's own), the other setups and the teams the setup does
not have. So changing RevOps' cost re-runs only the setups with RevOps; changing the
objective or the confidence re-runs nothing.

`RunCache` is an in-memory LRU; given a folder it also keeps every run on disk as Parquet
(one file per batch of stored runs), for sweeps larger than memory or that outlive a process.

The disk is never trusted and never needed: each stored run carries a checksum of its key and
values, and a file that cannot be read or a run whose checksum does not match is a miss (the
run is simulated again; logged once per file). A folder that cannot be created or written
(read-only, full) is a warning, logged once: the runs stay in memory and the answer comes
back. The checksum finds damage and values edited by hand; it is not a signature against
someone who recomputes it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.params import Scenario

log = logging.getLogger("orgsim.cache")

MODEL_VERSION = "3.0"
"""Changes whenever a model change may change a run's numbers: old cached runs then miss."""

WORLD_FIELDS = (
    "segments",
    "market",
    "lead_handling",
    "sales",
    "costs",
    "starting_customers",
)
"""The scenario blocks every run depends on, whatever its setup (and the horizon)."""


@dataclass(frozen=True)
class RunOutput:
    """What is kept of one run: its KPIs and its monthly series (not its full records)."""

    kpis: dict[str, float]
    series: dict[str, np.ndarray]


def world_key(scenario: Scenario) -> str:
    """A stable hash of the world part of a scenario (arrival streams depend on it alone)."""
    data = scenario.model_dump(mode="json", include=set(WORLD_FIELDS))
    data["horizon_months"] = scenario.analysis.horizon_months  # the same key as before the split
    if scenario.uncertainty:  # drawn per future: part of the world (absent, the key is as before)
        data["uncertainty"] = scenario.model_dump(mode="json", include={"uncertainty"})[
            "uncertainty"
        ]
    return _digest(data)


def run_key(
    scenario: Scenario,
    setup: str,
    replication: int,
    seed: int,
    levers: tuple[str, ...] | None = None,
    world: str | None = None,
) -> str:
    """The cache key of one run (`world` may pass a precomputed `world_key`)."""
    org = scenario.org
    teams = org.members(setup)
    data: dict = {
        "v": MODEL_VERSION,
        "world": world or world_key(scenario),
        "teams": [[name, fte, org.teams[name].model_dump(mode="json")] for name, fte in teams],
        "replication": int(replication),
        "seed": int(seed),
        "levers": None if levers is None else sorted(levers),
        # how value after the horizon is counted is computed with the run's KPIs
        "after_horizon": scenario.analysis.after_horizon,
    }
    if teams:
        data["effect_scale"] = org.effect_scale
    if setup in org.plans:  # a plan: when each team starts (a setup's start at month 0)
        data["plan"] = {t: step.model_dump(mode="json") for t, step in org.starts(setup).items()}
    if len(teams) >= 2:
        data["overlap"] = org.overlap
        data["synergy"] = dict(sorted(org.synergy.items()))
    return _digest(data)


def _digest(data: object) -> str:
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


class RunCache:
    """Simulated runs by `run_key`: an LRU in memory, optionally backed by Parquet files.

    Thread-safe (a web server's sessions share one). `hits` and `misses` count look-ups, so a
    caller can tell how many runs a comparison really simulated.
    """

    def __init__(self, max_runs: int = 20_000, path: str | Path | None = None) -> None:
        if max_runs < 1:
            raise ValueError("max_runs must be at least 1")
        self.max_runs = max_runs
        self.path = Path(path) if path is not None else None
        self._runs: OrderedDict[str, RunOutput] = OrderedDict()
        self._lock = threading.Lock()
        self._disk_index: dict[str, list[Path]] | None = None
        self._reported: set[Path] = set()
        self.writable = self.path is not None
        """False once the folder could not be written: runs are then kept in memory only."""
        self.hits = 0
        self.misses = 0
        if self.path is not None:
            _require_parquet()
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                self._unwritable(err)

    def __len__(self) -> int:
        return len(self._runs)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._runs or key in self._index()

    def get(self, key: str) -> RunOutput | None:
        """The run stored under `key`, or None (counted as a hit or a miss)."""
        with self._lock:
            out = self._runs.get(key)
            if out is not None:
                self._runs.move_to_end(key)
            else:
                files = self._index().get(key, [])
                for file in list(files):
                    self._load(file)
                    out = self._runs.get(key)
                    if out is not None:
                        break
                    files.remove(file)  # unreadable, or this run's checksum fails: not again
                if not files:
                    self._index().pop(key, None)
            if out is None:
                self.misses += 1
            else:
                self.hits += 1
            return out

    def put_many(self, items: Iterable[tuple[str, RunOutput]]) -> None:
        """Store runs (and, with a folder, write them to one new Parquet file)."""
        items = list(items)
        if not items:
            return
        with self._lock:
            for key, out in items:
                self._remember(key, out)
            if self.path is not None and self.writable:
                file = self.path / f"runs-{uuid.uuid4().hex}.parquet"
                try:
                    _write(file, items)
                except OSError as err:
                    self._unwritable(err)
                    return
                index = self._index()
                for key, _ in items:
                    index[key] = [file]

    def put(self, key: str, out: RunOutput) -> None:
        """Store one run."""
        self.put_many([(key, out)])

    def clear(self) -> None:
        """Forget the runs held in memory (files on disk stay) and reset the counters."""
        with self._lock:
            self._runs.clear()
            self.hits = self.misses = 0

    def stats(self) -> dict[str, int]:
        """Hits, misses and runs held in memory."""
        return {"hits": self.hits, "misses": self.misses, "runs": len(self._runs)}

    # ------------------------------------------------------------------ internals
    def _remember(self, key: str, out: RunOutput) -> None:
        self._runs[key] = out
        self._runs.move_to_end(key)
        while len(self._runs) > self.max_runs:
            self._runs.popitem(last=False)

    def _unwritable(self, err: OSError) -> None:
        """Keep runs in memory only from now on; say so once."""
        if self.writable or self.path not in self._reported:
            log.warning(
                "run cache: cannot write to %s (%s); runs are kept in memory only",
                self.path,
                err.strerror or err,
            )
        self.writable = False
        if self.path is not None:
            self._reported.add(self.path)

    def _bad_file(self, file: Path, why: str) -> None:
        if file not in self._reported:
            self._reported.add(file)
            log.warning("run cache: %s: %s; its runs are simulated again", file.name, why)

    def _index(self) -> dict[str, list[Path]]:
        """The files that hold each stored key (a key re-run after a bad copy is in two)."""
        if self.path is None:
            return {}
        if self._disk_index is None:
            index: dict[str, list[Path]] = {}
            try:
                files = sorted(self.path.glob("runs-*.parquet"))
            except OSError as err:
                files = []
                self._bad_file(self.path, f"cannot be listed ({err.strerror or err})")
            for file in files:
                try:
                    keys = pd.read_parquet(file, columns=["key"])["key"]
                except Exception as err:  # cut short by a crash, damaged: its runs are re-run
                    self._bad_file(file, f"unreadable ({type(err).__name__}: {err})")
                    continue
                for key in keys.tolist():
                    index.setdefault(key, []).append(file)
            self._disk_index = index
        return self._disk_index

    def _load(self, file: Path) -> None:
        """Remember the good runs of `file`; a bad file or run is reported and left out."""
        try:
            rows, bad = _read(file)
        except Exception as err:  # damaged past Parquet's own checks
            self._bad_file(file, f"unreadable ({type(err).__name__}: {err})")
            return
        if bad:
            self._bad_file(file, f"{bad} run(s) fail their checksum")
        for key, out in rows:
            self._remember(key, out)


def _require_parquet() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise RuntimeError("an on-disk run cache needs pyarrow (pip install pyarrow)") from exc


def checksum(key: str, out: RunOutput) -> str:
    """A digest of a stored run: its key, KPI names and values, series names and values."""
    h = hashlib.blake2b(digest_size=16)
    h.update(key.encode())
    for name, value in out.kpis.items():
        h.update(b"\0k" + name.encode() + np.float64(value).tobytes())
    for name in sorted(out.series):
        h.update(b"\0s" + name.encode() + np.ascontiguousarray(out.series[name], "<f8").tobytes())
    return h.hexdigest()


def _write(file: Path, items: list[tuple[str, RunOutput]]) -> None:
    """One row per run: key, checksum, KPI names and values, one list column per series."""
    rows = []
    for key, out in items:
        row: dict[str, object] = {
            "key": key,
            "checksum": checksum(key, out),
            "kpi_names": list(out.kpis),
            "kpi_values": np.array(list(out.kpis.values()), dtype=float),
        }
        row.update({f"series.{k}": np.asarray(v, dtype=float) for k, v in out.series.items()})
        rows.append(row)
    tmp = file.with_suffix(".tmp")
    try:
        pd.DataFrame(rows).to_parquet(tmp, index=False)
        tmp.rename(file)  # a reader never sees half a file
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise


def _read(file: Path) -> tuple[list[tuple[str, RunOutput]], int]:
    """The runs of `file` whose checksum holds, and how many did not."""
    frame = pd.read_parquet(file)
    series_cols = [c for c in frame.columns if c.startswith("series.")]
    out, bad = [], 0
    for _, row in frame.iterrows():
        try:
            kpis = dict(zip(list(row["kpi_names"]), map(float, row["kpi_values"]), strict=True))
            series = {c[7:]: np.asarray(row[c], dtype=float) for c in series_cols}
            run = RunOutput(kpis, series)
            ok = row.get("checksum") == checksum(str(row["key"]), run)
        except (TypeError, ValueError):
            ok = False
        if ok:
            out.append((str(row["key"]), run))
        else:
            bad += 1
    return out, bad
