"""The explore page's *Doubt* section: each gain's spread, split into chance and the inputs.

The split of `sim.explore.doubt` (the same futures run twice: every uncertain input drawn,
and every one at its mode) runs like the page's other methods (the page passes its `get`,
which runs with progress and Cancel and keeps the result, and its `downloads`), then the
sentences of `sim.text.doubt`, a table per setup and a bar per setup split into the share
of its spread that is not knowing the inputs and the share that is chance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from sim.explore.doubt import REPLICATIONS, doubt
from sim.text import doubt as words
from ui import explore_charts as charts
from ui import explore_data as data
from ui.i18n import _, lang
from ui.safe import md_escape
from ui.text import setup_name
from ui.widgets import chart_with_downloads, phone_table


def doubt_reps(reps: int, page_default: int) -> int:
    """Futures the split runs per variant: its own default at the page's default, else as asked.

    The two sample variances it compares are noisy on few futures, so at the page's default
    it runs the command line's default (`sim.explore.doubt.REPLICATIONS`).
    """
    return max(reps, REPLICATIONS) if reps == page_default else reps


def table(d, lang: str = "en") -> tuple[pd.DataFrame, tuple[str, str]]:
    """The per-setup table as shown, and the headings of its two share columns."""
    head = words.doubt_head(d, lang)
    frame = pd.DataFrame(
        [
            {
                head[0]: setup_name(setup, lang),
                head[1]: words.gain_text(d, setup, lang),
                head[2]: g.chance_share,
                head[3]: g.input_share,
                head[4]: words.main_input_text(d, setup, lang),
            }
            for setup, g in d.gains.items()
        ],
        columns=head,
    )
    return frame, (head[2], head[3])


def draw(
    sc,
    stem: str,
    reps: int,
    seed: int,
    get: Callable[..., Any],
    downloads: Callable[[str, str, dict, Any], None],
) -> None:
    """Draw the section (`get` and `downloads`: the page's runner and download buttons)."""
    st.markdown(
        _(
            "How much of each setup's gain over no ops team is chance, and how much is not "
            "knowing the inputs? The gain varies from one simulated future to the next by "
            "chance (which leads arrive, which deals close) and because the inputs are not "
            "known (how well a team will work, any world number given a range). The same "
            "futures run twice: with every uncertain input drawn afresh, and with each at its "
            "most likely value. More futures narrow neither; a study or a pilot can narrow "
            "the second."
        )
    )
    settings = {"reps": reps, "seed": seed}
    found = get(
        "doubt",
        sc,
        settings,
        _("Doubt"),
        lambda o: doubt(sc, o),
        _("Split the doubt"),
    )
    if found is None:
        return
    la = lang()
    if not found.gains:
        st.info(_("No setup with a team to compare with no ops team."))
        return
    for setup in found.gains:
        st.markdown(f"- {md_escape(words.doubt_text(found, setup, la))}")
    shown, (chance, inputs) = table(found, la)
    phone_table(
        shown,
        "doubt",
        percent=(chance, inputs),
        column_config={
            column: st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0)
            for column in (chance, inputs)
        },
    )
    frame = data.doubt_frame(found, la)
    chart_with_downloads(
        charts.doubt_chart(
            data.doubt_parts(frame, la),
            list(sc.org.setups),
            _("Chance or not knowing the inputs"),
            lang=la,
        ),
        "doubt",
        stem,
        _("Each setup's gain: the share of its spread from not knowing the inputs and from chance"),
    )
    facts = found.facts()
    facts["text"] = [words.doubt_text(found, setup, la) for setup in found.gains]
    downloads(stem, "doubt", facts, frame)
