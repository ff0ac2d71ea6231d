"""Safe scenario load/save and injection-safe CSV export.

YAML is parsed with `yaml.safe_load` only: a `!!python/object` tag is an error, never
executed. Every validation problem becomes a `ScenarioError` whose message names the field
path (``segments.0.win_rate: ...``), the one thing a user needs to fix a file.

Hostile files are refused before they cost anything: a file is measured before it is read
(`/dev/zero` is not read to the end), and nesting deeper than `MAX_NESTING` is refused while
the YAML is composed, before the parser's recursion could exhaust the stack.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import stat
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from sim.budget import check_numbers
from sim.errors import ScenarioError
from sim.params import LEGACY_TOP_LEVEL, Scenario
from sim.params.paths import PathError, set_path

MAX_SCENARIO_BYTES = 1_000_000
MAX_NESTING = 32
"""Deepest nesting of mappings and lists in a scenario file (the schema needs 6)."""


_VALIDATOR_STEP = re.compile(
    r"^(function-(after|before|wrap|plain)\[|literal\[|constrained-|tagged-union\[|union\[|"
    r"is-instance\[|lax-or-strict\[|json-or-python\[|chain\[|int$|float$|str$|bool$)"
)
"""Steps pydantic adds to an error's location inside unions and validators: not fields."""
_DISTRIBUTION_TAGS = {
    "CycleLognormal",
    "CycleExponential",
    "CycleGamma",
    "CycleFixed",
    "lognormal",
    "exponential",
    "gamma",
    "fixed",
}
_PLAIN = [
    (re.compile(r"^Input should be greater than or equal to (.+)$"), r"must be at least \1"),
    (re.compile(r"^Input should be less than or equal to (.+)$"), r"must be at most \1"),
    (re.compile(r"^Input should be greater than (.+)$"), r"must be more than \1"),
    (re.compile(r"^Input should be less than (.+)$"), r"must be less than \1"),
    (re.compile(r"^Input should be a valid integer.*$"), "must be a whole number"),
    (re.compile(r"^Input should be a finite number.*$"), "must be a finite number"),
    (re.compile(r"^Input should be a valid number.*$"), "must be a number"),
    (re.compile(r"^Input should be a valid boolean.*$"), "must be true or false"),
    (re.compile(r"^Input should be a valid string.*$"), "must be text"),
    (re.compile(r"^Input should be a valid (dictionary|list).*$"), r"must be a \1"),
    (re.compile(r"^Input should be (.+)$"), r"must be \1"),
]
"""Pydantic's messages in plain words: the rule, not the validator that checks it."""


def _field(loc: Iterable[Any]) -> str:
    """The dotted field path of an error location, without pydantic's validator steps."""
    parts = []
    for p in loc:
        if isinstance(p, str) and (p in _DISTRIBUTION_TAGS or _VALIDATOR_STEP.match(p)):
            continue
        parts.append(str(p))
    return ".".join(parts)


def _plain(msg: str) -> str:
    for pattern, words in _PLAIN:
        if pattern.match(msg):
            return pattern.sub(words, msg)
    return msg


def _problems(err: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs; a union's alternatives at one field become one message."""
    errors = err.errors()
    locs = [tuple(e["loc"]) for e in errors]
    merged: dict[str, list[str]] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] == "too_short" and any(o != loc and o[: len(loc)] == loc for o in locs):
            continue  # a container that lost an invalid item: the item's own error says why
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key (not part of the scenario schema; check the spelling)"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if e["type"] == "finite_number":
            msg = "must be a finite number (not NaN or infinity)"
        msg = _plain(msg)
        field = _field(e["loc"])
        if msg not in merged.setdefault(field, []):
            merged[field].append(msg)
    out = []
    for field, msgs in merged.items():
        first, rest = msgs[0], [m.removeprefix("must be ") for m in msgs[1:]]
        out.append((field, " or ".join([first, *rest])))
    return out


