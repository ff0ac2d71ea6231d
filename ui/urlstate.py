"""The page address as the scenario: preset, changes, objective and language, compactly.

Pure functions, no streamlit. Query parameters:

* `p`    the preset (a file stem in `scenarios/`);
* `c`    the changes against it (`sim.workshop.changes`, the objective left out) as compact
         JSON, deflated and base64url-encoded; absent when nothing changed;
* `o`    the objective, when it is not the preset's;
* `lang` the language, when it is not English.

An address is untrusted input: every part is checked (size, encoding, the inflated size,
the JSON's shape, each path's form, the preset's name, the objective, the language) and the
result is validated like an uploaded file. `decode` returns problems instead of raising.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.io import ScenarioError
from sim.params import OBJECTIVES, Scenario
from sim.workshop import MAX_CHANGES, PATH_PATTERN, apply_changes, changes
from ui.i18n import _

LANGUAGES = ("en", "ja")
DEFAULT_LANG = "en"
KNOWN = ("p", "c", "o", "lang")
MAX_PARAM_CHARS = 8_000
MAX_INFLATED_BYTES = 200_000
MAX_DEPTH = 12
"""A change's value nests no deeper than a scenario does (a list of changes, a setup's teams)."""
_TOO_DEEP = object()


@dataclass(frozen=True)
class UrlState:
    """What an address asks for, or the problems that stop it."""

    preset: str
    scenario: Scenario | None = None
    lang: str = DEFAULT_LANG
    problems: list[tuple[str, str]] = field(default_factory=list)


def _pack(items: list[list[Any]]) -> str:
    blob = json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(zlib.compress(blob, 9)).decode().rstrip("=")


def _unpack(text: str) -> Any:
    """Compact changes back to data; ValueError with a reason on anything off."""
    if len(text) > MAX_PARAM_CHARS:
        raise ValueError(
            _("too long ({n} characters; at most {most})").format(
                n=f"{len(text):,}", most=f"{MAX_PARAM_CHARS:,}"
            )
        )
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError(_("not valid base64url text")) from None
    inflate = zlib.decompressobj()
    try:
        blob = inflate.decompress(raw, MAX_INFLATED_BYTES)
    except zlib.error:
        raise ValueError(_("not a compressed list of changes")) from None
    if inflate.unconsumed_tail:
        raise ValueError(_("inflates past {n} bytes").format(n=f"{MAX_INFLATED_BYTES:,}"))
    try:
        data = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(_("not a JSON list of changes")) from None
    except RecursionError:
        data = _TOO_DEEP  # nested past the interpreter's limit: refused like any too deep
    if data is _TOO_DEEP or _depth(data) > MAX_DEPTH:
        raise ValueError(_("nested more than {n} levels deep").format(n=MAX_DEPTH))
    return data


def _depth(data: Any) -> int:
    """How deeply lists and objects nest in `data` (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, list | dict):
            deepest = max(deepest, level)
            values = item.values() if isinstance(item, dict) else item
            stack.extend((v, level + 1) for v in values)
    return deepest


def encode(preset: str, base: Scenario, scenario: Scenario, lang: str = DEFAULT_LANG) -> dict:
    """Query parameters for `scenario` as `base` (the preset `preset`) changed."""
    params = {"p": preset}
    items = [[c.path, c.after] for c in changes(base, scenario) if c.path != "analysis.objective"]
    if items:
        params["c"] = _pack(items)
    if scenario.analysis.objective != base.analysis.objective:
        params["o"] = scenario.analysis.objective
    if lang != DEFAULT_LANG:
        params["lang"] = lang
    return params


def decode(params: Mapping[str, Any], presets: Mapping[str, Scenario], default: str) -> UrlState:
    """The scenario an address asks for, checked; problems name the parameter at fault."""
    problems: list[tuple[str, str]] = []
    get = {k: params.get(k) for k in KNOWN}
    for key, value in get.items():
        if value is not None and not isinstance(value, str):
            problems.append((key, _("given more than once")))
    if problems:
        return UrlState(default, problems=problems)
    preset = get["p"] or default
    lang = get["lang"] or DEFAULT_LANG
    if preset not in presets:
        problems.append(("p", _("no preset called '{name}'").format(name=preset[:40])))
    if lang not in LANGUAGES:
        problems.append(
            (
                "lang",
                _("unknown language '{lang}' (one of {languages})").format(
                    lang=lang[:20], languages=", ".join(LANGUAGES)
                ),
            )
        )
    objective = get["o"]
    if objective is not None and objective not in OBJECTIVES:
        problems.append(("o", _("unknown objective '{name}'").format(name=objective[:40])))
    items: list[tuple[str, Any]] = []
    if get["c"]:
        try:
            data = _unpack(get["c"])
        except ValueError as err:
            problems.append(("c", str(err)))
            data = []
        if not isinstance(data, list) or len(data) > MAX_CHANGES:
            problems.append(("c", _("not a list of at most {n} changes").format(n=MAX_CHANGES)))
            data = []
        for item in data:
            ok = isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
            if not ok or not PATH_PATTERN.fullmatch(item[0]):
                problems.append(("c", _("a change is not [field path, value]")))
                break
            items.append((item[0], item[1]))
    if problems:
        return UrlState(default, problems=problems)
    if objective is not None:
        items.append(("analysis.objective", objective))
    try:
        scenario = apply_changes(presets[preset], items)
    except ScenarioError as err:
        return UrlState(default, problems=[(f"c: {p}" if p else "c", m) for p, m in err.problems])
    return UrlState(preset, scenario, lang)
