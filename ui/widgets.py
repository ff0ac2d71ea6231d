"""Widgets shared by pages: charts with their downloads, download rows, problem lists.

No widget is ever created inside a cached function; chart images are converted only when
a download is clicked (deferred `st.download_button` data).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import streamlit as st

from sim.params import Scenario
from ui import exports, state
from ui.charts import chart_png, chart_svg
from ui.form import field_label, humanise
from ui.i18n import _, csv_bom, lang
from ui.safe import md_escape
from ui.upload import problem_lines

T = TypeVar("T")
ChartSource = alt.TopLevelMixin | Callable[[], alt.TopLevelMixin]
"""A chart, or a function that builds it (so that it can be built once for every session)."""
CHART_SPECS = 512
"""Vega-Lite specs kept for all sessions: a page's charts for many answers and languages."""


@st.cache_resource(max_entries=CHART_SPECS, show_spinner=False)
def _shared(key: tuple[str, str, str], _build: Callable[[], T]) -> T:
    """What `_build` makes for one answer, language and name, built once for every session.

    Sessions looking at one shared answer used to build one copy each of its charts
    (Altair's object tree, schema validation, `to_dict`) and tables (pandas): seconds of
    GIL-holding work in the server process, during which the web server answered nobody.
    """
    return _build()


def per_answer(name: str, build: Callable[[], T]) -> T:
    """`build()` for the session's current answer, shared with every session showing it.

    The value is shared: treat it as read-only. Without an answer it is simply built.
    """
    answer = st.session_state.get("result_key")
    return _shared((str(answer), lang(), name), build) if answer else build()


def _spec(chart: alt.TopLevelMixin) -> dict:
    with alt.data_transformers.enable("default", max_rows=None):
        return chart.to_dict()


def chart_spec(chart: ChartSource, name: str) -> dict:
    """The Vega-Lite spec of `chart`; shared by every session showing the same answer.

    A builder is called only when no session has built this chart (`name`) for the
    session's current answer (`result_key`) in its language; a chart object is converted.
    """
    if callable(chart):
        build = chart
        spec = per_answer(f"chart:{name}", lambda: _spec(build()))
    else:
        spec = _spec(chart)
    return copy.deepcopy(spec)  # the shared one stays as built


def show_chart(chart: ChartSource, name: str, alt_text: str | None = None) -> dict:
    """Draw a chart full width from its (shared) spec; returns the spec."""
    spec = chart_spec(chart, name)
    st.vega_lite_chart(spec=spec, width="stretch", alt=alt_text)
    return spec


def chart_with_downloads(chart: ChartSource, name: str, stem: str, alt_text: str) -> None:
    """Draw a chart full width, with SVG and PNG downloads below it."""
    spec = show_chart(chart, name, alt_text)
    formats = (
        (
            "SVG",
            chart_svg,
            "svg",
            "image/svg+xml",
            _("Download this chart as a vector image (SVG)."),
        ),
        ("PNG", chart_png, "png", "image/png", _("Download this chart as a picture (PNG).")),
    )
    with st.container(horizontal=True, gap="small"):
        for label, render, ext, mime, what in formats:
            st.download_button(
                label,
                data=lambda render=render: render(spec),
                file_name=f"{stem}_{name}.{ext}",
                mime=mime,
                icon=":material/download:",
                on_click="ignore",
                key=f"dl_{ext}_{name}",
                help=what,
                type="tertiary",
            )


def download(
    label: str,
    data: str | bytes | Callable[[], str | bytes],
    file_name: str,
    mime: str,
    key: str,
    help_text: str | None = None,
    width: str = "stretch",
) -> None:
    """A download button that does not rerun the app.

    CSV starts with a UTF-8 byte-order mark when the session asks for one (`ui.i18n`).
    """
    if mime == "text/csv":
        data = _csv_download(data, csv_bom())
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        on_click="ignore",
        key=key,
        help=help_text,
        width=width,
    )


def _csv_download(
    data: str | bytes | Callable[[], str | bytes], bom: bool
) -> bytes | Callable[[], bytes]:
    """CSV data as bytes, with the byte-order mark if `bom` (deferred data stays deferred)."""

    def encode(value: str | bytes) -> bytes:
        return exports.csv_bytes(value, bom) if isinstance(value, str) else value

    if callable(data):
        return lambda: encode(data())
    return encode(data)


def show_problems(problems: list[tuple[str, str]], sc: Scenario, title: str) -> None:
    """Every (field, message) problem as one error box, each line naming its field."""
    lines = []
    for path, message in problems:
        where = field_label(path, sc) if path else ""
        text = md_escape(humanise(path, message))
        code = md_escape(path, code=True)
        if path and where != path:
            lines.append(f"- **{md_escape(where)}** (`{code}`): {text}")  # i18n: ok (markup only)
        elif path:
            lines.append(f"- `{code}`: {text}")
        else:
            lines.append(f"- {text}")
    st.error(f"**{title}**\n\n" + "\n".join(lines), icon=":material/error:")


