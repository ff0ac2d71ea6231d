"""Workshop widgets shared by pages.

The answer kept while a new one runs, before and after, the link, variants, the report,
what changed, the objective, the unsaved-changes mark.

Words come from `sim.text.workshop` (`say`) and the text layer; state from `ui.state`.
"""

from __future__ import annotations

from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from sim.io import scenario_hash
from sim.outcomes import objective_unit
from sim.params import BASELINE, OBJECTIVES, Scenario
from sim.plans import PlanSearch
from sim.report import gap_frame, report_html
from sim.text import GLOSSARY, glossary, headline, objective_label, setup_name
from sim.text.labels import objective_short
from sim.text.numbers import value_text
from sim.text.workshop import (
    article_text,
    change_text,
    confidence_sentence,
    gain_cell,
    say,
)
from sim.verdict import Comparison
from sim.workshop import MAX_VARIANTS, changes
from ui import charts, state
from ui.explore_landing import stored_breakevens
from ui.explore_runs import last_result, stored
from ui.i18n import _
from ui.runs import run_key
from ui.safe import md_escape
from ui.upload import problem_lines
from ui.widgets import download, phone_table, show_chart


def url_notice() -> None:
    """Say why a link could not be used (once), above whatever page opens."""
    problems = st.session_state.pop("url_problems", None)
    if problems:
        lines = "\n".join(f"- {line}" for line in problem_lines(problems))
        st.error(f"{say('bad_link', state.lang())}\n\n{lines}", icon=":material/link_off:")


def unsaved_mark() -> None:
    """In the sidebar: a visible mark when the Assumptions page holds edits not yet run."""
    if st.session_state.get("draft_dirty"):
        with st.sidebar, st.container(key="unsaved_mark"):
            st.warning(say("unsaved", state.lang()), icon=":material/edit_note:")
            st.page_link(
                "ui/pages/assumptions.py",
                label=say("unsaved", state.lang()),
                icon=":material/tune:",
                help=say("unsaved_help", state.lang()),
            )


def stale_answer() -> DeltaGenerator:
    """While a new answer is worked out, keep the last one, marked out of date.

    With a button that cancels the change. Returns the slot to clear once the new answer
    is in.
    """
    ss = st.session_state
    slot = st.empty()
    old: Comparison | None = ss.get("result")
    if old is None or ss.get("result_key") == run_key(state.scenario(), state.settings()):
        return slot
    with slot.container(border=True, key="stale_answer"):
        st.warning(say("out_of_date", state.lang()), icon=":material/hourglass_top:")
        h = headline(old, state.lang())
        st.markdown(_("**{title}.** {body}").format(title=h.title, body=h.body))
        if state.previous():
            st.button(
                say("cancel", state.lang()),
                key="cancel_change",
                icon=":material/cancel:",
                on_click=state.cancel_change,
            )
    return slot


def cancelled_notice() -> None:
    """Confirm a cancelled change (once)."""
    if st.session_state.pop("cancelled", False):
        st.info(say("cancelled", state.lang()), icon=":material/undo:")


def _short(result: Comparison, key: str) -> None:
    h = headline(result, state.lang())
    with st.container(key=key):
        st.markdown(_("**{title}.** {body}").format(title=h.title, body=h.body))


def before_after(result: Comparison) -> None:
    """The answer before the last change beside the new one, with the deltas.

    Shown until dismissed.
    """
    prev = state.previous()
    if not prev or prev["result_key"] == st.session_state.get("result_key"):
        return
    lang = state.lang()
    before: Comparison = prev["result"]
    with st.container(border=True, key="before_after"):
        st.markdown(f"##### {say('before_after', lang)}")
        c1, c2 = st.columns(2)
        with c1:
            st.caption(say("before", lang))
            _short(before, "verdict_before")
        with c2:
            st.caption(say("after", lang))
            _short(result, "verdict_after")
        rows = []
        same = before.objective == result.objective
        obj, cur = result.objective, result.scenario.currency
        for setup in result.setups:
            if setup == BASELINE or setup not in before.setups:
                continue
            row = {
                say("delta_col_setup", lang): setup_name(setup, lang),
                f"{say('before', lang)}": gain_cell(before, setup, lang),
                f"{say('after', lang)}": gain_cell(result, setup, lang),
            }
            if same:
                delta = result.setups[setup].vs_none.mean - before.setups[setup].vs_none.mean
                row[say("delta_col_change", lang)] = value_text(delta, obj, cur, lang=lang)
            rows.append(row)
        if rows:
            st.caption(say("gain_short", lang))
            phone_table(pd.DataFrame(rows), "before_after_gains")
        moved = state.user_changes(prev["scenario"], result.scenario)
        if moved:
            cur = result.scenario.currency
            st.markdown("\n".join(f"- {md_escape(change_text(c, lang, cur))}" for c in moved[:12]))
        st.button(say("dismiss", lang), key="dismiss_previous", on_click=state.dismiss_previous)


def objective_picker() -> None:
    """Choose what "best" means, on the landing page; the same futures are re-judged."""
    sc = state.scenario()
    lang = state.lang()
    if st.session_state.get("objective_picker") != sc.analysis.objective:
        st.session_state.objective_picker = sc.analysis.objective

    def _changed() -> None:
        state.set_objective(st.session_state.objective_picker)

    st.selectbox(
        say("objective_pick", lang),
        options=list(OBJECTIVES),
        format_func=lambda o: objective_label(o, lang)[:1].upper() + objective_label(o, lang)[1:],
        key="objective_picker",
        on_change=_changed,
        help=say("objective_pick_help", lang),
    )