def parse_scenario(data: Any, source: str = "") -> Scenario:
    """Validate plain data (a mapping) into a `Scenario`, or raise `ScenarioError`."""
    if not isinstance(data, Mapping):
        raise ScenarioError([("", "a scenario must be a mapping of keys to values")], source)
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise ScenarioError(_problems(err), source) from None
    except RecursionError:
        raise ScenarioError(
            [("", f"nested too deeply (over {MAX_NESTING} levels)")], source
        ) from None
    return check_numbers(scenario, source)


class _StrictLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that refuses duplicate keys, aliases and deep nesting.

    A duplicate key would silently drop a value; aliases let a tiny file expand into a huge
    structure (an "alias bomb"); nesting 50,000 levels deep exhausts the composer's recursion.
    None has a use in a scenario file.
    """

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in scenario files", event.start_mark
            )
        if self._depth >= MAX_NESTING:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"nested more than {MAX_NESTING} levels deep",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str | bytes, source: str = "") -> Any:
    """Parse YAML text safely (no object construction), or raise `ScenarioError`."""
    if isinstance(text, bytes):
        if len(text) > MAX_SCENARIO_BYTES:
            raise ScenarioError([("", f"file too large (over {MAX_SCENARIO_BYTES} bytes)")], source)
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError([("", "file is not UTF-8 text")], source) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError([("", f"not valid YAML{where}: {problem}")], source) from None


def scenario_from_yaml(text: str | bytes, source: str = "") -> Scenario:
    """A validated scenario from YAML (or JSON, which is YAML) text."""
    return parse_scenario(parse_yaml(text, source), source)


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Load and validate a scenario file, applying `dotted.key=value` overrides first."""
    p = Path(path)
    raw = read_limited(p)
    data = parse_yaml(raw, str(p))
    if overrides:
        data = apply_overrides(data, overrides, str(p))
    return parse_scenario(data, str(p))


def read_limited(path: Path, limit: int = MAX_SCENARIO_BYTES) -> bytes:
    """The bytes of `path`, refused unread when larger than `limit` (a stream: at limit + 1).

    A regular file's size is checked before reading; a device is read only up to one byte
    past the limit. A named pipe or socket is refused unopened: opening a pipe with no
    writer would wait forever.
    """
    try:
        mode = path.stat().st_mode
    except OSError as err:
        raise ScenarioError([("", f"cannot read file: {err.strerror}")], str(path)) from None
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise ScenarioError([("", "not a regular file (a named pipe or socket)")], str(path))
    try:
        with path.open("rb") as f:
            try:
                size = os.fstat(f.fileno()).st_size
            except OSError:
                size = 0
            if size > limit:
                raise ScenarioError(
                    [("", f"file too large: {size:,} bytes (at most {limit:,})")], str(path)
                )
            raw = f.read(limit + 1)
    except OSError as err:
        raise ScenarioError([("", f"cannot read file: {err.strerror}")], str(path)) from None
    if len(raw) > limit:
        raise ScenarioError([("", f"file too large: over {limit:,} bytes")], str(path))
    return raw