def show_upload_problems(name: str, problems: list[tuple[str, str]]) -> None:
    """Problems of an uploaded file; the previous scenario is kept."""
    body = "\n".join(f"- {line}" for line in problem_lines(problems))
    st.error(
        _(
            "**`{name}` was not loaded** — the previous scenario is kept. Fix these and upload "
            "again:"
        ).format(name=md_escape(name, code=True))
        + f"\n\n{body}",
        icon=":material/error:",
    )


def preset_picker(key: str) -> None:
    """A select box of the company presets; choosing one loads it (and its verdict)."""
    names = list(state.preset_paths())
    current = st.session_state.get("preset", names[0])
    origin = st.session_state.get("origin", "")

    def _load() -> None:
        chosen = st.session_state[key]
        problems = state.load_preset(chosen)
        st.session_state.preset_problems = (chosen, problems) if problems else None

    st.selectbox(
        _("Company preset"),
        options=names,
        index=names.index(current) if current in names else 0,
        format_func=partial(state.preset_label, lang=lang()),
        key=key,
        on_change=_load,
        help=_(
            "Example companies, each with sourced numbers. Pick the closest to yours, then "
            "adjust it on the Assumptions page."
        ),
    )
    if not origin.startswith("preset:"):
        st.caption(_("Now showing: {what}.").format(what=state.origin_label()))
    bad = st.session_state.get("preset_problems")
    if bad:
        name, problems = bad
        show_upload_problems(f"{name}.yaml", problems)


def _css_text(text: str) -> str:
    """`text` as a CSS string (quotes, backslashes and `<` escaped, no line breaks)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    body = body.replace("<", "\\3c ")
    return f'"{body}"'


def _key_class(key: str) -> str:
    """The class Streamlit gives an element with this key (`st-key-` and the key, tidied)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def file_uploader(label: str, types: list[str], key: str, help_text: str | None = None) -> Any:
    """`st.file_uploader` whose own words are in the session's language.

    Streamlit writes its button ("Upload"), its instructions ("1MB per file • CSV") and the
    drop hint ("Drag and drop a file here") in English whatever the language, and offers no
    parameter for them: CSS hides those words (`visibility: hidden`, so neither the screen
    nor a screen reader has them) and writes the catalog's in their place with `::after`
    (the size from the server's own limit, the types as given).
    """
    size = st.get_option("server.maxUploadSize")
    words = _("{types} · at most {size} MB").format(
        size=size, types=", ".join(t.upper() for t in types)
    )
    button = _css_text(_("Choose a file"))
    drop = _css_text(_("Drop the file here"))
    scope = f".{_key_class(key)} [data-testid='stFileUploaderDropzone']"
    hide = "visibility:hidden;font-size:0 !important;line-height:0;"
    show = "visibility:visible;font-size:0.875rem;line-height:1.4;"
    overlay = f"{scope} > div:not([data-testid]):not(:has([data-testid]))"
    st.html(
        "<style>"
        f"{scope} button [data-testid='stMarkdownContainer'] p{{{hide}}}"
        f"{scope} button [data-testid='stMarkdownContainer'] p::after"
        f"{{content:{button};{show}}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span"
        f"{{{hide}white-space:normal;}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span::after"
        f"{{content:{_css_text(words)};{show}}}"
        f"{overlay} *{{{hide}}}"
        f"{overlay}::after"
        f"{{content:{drop};{show}}}"
        "</style>"
    )
    return st.file_uploader(label, type=types, key=key, help=help_text)


PHONE_WIDTH = 480
"""Screens at most this wide (px) get tables as stacked text instead of a grid."""


def _cell(value: Any, percent: bool) -> str:
    """A table cell as text: percentages for share columns, "—" for missing values."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if percent and isinstance(value, int | float):
        return f"{value:.0%}"
    return str(value)


def phone_table(
    frame: pd.DataFrame,
    key: str,
    column_config: dict | None = None,
    percent: tuple[str, ...] = (),
) -> None:
    """`st.dataframe` on wide screens; on a phone the same rows as stacked text.

    A grid of more than two or three columns does not fit 390 px: it scrolled sideways
    and hid most columns. Both are drawn; a CSS media query shows one (`PHONE_WIDTH`). On
    a phone each row is its first cell in bold, then every other column's heading and value.
    `percent` names the columns holding shares (written as percentages in the text).
    """
    wide, narrow = f"table_wide_{key}", f"table_narrow_{key}"
    st.html(
        "<style>"  # i18n: ok (CSS)
        f".{_key_class(narrow)}{{display:none !important;}}"
        f"@media (max-width:{PHONE_WIDTH}px){{"
        f".{_key_class(wide)}{{display:none !important;}}"
        f".{_key_class(narrow)}{{display:flex !important;}}}}"
        "</style>"
    )
    with st.container(key=wide):
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    columns = list(frame.columns)
    lines = []
    for row in frame.itertuples(index=False):
        cells = [_cell(v, c in percent) for c, v in zip(columns, row, strict=True)]
        rest = " · ".join(
            _("{heading}: {value}").format(heading=md_escape(str(c)), value=md_escape(v))
            for c, v in zip(columns[1:], cells[1:], strict=True)
        )
        first = md_escape(cells[0])
        lines.append(f"- **{first}** — {rest}" if rest else f"- {first}")
    with st.container(key=narrow):
        st.markdown("\n".join(lines))