def share_link() -> None:
    """A popover with this scenario's link (the code box has a copy button)."""
    params = state.url_params()
    url = (st.context.url or "").split("?")[0]
    link = f"{url}?{urlencode(params)}" if params else url
    with st.popover(say("share", state.lang()), icon=":material/link:", width="stretch"):
        st.caption(say("share_help", state.lang()))
        st.code(link, language=None, wrap_lines=True)


def save_variant_control() -> None:
    """Save the current scenario as a named variant (up to six)."""
    lang = state.lang()
    count = len(state.variants())
    with st.popover(say("save_variant", lang), icon=":material/bookmark_add:", width="stretch"):
        if count >= MAX_VARIANTS:
            st.warning(say("variant_full", lang, n=MAX_VARIANTS))
            return
        name = st.text_input(
            say("variant_name", lang),
            value=say("variant_default_name", lang, n=count + 1),
            key=f"variant_name_{count}",
            max_chars=60,
        )
        clicked = st.button(say("save_variant", lang), key="save_variant", type="primary")
        if clicked and state.save_variant(name):
            st.session_state.variant_saved = name
            st.rerun()
    saved = st.session_state.pop("variant_saved", None)
    if saved:
        st.toast(
            say("variant_saved", lang, name=md_escape(saved)), icon=":material/bookmark_added:"
        )


WHEN_LAST = "when_last"
"""Session key: the scenario hash and stored-result key of the session's last plan search."""


def stored_plans(scenario: Scenario) -> PlanSearch | None:
    """The session's last plan search (the When? page) of `scenario`, if it is still kept."""
    last = st.session_state.get(WHEN_LAST)
    if not last or last.get("scenario") != scenario_hash(scenario):
        return None
    found = stored(last["key"])
    return None if found is None else found[0].search


def report_button(result: Comparison, stem: str) -> None:
    """Download the one-page HTML report (built when clicked).

    With the nearest breakevens, when to start each team, and the session's last curve and
    doubt split of this scenario (the explore page), if they were worked out.
    """
    lang = state.lang()
    base = state.changes_base(result.scenario)
    breakevens = stored_breakevens(result, lang)
    plans = stored_plans(result.scenario)
    curve = last_result("curve", result.scenario)
    doubt = last_result("doubt", result.scenario)
    download(
        say("report_download", lang),
        lambda: report_html(result, base, breakevens, lang, plans, curve=curve, doubt=doubt),
        f"{stem}_report.html",
        "text/html",
        "dl_report",
        say("report_help", lang),
    )


def what_changed() -> None:
    """The list of assumptions changed against the preset (and unsaved edits, if any)."""
    lang = state.lang()
    base = state.changes_base(state.scenario())
    found = changes(base, state.scenario()) if base is not None else []
    with st.expander(say("what_changed", lang, n=len(found)), icon=":material/edit_note:"):
        if not found:
            st.caption(say("what_changed_none", lang))
        else:
            preset = st.session_state.get("preset", state.DEFAULT_PRESET)
            st.caption(
                say("changed_against", lang, preset=f"`{md_escape(preset, code=True)}.yaml`")
            )
            cur = state.scenario().currency
            st.markdown("\n".join(f"- {md_escape(change_text(c, lang, cur))}" for c in found))
        if st.session_state.get("draft_dirty"):
            st.warning(say("unsaved", lang), icon=":material/edit_note:")


def article_view(result: Comparison) -> None:
    """For presets, the article's expected verdict beside the simulated one."""
    preset = st.session_state.get("preset")
    text = article_text(preset, result, state.lang()) if preset else None
    if text:
        st.caption(text, help=None)


def confidence_line(result: Comparison) -> None:
    """How sure, with the average and single futures reconciled."""
    st.markdown(
        confidence_sentence(result, state.lang()),
        help=glossary("sure_of_sign", state.lang())
        + "\n\n"
        + glossary("best_in_futures", state.lang()),
    )


def gap_section(result: Comparison) -> None:
    """The gap chart: each setup's gain over no ops team with its band."""
    lang = state.lang()
    frame = gap_frame(result, lang)
    if frame.empty:
        return
    obj, cur = result.objective, result.scenario.currency
    kind = objective_unit(obj)
    unit = f" ({cur})" if kind == "money" else " (x)"
    pct = round(result.confidence * 100)
    st.markdown(f"**{say('gap_title', lang)}**")

    def chart() -> alt.TopLevelMixin:  # built once for every session showing this answer
        return charts.gap_chart(
            frame,
            list(result.scenario.org.setups),
            # two short lines: one long line was cut off on a phone
            [f"{say('gap_axis', lang)}:", f"{objective_short(obj, lang)}{unit}"],
            kind,
            (say("gap_band_futures", lang), say("gap_band_average", lang, pct=pct)),
            currency=cur,
            lang=lang,
        )

    show_chart(chart, "gap")
    st.caption(say("gap_caption", lang, pct=pct))


def glossary_box() -> None:
    """The analysts' words, explained, at the foot of the page."""
    lang = state.lang()
    with st.expander(say("glossary", lang), icon=":material/menu_book:"):
        st.markdown("\n\n".join(f"- {glossary(term, lang)}" for term in GLOSSARY))
