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

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from sim.io import ScenarioError, parse_scenario, scenario_from_yaml, scenario_to_dict
from sim.params import Scenario
from sim.params.analysis import APP_ATTRIBUTION_REPLICATIONS, APP_MAX_REPLICATIONS, RunSettings
from sim.text import scenario_title, translator
from sim.workshop import MAX_VARIANTS, Variant, changes
from ui import urlstate
from ui.i18n import N_, _
from ui.safe import md_escape

log = logging.getLogger("orgsim.app")
ROOT = Path(__file__).resolve().parent.parent
PRESET_DIR = ROOT / "scenarios"
DEFAULT_PRESET = "default"
FORM_PREFIX = "a."
"""Keys of the Assumptions form's widgets start with this; they are cleared on a new scenario."""


def settings_label(settings: RunSettings) -> str:
    """The run settings in plain words, for captions (the seed is in `settings_help`)."""
    if settings.replications == "auto":
        return _("simulated futures: until the answer is clear, at most {n}").format(
            n=settings.max_replications
        )
    return _("{n} simulated futures").format(n=settings.replications)


def settings_help(settings: RunSettings) -> str:
    """The run settings with the analysts' terms, for help text."""
    reps = (
        _("auto (batches until separated, at most {n})").format(n=settings.max_replications)
        if settings.replications == "auto"
        else str(settings.replications)
    )
    return _("Replications: {reps}. Seed: {seed}.").format(reps=reps, seed=settings.seed)


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
                max_replications=max(n, APP_MAX_REPLICATIONS),
                attribution_replications=min(APP_ATTRIBUTION_REPLICATIONS, n),
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


def preset_label(name: str, lang: str | None = None) -> str:
    """A preset as people see it in the picker: its name (`lang`: else the session's)."""
    _text, scenario, _problems = read_preset(name)
    title = (
        scenario_title(scenario.name, lang or st.session_state.get("lang", urlstate.DEFAULT_LANG))
        if scenario is not None
        else name
    )
    if name != DEFAULT_PRESET:
        return title
    words = N_("{name} (default)")
    return (translator(lang)(words) if lang else _(words)).format(name=title)


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
    ss.lang = ss.get("lang", urlstate.DEFAULT_LANG)  # ui.i18n settled it (address, browser)
    ss.variants = []
    ss.previous = None
    ss.url_problems = []
    try:
        opened = _from_url()
    except Exception as err:  # a link must never cost the session: say why, open the default
        log.exception("the page address could not be read")  # i18n: ok (log)
        ss.url_problems = [("", f"{type(err).__name__}: {err}")]
        st.query_params.clear()
        opened = False
    if opened:
        return
    for name in preset_paths():
        text, scenario, problems = read_preset(name)
        if scenario is not None:
            _set(scenario, text, f"preset:{name}", name)
            return
        ss.boot_problems.append((name, problems))
    raise RuntimeError("no preset in scenarios/ could be loaded")  # i18n: ok (a broken install)


def clear_form_state() -> None:
    """Forget the form widgets' values and any unsaved draft.

    So the form shows the current scenario again.
    """
    for key in [k for k in st.session_state if str(k).startswith(FORM_PREFIX)]:
        del st.session_state[key]
    for key in ("draft", "form_base"):
        st.session_state.pop(key, None)


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
    """Where the current scenario came from, in words (Markdown: names escaped)."""
    origin = st.session_state.get("origin", "")
    kind, _sep, what = origin.partition(":")
    if kind == "preset":
        return _("preset `{name}.yaml`").format(name=md_escape(what, code=True))
    if kind == "upload":
        return _("uploaded file `{name}`").format(name=md_escape(what, code=True))
    if kind == "edited":
        return _("edited from {origin}").format(origin=md_escape(what)) if what else _("edited")
    if kind == "link":
        return _("a shared link to preset `{name}.yaml`").format(name=md_escape(what, code=True))
    return md_escape(origin)


def origin_text() -> str:
    """Where the current scenario came from, as plain words (kept in a new origin)."""
    origin = st.session_state.get("origin", "")
    kind, _sep, what = origin.partition(":")
    if kind == "edited":
        return what
    if kind in ("preset", "link"):
        return f"{what}.yaml"
    return what or origin