def apply_overrides(data: Any, overrides: Iterable[str], source: str = "") -> dict:
    """Apply `dotted.key=value` settings (values are YAML; list items by index).

    Setting a world number the scenario draws per future (`uncertainty:`) fixes it: its
    range is dropped, so the value set is the value run.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError([("", "a scenario must be a mapping of keys to values")], source)
    result = _settings_in_block(copy.deepcopy(dict(data)))
    for item in overrides:
        key, _, raw_value = item.partition("=")
        key = key.strip()
        if "=" not in item or not key:
            raise ScenarioError([(item, "a setting is written key.path=value")], "--set")
        if key in LEGACY_TOP_LEVEL and key not in result:
            key = f"analysis.{key}"  # `--set horizon_months=24` works on either layout
        try:
            value = yaml.safe_load(raw_value)
        except yaml.YAMLError:
            raise ScenarioError(
                [(key, f"value {raw_value!r} is not valid YAML")], "--set"
            ) from None
        try:
            set_path(result, key, value, create=True)
        except PathError as err:
            raise ScenarioError([(err.path, err.reason)], "--set") from None
        drawn = result.get("uncertainty")
        if isinstance(drawn, dict) and key in drawn and key.split(".")[0] != "uncertainty":
            del drawn[key]
            if not drawn:
                del result["uncertainty"]
    return result


def _settings_in_block(data: dict) -> dict:
    """Top-level analysis settings moved under `analysis:` when that loses nothing.

    So a `--set` of either spelling lands in one place. Conflicting values are left where
    they are, for validation to name.
    """
    block = data.get("analysis")
    if block is not None and not isinstance(block, dict):
        return data
    block = dict(block or {})
    for key in LEGACY_TOP_LEVEL:
        if key in data and (key not in block or block[key] == data[key]):
            block[key] = data.pop(key)
    if block:
        data["analysis"] = block
    return data


def scenario_to_dict(scenario: Scenario) -> dict:
    """Plain data in the file layout, ready to write.

    Analysis settings go under `analysis:`, ranges as [low, mode, high], `uncertainty:` and
    `sources:` last (each left out when there are none).
    """
    data = scenario.model_dump(mode="json")
    if not data.get("sources"):
        data.pop("sources", None)
    if data.get("uncertainty"):
        data["uncertainty"] = {
            k: [v["low"], v["mode"], v["high"]] for k, v in data["uncertainty"].items()
        }
    else:
        data.pop("uncertainty", None)
    for team in data.get("org", {}).get("teams", {}).values():
        team["effects"] = {
            k: [v["low"], v["mode"], v["high"]] for k, v in team.get("effects", {}).items()
        }
        for key in ("strength", "retention_strength"):
            s = team.get(key)
            if isinstance(s, dict):
                team[key] = [s["low"], s["mode"], s["high"]]
    data["org"]["setups"] = {k: list(v) for k, v in data["org"]["setups"].items()}
    return data


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text that loads back to an equal scenario."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    """A stable content hash of a validated scenario (cache keys)."""
    import hashlib

    blob = json.dumps(scenario.model_dump(mode="json"), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


_FORMULA_START = "=+-@|\t\r\n\uff1d\uff0b\uff0d\uff20\uff5c"
"""First characters a spreadsheet may read as a formula: = + - @ |, tab and line breaks,
and their full-width forms (＝ ＋ － ＠ ｜), which some spreadsheets fold to ASCII."""
_BREAK_THEN_FORMULA = re.compile(r"([\r\n\t])(?=[\s]*[" + re.escape(_FORMULA_START) + "])")
_NEEDS_QUOTES = re.compile(r'[\r\n\t",]')


def _neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe.

    Also after a line break or tab inside the cell, for readers that split rows on CR or
    fields on tabs whatever the quoting.
    """
    if not isinstance(value, str):
        return value
    value = _BREAK_THEN_FORMULA.sub(r"\1'", value)
    if value.lstrip(" ").startswith(tuple(_FORMULA_START)):
        return "'" + value
    return value


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def safe_csv(frame: pd.DataFrame) -> str:
    """CSV text whose cells cannot run as spreadsheet formulas and cannot split a row.

    Text starting with = + - @ | (or their full-width forms), a tab or a line break gets a
    leading apostrophe; a cell holding a CR, LF or tab anywhere is quoted (the csv module
    quotes only the line terminator's characters).
    """
    clean = frame.copy()
    token = uuid.uuid4().hex
    held: dict[str, str] = {}

    def hold(value: Any) -> Any:
        value = _neutralise(value)
        if isinstance(value, str) and _NEEDS_QUOTES.search(value):
            key = f"{token}{len(held)}x"
            held[key] = _quoted(value)
            return key
        return value

    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(hold)
    clean.columns = [hold(str(c)) for c in clean.columns]
    buf = io.StringIO()
    clean.to_csv(buf, index=False, lineterminator="\n")
    text = buf.getvalue()
    if held:
        text = re.sub(token + r"\d+x", lambda m: held[m.group(0)], text)
    return text
