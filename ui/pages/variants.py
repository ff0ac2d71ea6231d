"""The Variants page: the workshop's named scenarios side by side.

Each variant is compared on the same simulated futures as the others (the run settings of
the session); its verdict, the best setup's gain with its interval, the chance it is best,
whether it is clearly ahead, and what changed against its preset. Variants are renamed,
deleted, opened, and downloaded or uploaded together as one workshop file.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.budget import BudgetError
from sim.io import ScenarioError
from sim.params import BASELINE
from sim.text import headline, setup_name
from sim.text.workshop import change_text, gain_cell, say
from sim.verdict import Comparison
from sim.workshop import MAX_VARIANTS, Variant, changes, read_workshop, workshop_data
from ui import runs, state, verdict
from ui.guard import attempt
from ui.safe import md_escape
from ui.upload import problem_lines
from ui.widgets import download, file_uploader, phone_table


def _result(v: Variant) -> Comparison | None:
    """The variant's comparison, or None after saying why it has none (the others go on)."""

    def run() -> Comparison:
        result, _seconds, _cached = runs.get_comparison(
            v.scenario, state.settings(), st.container(), verdict.provisional
        )
        return result

    return attempt(say("variant_part", state.lang(), name=v.name), run)


def _changed(v: Variant, lang: str) -> str:
    base = state.changes_base(v.scenario, v.preset)
    found = changes(base, v.scenario) if base is not None else []
    cur = v.scenario.currency
    return "; ".join(change_text(c, lang, cur) for c in found) or say("nothing", lang)


def _table(items: list[Variant], results: list[Comparison | None], lang: str) -> pd.DataFrame:
    rows = []
    for v, r in zip(items, results, strict=True):
        if r is None:
            none = say("variant_no_result", lang)
            rows.append({say("col_variant", lang): v.name, say("col_verdict", lang): none})
            continue
        best = r.verdict.best
        rows.append(
            {
                say("col_variant", lang): v.name,
                say("col_verdict", lang): headline(r, lang).title,
                say("col_gain", lang): gain_cell(r, best, lang) if best != BASELINE else "—",
                say("col_pbest", lang): r.setups[best].p_best,
                say("col_clear", lang): say("yes" if r.verdict.separated else "no", lang),
                say("col_changed", lang): _changed(v, lang),
            }
        )
    return pd.DataFrame(rows)


def _gains(items: list[Variant], results: list[Comparison | None], lang: str) -> pd.DataFrame:
    """Each setup's gain with its interval, one column per variant that has a result."""
    pairs = [(v, r) for v, r in zip(items, results, strict=True) if r is not None]
    items, results = [v for v, _r in pairs], [r for _v, r in pairs]
    setups: list[str] = []
    for r in results:
        setups += [s for s in r.setups if s != BASELINE and s not in setups]
    rows = []
    for s in setups:
        row = {say("delta_col_setup", lang): setup_name(s, lang)}
        for v, r in zip(items, results, strict=True):
            row[v.name] = gain_cell(r, s, lang) if s in r.setups else "—"
        rows.append(row)
    return pd.DataFrame(rows)


def _manage(items: list[Variant], lang: str) -> None:
    for i, v in enumerate(items):
        c1, c2, c3, c4 = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
        name = c1.text_input(say("col_variant", lang), value=v.name, key=f"variant_rename_{i}")
        if c2.button(say("rename", lang), key=f"variant_rename_btn_{i}", width="stretch"):
            state.rename_variant(i, name)
            st.rerun()
        if c3.button(say("open_variant", lang), key=f"variant_open_{i}", width="stretch"):
            state.open_variant(i)
            st.switch_page("ui/pages/which_team.py")
        if c4.button(say("delete", lang), key=f"variant_delete_{i}", width="stretch"):
            state.delete_variant(i)
            st.rerun()


def _within_budget(items: list[Variant]) -> None:
    """Refuse a workshop file with a variant over the app's budget, naming the variant."""
    problems = []
    for i, v in enumerate(items):
        try:
            runs.check_app_budget(v.scenario, state.settings())
        except BudgetError as err:
            problems += [
                (f"variants.{i}.scenario" + (f".{p}" if p else ""), m) for p, m in err.problems
            ]
    if problems:
        raise ScenarioError(problems)


def _files(items: list[Variant], lang: str) -> None:
    import yaml

    c1, c2 = st.columns([1, 2])
    with c1:
        if items:
            download(
                say("download_workshop", lang),
                yaml.safe_dump(workshop_data(items), sort_keys=False, allow_unicode=True),
                "workshop.yaml",
                "application/x-yaml",
                "dl_workshop",
            )
    with c2:
        file = file_uploader(
            say("upload_workshop", lang), ["yaml", "yml", "json"], "upload_workshop"
        )
    if file is None:
        return
    seen: dict = st.session_state.setdefault("workshop_uploads", {})
    fid = getattr(file, "file_id", None) or f"{file.name}:{file.size}"
    if fid not in seen:
        try:
            loaded = read_workshop(file.getvalue(), file.name)
            _within_budget(loaded)
        except ScenarioError as err:
            seen[fid] = err.problems
        else:
            seen[fid] = []
            state.replace_variants(loaded)
            st.rerun()
    if seen[fid]:
        body = "\n".join(f"- {line}" for line in problem_lines(seen[fid]))
        st.error(f"{say('workshop_bad', lang, name=md_escape(file.name, code=True))}\n\n{body}")


def render() -> None:
    """Draw the page."""
    lang = state.lang()
    st.title(say("variants_title", lang))
    st.caption(say("variants_intro", lang, n=MAX_VARIANTS))
    items = state.variants()
    if not items:
        st.info(say("variants_none", lang), icon=":material/bookmark:")
    else:
        results = [_result(v) for v in items]
        phone_table(
            _table(items, results, lang),
            "variants",
            percent=(say("col_pbest", lang),),
            column_config={
                say("col_pbest", lang): st.column_config.ProgressColumn(
                    format="percent", min_value=0.0, max_value=1.0
                ),
                say("col_changed", lang): st.column_config.TextColumn(width="large"),
            },
        )
        st.markdown(f"**{say('gains_by_variant', lang)}**")
        phone_table(_gains(items, results, lang), "variant_gains")
        _manage(items, lang)
    st.divider()
    _files(items, lang)


render()
