"""Session state: the current scenario, where it came from, the run settings, the last result.

Every page reads and writes the scenario through these functions, so results survive reruns
and page switches. Nothing here is module-level mutable state: all of it lives in
`st.session_state`, one per browser session.

`ORGSIM_APP_REPS` (an integer) fixes the number of replications of every run; tests set it
low. Without it the app runs adaptively ("auto": batches of 20 until the top two setups are
separated, at most 100): a clear case is answered after 20 futures, a close one after 100,
with a provisional verdict after each batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import streamlit as st

from sim.io import ScenarioError, scenario_from_yaml
from sim.params import Scenario

ROOT = Path(__file__).resolve().parent.parent
PRESET_DIR = ROOT / "scenarios"
DEFAULT_PRESET = "default"
MAX_AUTO_REPLICATIONS = 100
ATTRIBUTION_REPLICATIONS = 20
FORM_PREFIX = "a."
"""Keys of the Assumptions form's widgets start with this; they are cleared on a new scenario."""


@dataclass(frozen=True)
class RunSettings:
    """How a comparison is run: replications (a number or "auto"), its cap, seed."""

    replications: int | str = "auto"
    max_replications: int = MAX_AUTO_REPLICATIONS
    seed: int = 0
    attribution_replications: int = ATTRIBUTION_REPLICATIONS
    """0 turns the gain attribution off; otherwise it uses every replication of the run
    (so its total is the headline's gain) and the number itself is not used."""

    @property
    def label(self) -> str:
        """The settings in plain words, for captions (the seed is in `help_text`)."""
        if self.replications == "auto":
            return f"simulated futures: until the answer is clear, at most {self.max_replications}"
        return f"{self.replications} simulated futures"

    @property
    def help_text(self) -> str:
        """The settings with the analysts' terms, for help text."""
        reps = (
            f"auto (batches until separated, at most {self.max_replications})"
            if self.replications == "auto"
            else str(self.replications)
        )
        return f"Replications: {reps}. Seed: {self.seed}."


def default_settings() -> RunSettings:
    """Run settings on first load; `ORGSIM_APP_REPS` fixes the replications (tests)."""
    raw = os.environ.get("ORGSIM_APP_REPS", "").strip()
    if raw:
        try:
            n = max(2, int(raw))
        except ValueError:
            n = 0
        if n:
            return RunSettings(
                replications=n,
                max_replications=max(n, MAX_AUTO_REPLICATIONS),
                attribution_replications=min(ATTRIBUTION_REPLICATIONS, n),
            )
    return RunSettings()


# ----------------------------------------------------------------------------- presets
def preset_paths() -> dict[str, Path]:
    """Preset name (file stem) -> path, the default first, then alphabetical."""
    paths = {p.stem: p for p in sorted(PRESET_DIR.glob("*.yaml"))}
    ordered = {DEFAULT_PRESET: paths.pop(DEFAULT_PRESET)} if DEFAULT_PRESET in paths else {}
    ordered.update(paths)
    return ordered


@st.cache_data(show_spinner=False, max_entries=64)
def _read_preset(path: str, mtime: float) -> tuple[str, Scenario | None, list]:
    """Text, scenario (or None) and problems of one preset file (cached by mtime)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return text, scenario_from_yaml(text, Path(path).name), []
    except ScenarioError as err:
        return text, None, list(err.problems)


def read_preset(name: str) -> tuple[str, Scenario | None, list]:
    """A preset's YAML text, its validated scenario (or None) and its problems."""
    path = preset_paths()[name]
    return _read_preset(str(path), path.stat().st_mtime)


def preset_label(name: str) -> str:
    """A preset as people see it in the picker: its scenario name."""
    _, scenario, _ = read_preset(name)
    title = scenario.name if scenario is not None else name
    return f"{title} (default)" if name == DEFAULT_PRESET else title


# ----------------------------------------------------------------------------- state
def init() -> None:
    """Fill the session state on a session's first run: the default preset, default settings."""
    ss = st.session_state
    if "scenario" in ss:
        return
    ss.settings = default_settings()
    ss.result = None
    ss.result_key = None
    ss.form_version = 0
    ss.form_problems = []
    ss.uploads = {}
    ss.boot_problems = []
    for name in preset_paths():
        text, scenario, problems = read_preset(name)
        if scenario is not None:
            _set(scenario, text, f"preset:{name}", name)
            return
        ss.boot_problems.append((name, problems))
    raise RuntimeError("no preset in scenarios/ could be loaded")


def clear_form_state() -> None:
    """Forget the form widgets' values, so they show the current scenario again."""
    for key in [k for k in st.session_state if str(k).startswith(FORM_PREFIX)]:
        del st.session_state[key]


def _set(scenario: Scenario, text: str | None, origin: str, preset: str | None) -> None:
    ss = st.session_state
    clear_form_state()
    ss.scenario = scenario
    ss.scenario_text = text or ""
    ss.origin = origin
    if preset is not None:
        ss.preset = preset
    ss.form_version = ss.get("form_version", 0) + 1
    ss.form_problems = []


def scenario() -> Scenario:
    """The current scenario."""
    return st.session_state.scenario


def settings() -> RunSettings:
    """The current run settings."""
    return st.session_state.settings


def set_settings(**changes: Any) -> None:
    """Change run settings (replications, max_replications, seed, ...)."""
    st.session_state.settings = replace(st.session_state.settings, **changes)


def load_preset(name: str) -> list[tuple[str, str]]:
    """Make a preset the current scenario; returns its problems (then nothing changes)."""
    text, sc, problems = read_preset(name)
    if sc is None:
        return problems
    _set(sc, text, f"preset:{name}", name)
    return []


def set_scenario(sc: Scenario, origin: str, text: str | None = None) -> None:
    """Make `sc` the current scenario (from the form or an upload)."""
    keep_text = text if text is not None else st.session_state.get("scenario_text", "")
    _set(sc, keep_text, origin, None)


def origin_label() -> str:
    """Where the current scenario came from, in words."""
    origin = st.session_state.get("origin", "")
    kind, _, what = origin.partition(":")
    if kind == "preset":
        return f"preset `{what}.yaml`"
    if kind == "upload":
        return f"uploaded file `{what}`"
    if kind == "edited":
        return f"edited from {what}" if what else "edited"
    return origin


def form_version() -> int:
    """A counter bumped whenever the scenario is replaced, to reset the form's widgets."""
    return st.session_state.get("form_version", 0)
