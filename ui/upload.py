"""Reading a user's scenario file: size check, safe YAML, validation, field-level problems.

`read_upload` never raises for bad input: it returns the validated scenario or the list of
(field, message) problems to show, so the page can keep the previous scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.budget import APP_BUDGET, budget_from_env, check_budget
from sim.executors import default_workers
from sim.io import MAX_SCENARIO_BYTES, ScenarioError, scenario_from_yaml
from sim.params import Scenario
from sim.text import translator
from ui.safe import md_escape

BUDGET_REPLICATIONS = 100
"""Replications an upload must fit the app's budget at (the app's adaptive cap)."""


@dataclass(frozen=True)
class UploadOutcome:
    """A read upload: the scenario and its text, or the problems that stop it."""

    name: str
    scenario: Scenario | None = None
    text: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file gave a valid scenario."""
        return self.scenario is not None


def read_upload(data: bytes, name: str = "upload.yaml", lang: str = "en") -> UploadOutcome:
    """Validate uploaded bytes as a scenario (YAML or JSON); problems name the field.

    A scenario over the app's budget (`sim.budget.APP_BUDGET`) is refused here, before it
    replaces the session's scenario. Its own messages are in `lang`.
    """
    _ = translator(lang)
    if len(data) > MAX_SCENARIO_BYTES:
        return UploadOutcome(
            name,
            problems=[
                (
                    "",
                    _("file too large: {size} bytes (at most {most})").format(
                        size=f"{len(data):,}", most=f"{MAX_SCENARIO_BYTES:,}"
                    ),
                )
            ],
        )
    if not data.strip():
        return UploadOutcome(name, problems=[("", _("the file is empty"))])
    try:
        scenario = scenario_from_yaml(data, name)
        check_budget(scenario, BUDGET_REPLICATIONS, default_workers(), budget_from_env(APP_BUDGET))
    except ScenarioError as err:
        return UploadOutcome(name, problems=list(err.problems) or [("", str(err))])
    except Exception as err:
        return UploadOutcome(
            name, problems=[("", _("could not read the file: {error}").format(error=err))]
        )
    return UploadOutcome(name, scenario=scenario, text=data.decode("utf-8", errors="replace"))


def problem_lines(problems: list[tuple[str, str]]) -> list[str]:
    """Problems as Markdown lines: "`field`: message" (the field first), both escaped."""
    lines = []
    for path, message in problems:
        text = md_escape(message)
        lines.append(f"`{md_escape(path, code=True)}`: {text}" if path else text)
    return lines