def origin_caption() -> str:
    """Where the current scenario came from, as a caption ("From preset `default.yaml`")."""
    kind = st.session_state.get("origin", "").partition(":")[0]
    label = origin_label()
    if kind == "edited":
        return label[:1].upper() + label[1:]
    return _("From {origin}").format(origin=label)


def form_key_prefix() -> str:
    """The form widgets' key prefix: new after a cancelled change.

    The browser keeps what was typed into a widget for as long as its key lives, so the
    form of the assumptions a change went back to gets keys of its own.
    """
    generation = st.session_state.get("form_generation", 0)
    return f"{FORM_PREFIX}{generation}." if generation else FORM_PREFIX


def form_version() -> int:
    """A counter bumped whenever the scenario is replaced, to reset the form's widgets."""
    return st.session_state.get("form_version", 0)


# ----------------------------------------------------------------------------- the link
def presets() -> dict[str, Scenario]:
    """Every preset that loads, by name."""
    out = {}
    for name in preset_paths():
        sc = read_preset(name)[1]
        if sc is not None:
            out[name] = sc
    return out


def base_scenario() -> Scenario | None:
    """The preset the current scenario started from (None if it no longer loads)."""
    return read_preset(st.session_state.get("preset", DEFAULT_PRESET))[1]


def user_changes(before: Scenario, after: Scenario) -> list:
    """What changed from `before` to `after`, leaving out the run settings the app chose.

    A run setting that became the app's own default (its number of simulated futures,
    written into the scenario when the form is run) is not the user's change.
    """
    d = default_settings()
    app = {
        "analysis.replications": d.replications,
        "analysis.max_replications": d.max_replications,
        "analysis.seed": d.seed,
    }
    return [c for c in changes(before, after) if not (c.path in app and c.after == app[c.path])]


def changes_base(sc: Scenario, preset: str | None = None) -> Scenario | None:
    """The preset to list `sc`'s changes against: only what the user changed shows.

    The run settings the app chose by itself (its default number of simulated futures,
    written into the scenario when the form is run) are not the user's changes: where `sc`
    has the preset's own value or the app's default, the base takes `sc`'s value.
    """
    name = preset or st.session_state.get("preset", DEFAULT_PRESET)
    if name not in preset_paths():
        return None
    base = read_preset(name)[1]
    if base is None:
        return None
    d = default_settings()
    app = {"replications": d.replications, "max_replications": d.max_replications, "seed": d.seed}
    data = scenario_to_dict(base)
    analysis = data.setdefault("analysis", {})
    for key, default in app.items():
        mine = getattr(sc.analysis, key)
        if mine in (getattr(base.analysis, key), default):
            analysis[key] = mine
    return parse_scenario(data)


def _from_url() -> bool:
    """Open the scenario the page address asks for.

    False when it asks for none or is bad (then `url_problems` says why and the default
    preset opens).
    """
    ss = st.session_state
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    params = {k: v[0] if len(v) == 1 else v for k, v in params.items()}
    if not any(k in params for k in urlstate.KNOWN):
        return False
    found = urlstate.decode(params, presets(), DEFAULT_PRESET)
    if found.problems or found.scenario is None:
        ss.url_problems = found.problems
        st.query_params.clear()
        return False
    base = read_preset(found.preset)[1]
    edited = base is not None and found.scenario != base
    origin = f"edited:{found.preset}.yaml" if edited else f"preset:{found.preset}"
    _set(found.scenario, read_preset(found.preset)[0], origin, found.preset)
    ss.lang = found.lang
    ss.settings = _settings_from_link(found.scenario, base, ss.settings)
    return True


def _settings_from_link(sc: Scenario, base: Scenario | None, now: RunSettings) -> RunSettings:
    """Run settings a link asks for: its seed, and its replications if not the preset's.

    The form writes the run settings into the scenario's analysis, so a link holds them.
    """
    a = sc.analysis
    out = replace(now, seed=a.seed)
    if base is not None and (
        a.replications != base.analysis.replications
        or a.max_replications != base.analysis.max_replications
    ):
        reps = a.replications
        out = replace(
            out,
            replications=reps,
            max_replications=a.max_replications,
            attribution_replications=(
                APP_ATTRIBUTION_REPLICATIONS
                if reps == "auto"
                else min(APP_ATTRIBUTION_REPLICATIONS, reps)
            ),
        )
    return out


