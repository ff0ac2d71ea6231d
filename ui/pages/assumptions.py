"""The Assumptions page: every scenario parameter, grouped, with help and sources.

The scenario can come from a preset, an uploaded file or the form. Edits happen inside one
form, so a run starts only on submit; a bad upload or a bad value shows every problem with
its field name and keeps the previous scenario.
"""

from __future__ import annotations

import streamlit as st

from sim.params import Scenario
from sim.text import scenario_title
from sim.verdict import Comparison
from sim.workshop import changes
from ui import exports, runs, state, verdict, workshop
from ui.form import Submission, assumptions_form
from ui.i18n import _, lang
from ui.safe import md_escape
from ui.state import FORM_PREFIX
from ui.upload import read_upload
from ui.widgets import (
    download,
    file_uploader,
    preset_picker,
    show_problems,
    show_upload_problems,
)


def _scenario_file() -> None:
    """Preset picker, reset, upload and download of the scenario file."""
    c1, c2 = st.columns([2, 1])
    with c1:
        preset_picker("preset_picker_assumptions")
    with c2:
        st.markdown("&nbsp;")
        if st.button(
            _("Reset to preset"),
            icon=":material/restart_alt:",
            key="reset_preset",
            help=_("Discard every change and go back to the chosen preset's numbers."),
            width="stretch",
        ):
            problems = state.load_preset(st.session_state.get("preset", state.DEFAULT_PRESET))
            if problems:
                show_upload_problems(_("preset"), problems)
    u1, u2 = st.columns([2, 1])
    with u1:
        _upload()
    with u2:
        st.markdown("&nbsp;")
        download(
            _("Download this scenario (YAML)"),
            exports.scenario_yaml(state.scenario()),
            f"{exports.file_stem(state.scenario())}.yaml",
            "application/x-yaml",
            "dl_scenario_yaml",
            _("The current assumptions as a scenario file you can edit and upload again."),
        )


def _upload() -> None:
    """Upload a scenario file; on problems show them all and keep the previous scenario."""
    file = file_uploader(
        _("Upload a scenario file (YAML or JSON, at most 1 MB)"),
        ["yaml", "yml", "json"],
        "upload_scenario",
        _(
            "Same layout as the downloaded YAML. Unknown keys are errors, so a misspelt "
            "setting is never silently ignored."
        ),
    )
    if file is None:
        return
    seen: dict = st.session_state.setdefault("uploads", {})
    fid = getattr(file, "file_id", None) or f"{file.name}:{file.size}"
    if fid not in seen:
        outcome = read_upload(file.getvalue(), file.name, lang())
        seen[fid] = outcome.problems
        if outcome.ok:
            state.set_scenario(outcome.scenario, f"upload:{file.name}", outcome.text)
    problems = seen[fid]
    if problems:
        show_upload_problems(file.name, problems)
    else:
        st.success(
            _("Loaded `{name}`.").format(name=md_escape(file.name, code=True)),
            icon=":material/check_circle:",
        )


def _result_strip() -> None:
    """The verdict of the current assumptions (run here after a change), in short.

    While it runs, the previous answer stays, marked out of date; afterwards it stays
    beside the new one until dismissed.
    """
    workshop.cancelled_notice()
    stale = workshop.stale_answer()
    box = st.container(border=True)
    try:
        runs.ensure_result(box, lambda r: verdict.provisional(r, lang()))
    except Exception as err:
        stale.empty()  # the banner promised an answer that will not come
        box.error(runs.failure_message(err), icon=":material/error:")
        return
    stale.empty()
    result: Comparison = st.session_state.result
    h = verdict.headline(result, lang())
    with box:
        with st.container(key="assumptions_verdict"):
            st.markdown(_("**{title}.** {body}").format(title=h.title, body=h.body))
        st.page_link(
            "ui/pages/which_team.py",
            label=_("See the full answer: charts, metrics and why"),
            icon=":material/arrow_forward:",
        )
    workshop.before_after(result)


def _draft() -> dict | None:
    """Edits not yet run, kept across page switches.

    On a new visit (the form's widgets were forgotten when another page ran) the form
    starts from the last draft; during a visit it keeps the draft it started from, so the
    widgets' own state is never applied twice.
    """
    ss = st.session_state
    fresh = not any(str(k).startswith(FORM_PREFIX) for k in ss)
    if fresh or "form_base" not in ss:
        ss.form_base = ss.get("draft")
    return ss.form_base


# set from the session's run settings on every submit; compared as settings instead
RUN_PATHS = ("analysis.replications", "analysis.max_replications", "analysis.seed")


def _dirty(sc: Scenario, submission: Submission) -> bool:
    """Whether the form holds something the current answer does not."""
    if submission.problems or submission.scenario is None:
        return True
    moved = [c for c in changes(sc, submission.scenario) if c.path not in RUN_PATHS]
    return bool(moved) or submission.settings != state.settings()


def render() -> None:
    """Draw the page."""
    st.title(_("Assumptions"))
    st.caption(
        _(
            "Everything the simulation assumes about the company, its market and the two "
            "teams. Change any number and press **Run with these assumptions**; hover a "
            "label's **?** for what it means and where the number comes from."
        )
    )
    _scenario_file()
    sc = state.scenario()
    st.markdown(f"#### {md_escape(scenario_title(sc.name, lang()))}")
    st.caption(state.origin_caption())
    if sc.description:
        with st.expander(_("About this company"), expanded=False):
            st.markdown(md_escape(sc.description))
    _result_strip()
    problems = st.session_state.get("form_problems") or []
    if not sc.sources:
        st.caption(
            _(
                "This scenario gives no sources, so none are shown. Presets give the source of "
                "every number in their `sources:` section."
            )
        )
    form = assumptions_form(sc, state.settings(), _draft())
    submission = form.submission
    st.session_state.draft = {"data": form.data, "run": form.run}
    st.session_state.draft_dirty = _dirty(sc, submission)
    if form.submitted:
        if submission.problems:
            st.session_state.form_problems = submission.problems
            problems = submission.problems
        else:
            base = state.origin_text()
            state.remember_answer()
            state.set_scenario(submission.scenario, f"edited:{base}")
            st.session_state.settings = submission.settings
            st.session_state.draft_dirty = False
            st.rerun()
    workshop.unsaved_mark()
    if problems:
        show_problems(
            problems,
            sc,
            _(
                "These values could not be used — nothing was run and the previous assumptions "
                "are kept:"
            ),
        )


render()