def url_params() -> dict[str, str]:
    """The query parameters that reopen the current scenario."""
    ss = st.session_state
    base = base_scenario()
    if base is None:
        return {}
    return urlstate.encode(ss.get("preset", DEFAULT_PRESET), base, scenario(), lang())


def sync_url() -> None:
    """Write the current scenario into the page address (only when it differs)."""
    wanted = url_params()
    current = {k: st.query_params.get(k) for k in st.query_params}
    if wanted and wanted != current:
        st.query_params.from_dict(wanted)


def lang() -> str:
    """The session's language."""
    return st.session_state.get("lang", urlstate.DEFAULT_LANG)


def set_objective(objective: str) -> None:
    """Judge the current scenario on another objective (cached runs are re-judged)."""
    sc = scenario()
    if sc.analysis.objective == objective:
        return
    data = scenario_to_dict(sc)
    data["analysis"]["objective"] = objective
    keep = st.session_state.get("origin", "")
    _set(parse_scenario(data), st.session_state.get("scenario_text", ""), keep, None)


# ----------------------------------------------------------------------------- before / after
def remember_answer() -> None:
    """Keep the answer on screen (and what it answered) as "before", ahead of a change."""
    ss = st.session_state
    if ss.get("result") is None or ss.get("result_key") is None:
        return
    ss.previous = {
        "result": ss.result,
        "result_key": ss.result_key,
        "scenario": ss.scenario,
        "scenario_text": ss.get("scenario_text", ""),
        "origin": ss.get("origin", ""),
        "preset": ss.get("preset", DEFAULT_PRESET),
        "settings": ss.settings,
    }


def previous() -> dict | None:
    """The answer before the last change, until dismissed."""
    return st.session_state.get("previous")


def dismiss_previous() -> None:
    """Stop showing the answer before the last change."""
    st.session_state.previous = None


def cancel_change() -> None:
    """Go back to the assumptions before the last change, and their answer."""
    ss = st.session_state
    prev = ss.get("previous")
    if not prev:
        return
    _set(prev["scenario"], prev["scenario_text"], prev["origin"], prev["preset"])
    ss.settings = prev["settings"]
    ss.result, ss.result_key = prev["result"], prev["result_key"]
    ss.result_cached = True
    ss.previous = None
    ss.cancelled = True
    ss.form_generation = ss.get("form_generation", 0) + 1
    ss.draft_dirty = False


# ----------------------------------------------------------------------------- variants
def variants() -> list[Variant]:
    """The session's saved variants, oldest first."""
    return list(st.session_state.get("variants", []))


def save_variant(name: str) -> bool:
    """Save the current scenario as a named variant; False when six are saved already."""
    ss = st.session_state
    items = variants()
    if len(items) >= MAX_VARIANTS:
        return False
    name = name.strip()[:60] or _("Variant {n}").format(n=len(items) + 1)
    items.append(Variant(name, scenario(), ss.get("preset", DEFAULT_PRESET)))
    ss.variants = items
    return True


def rename_variant(index: int, name: str) -> None:
    """Give variant `index` a new name."""
    items = variants()
    if 0 <= index < len(items) and name.strip():
        items[index] = replace(items[index], name=name.strip()[:60])
        st.session_state.variants = items


def delete_variant(index: int) -> None:
    """Remove variant `index`."""
    items = variants()
    if 0 <= index < len(items):
        del items[index]
        st.session_state.variants = items


def replace_variants(items: list[Variant]) -> None:
    """Make `items` the session's variants (a workshop file was loaded)."""
    st.session_state.variants = list(items)[:MAX_VARIANTS]


def open_variant(index: int) -> None:
    """Make variant `index` the current scenario."""
    items = variants()
    if not 0 <= index < len(items):
        return
    v = items[index]
    preset = v.preset if v.preset in preset_paths() else st.session_state.get("preset")
    remember_answer()
    _set(v.scenario, None, f"edited:variant '{v.name}'", preset)
