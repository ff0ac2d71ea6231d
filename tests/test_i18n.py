"""Japanese and English: complete catalogs, no words outside them, money in 万/億 or K/M/B.

The lint below defines which string literals are words a person reads: see `words_in`.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from sim.cli import catalogs
from sim.text.i18n import LANGUAGES, normalize_lang, translator
from sim.text.numbers import fmt_number, money, value_text

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- catalogs
@pytest.fixture(scope="module")
def template():
    return catalogs.extract()


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_translation(template, lang):
    """Every message of the code, the schema and the CLI is in the catalog, translated, not
    fuzzy, with the same placeholders; and the catalog holds nothing the code no longer says."""
    catalog = catalogs.load(lang)
    wanted = {str(m.id) for m in template if m.id}
    have = {str(m.id): m for m in catalog if m.id}
    assert not sorted(wanted - set(have)), "run: python -m sim.cli.catalogs update"
    assert not sorted(set(have) - wanted), "obsolete messages: python -m sim.cli.catalogs update"
    untranslated = [i for i, m in have.items() if not m.string]
    assert not untranslated, untranslated[:10]
    assert not [i for i, m in have.items() if m.fuzzy]
    mismatched = [i for i, m in have.items() if _fields(i) != _fields(m.string)]
    assert not mismatched, mismatched[:10]


def test_japanese_translations_are_japanese(template):
    """A Japanese translation that is the English message unchanged is allowed only for names
    and codes (SalesOps, RevOps, KPI, P10, PATH=...), never for a sentence."""
    catalog = catalogs.load("ja")
    same = [str(m.id) for m in catalog if m.id and m.string == m.id]
    words = [re.sub(r"\{[^{}]*\}|\*\*|—", " ", s).split() for s in same]
    assert all(len(w) <= 1 for w in words), same


def test_languages_are_chosen_per_call_and_codes_normalised():
    assert normalize_lang("ja-JP") == normalize_lang("ja_JP.UTF-8") == "ja"
    assert normalize_lang("en-US") == normalize_lang(None) == normalize_lang("fr") == "en"
    assert translator("ja")("No ops team") == "Opsチームなし"
    assert translator("en")("No ops team") == "No ops team"


def test_literal_messages_are_extractable():
    """A literal message passed straight to `translator(lang)(...)` escapes extraction: such
    code binds `_ = translator(lang)` first (variables holding `N_` messages are fine)."""
    pattern = re.compile(r"translator\([^()]*\)\(\s*[\"']")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in [*(ROOT / "sim").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, found


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("amount", "currency", "signed", "en", "ja"),
    [
        (65_410_000, "JPY", True, "+¥65.41M", "+6,541万円"),
        (3_000_000_000, "JPY", False, "¥3.00B", "30億円"),
        (150_000_000, "JPY", False, "¥150.00M", "1.5億円"),
        (123_456_789, "JPY", False, "¥123.46M", "1.23億円"),
        (1_500_000, "JPY", False, "¥1.50M", "150万円"),
        (-2_500_000, "JPY", False, "-¥2.50M", "-250万円"),
        (99_995_000, "JPY", False, "¥100.00M", "1億円"),
        (9_800, "JPY", False, "¥9.8K", "9,800円"),
        (1.5e12, "JPY", False, "¥1500.00B", "1.5兆円"),
        (5_470_000, "USD", True, "+$5.47M", "+$547万"),
        (120_000, "EUR", False, "€120K", "€12万"),
        (0, "JPY", False, "¥0", "0円"),
    ],
)
def test_money_in_each_language(amount, currency, signed, en, ja):
    assert money(amount, currency, signed=signed) == en
    assert money(amount, currency, signed=signed, lang="ja") == ja


def test_other_figures_in_each_language():
    assert fmt_number(45, "days") == "45 d" and fmt_number(45, "days", lang="ja") == "45日"
    assert fmt_number(3.5, "hours", lang="ja") == "3.5時間"
    assert fmt_number(0.234, "pct", lang="ja") == "23%"
    assert value_text(1.5, "ops_roi", "JPY", lang="ja") == "+1.50倍"
    assert money(float("nan"), "JPY", lang="ja") == "—"


def test_chart_axes_write_money_like_the_text():
    """The Vega expression of chart axes and tooltips gives the text layer's money."""
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    from ui.charts import money_expr

    values = [65_410_000, 3_000_000_000, -2_500_000, 9_800]
    frame = pd.DataFrame({"v": values, "i": range(len(values))})
    for lang, expected in (
        ("ja", ["¥6,541万", "¥30億", "-¥250万", "¥9,800"]),
        ("en", ["¥65.4M", "¥3B", "-¥2.5M", "¥9.8K"]),
    ):
        chart = (
            alt.Chart(frame)
            .transform_calculate(t=money_expr("datum.v", "JPY", lang))
            .mark_text()
            .encode(y="i:O", text="t:N")
        )
        svg = vlc.vegalite_to_svg(chart.to_dict())
        for text in expected:
            assert f">{text}<" in svg, (lang, text)


# ----------------------------------------------------------------------------- the lint
LINT_FILES = sorted(
    [*(ROOT / "ui").rglob("*.py"), ROOT / "app.py", *(ROOT / "sim" / "text").glob("*.py")]
)
LINT_EXEMPT_FILES = {"catalogs.py"}  # the maintainer's tool: its strings are for developers
TRANSLATING = {"_", "N_", "gettext", "ngettext", "pgettext", "translator"}
"""Calls whose string arguments are messages (extracted into the catalogs)."""
NOT_SHOWN_KEYWORDS = {
    "key",
    "icon",
    "type",
    "mime",
    "format",
    "file_name",
    "language",
    "on_click",
    "anchor",
    "orient",
    "width",
    "height",
    "label_visibility",
    "page_icon",
    "layout",
    "selection_mode",
    "initial_sidebar_state",
    "url_path",
    "symbolType",
    "as_",
    "groupby",
    "columns",
    "value_name",
    "var_name",
    "id_vars",
    "index",
    "values",
    "names",
    "sort",
    "stack",
    "how",
    "on",
    "field",
    "mark",
    "color",
    "strokeDash",
    "interpolate",
    "errors",
    "encoding",
    "newline",
    "sep",
    "align",
    "baseline",
    "fontWeight",
    "cursor",
    "shape",
    "scheme",
}
"""Keyword arguments that configure, and are never read as words."""
CODE_METHODS = {
    "replace",
    "split",
    "rsplit",
    "startswith",
    "endswith",
    "strip",
    "rstrip",
    "lstrip",
    "join",
    "get",
    "pop",
    "setdefault",
    "partition",
    "rpartition",
    "encode",
    "decode",
    "sub",
    "match",
    "search",
    "fullmatch",
    "compile",
    "query",
    "astype",
    "rename",
    "groupby",
    "sort_values",
    "transform_calculate",
    "transform_filter",
    "getenv",
    "index",
    "count",
    "find",
    "format_map",
}
"""Methods whose string arguments are code (patterns, keys, expressions), not words."""
PRAGMA = "# i18n: ok"
"""A line that says why its literal is not a message (e.g. both languages' names at once)."""

_REMOVE = re.compile(
    r"\{[^{}]*\}|:material/[a-z_]+:|`[^`]*`|https?://\S+|\b[A-Za-z_]+\.[A-Za-z_.]+\b"
    r"|%[-+ 0#]*[\d.]*[sdfgex%]"
)


def words_in(text: str) -> bool:
    """Whether a literal is words a person reads.

    After removing placeholders (`{...}`, `%s`), Material icons, code spans, URLs and dotted
    names, it holds two Latin words separated by a space ("Change the assumptions"), or one
    capitalised word ("Assumptions"). Ids, column keys, formats, encodings ("setup_name:N")
    and acronyms alone ("ARR", "P10", "CSV") are not words.
    """
    if re.search(r"\w=\S", text) and re.search(r"[;\[\]]", text):
        return False  # code (Graphviz, Vega): key=value with brackets or semicolons
    rest = _REMOVE.sub(" ", text)
    if re.search(r"[A-Za-z]{2,}[^\w\n{}]*\s+[^\w\n]*[A-Za-z]{2,}", rest):
        return not re.fullmatch(r"[\sA-Za-z_0-9:=<>!?.'()+\-*/&|,\[\]]*", rest) or bool(
            re.search(r"[A-Z][a-z]+|\b[a-z]+ [a-z]+ [a-z]+\b", rest)
        )
    return bool(re.search(r"(^|[\s(\[\"'*#:—-])[A-Z][a-z]{2,}", rest))


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Call):  # translator(lang)("...")
        return _call_name(func.func)
    return ""


def untranslated_literals(path: Path) -> list[tuple[int, str]]:
    """(line, literal) of every string literal in `path` that is words outside the catalogs."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # docstrings (of modules, classes, functions, attributes)
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            if name in TRANSLATING or name in CODE_METHODS:
                for arg in node.args:
                    skip |= {id(n) for n in ast.walk(arg)}
            for kw in node.keywords:
                if kw.arg in NOT_SHOWN_KEYWORDS:
                    skip |= {id(n) for n in ast.walk(kw.value)}
        if isinstance(node, ast.Dict):
            skip |= {id(k) for k in node.keys if k is not None}
        if isinstance(node, ast.Subscript):
            skip |= {id(n) for n in ast.walk(node.slice)}
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            skip |= {id(n) for n in ast.walk(node.value)}  # names, not words
        if isinstance(node, ast.Compare):
            skip |= {id(n) for n in ast.walk(node) if isinstance(n, ast.Constant)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Constant):
            continue
        if not isinstance(node.value, str) or PRAGMA in lines[node.lineno - 1]:
            continue
        if words_in(node.value):
            out.append((node.lineno, node.value))
    return out


@pytest.mark.parametrize(
    "text, is_words",
    [
        ("Change the assumptions", True),
        ("Assumptions", True),
        ("Now showing: {what}.", True),
        ("**Best setup**", True),
        ("setup_name:N", False),
        ("ARR", False),
        (":material/download:", False),
        ("P10", False),
        ("dl_{ext}_{name}", False),
        ("%.0f", False),
        ("text/csv", False),
        ("datum.value", False),
        ('digraph model { rankdir=TB; node [shape=box, fontname="Helvetica"];', False),
    ],
)
def test_the_lint_knows_words(text, is_words):
    assert words_in(text) is is_words


def test_no_words_bypass_the_catalogs():
    """No string literal a person reads, in `ui/`, `app.py` or the text layer, bypasses the
    catalogs: each goes through `_`/`N_`/`translator`, or its line says why not (PRAGMA)."""
    found = []
    for path in LINT_FILES:
        if path.name in LINT_EXEMPT_FILES or "__pycache__" in path.parts:
            continue
        for line, text in untranslated_literals(path):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text[:70]!r}")
    assert not found, f"{len(found)} literals outside the catalogs:\n" + "\n".join(found)


# ----------------------------------------------------------------------------- fonts
TOFU = "\ue000"
"""A private-use character no font draws: it renders as the missing-glyph box (or nothing)."""
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def without_glyphs(svg: str) -> str:
    """The SVG with every Japanese character replaced by one no font has."""
    return CJK.sub(TOFU, svg)


def test_exported_charts_draw_japanese_glyphs():
    """A Japanese chart's PNG differs from the same chart with its Japanese characters
    replaced by a character no font has: were the glyphs missing, both would show the same
    empty boxes. The PNG export is the same picture as its SVG rendered."""
    import io

    import pandas as pd
    import vl_convert as vlc
    from PIL import Image, ImageChops

    from ui import charts

    frame = pd.DataFrame(
        {
            "setup": ["none"] * 3 + ["revops"] * 3,
            "setup_name": ["Opsチームなし"] * 3 + ["RevOps"] * 3,
            "month": [1, 2, 3] * 2,
            "p10": [1e8, 2e8, 3e8] * 2,
            "p50": [2e8, 3e8, 4e8] * 2,
            "p90": [3e8, 4e8, 5e8] * 2,
        }
    )
    chart = charts.fan_chart(
        frame,
        ["none", "revops"],
        "累積貢献利益（JPY）",
        "将来シナリオの幅",
        currency="JPY",
        lang="ja",
    )
    svg = charts.chart_svg(chart)
    assert "Noto Sans CJK JP" in svg and "累積貢献利益" in svg and "億" in svg
    real = Image.open(io.BytesIO(vlc.svg_to_png(svg, scale=2.0))).convert("RGB")
    tofu = Image.open(io.BytesIO(vlc.svg_to_png(without_glyphs(svg), scale=2.0))).convert("RGB")
    exported = Image.open(io.BytesIO(charts.chart_png(chart))).convert("RGB")
    assert exported.size == real.size
    assert ImageChops.difference(exported, real).getbbox() is None  # the same picture
    assert ImageChops.difference(real, tofu).getbbox() is not None  # glyphs, not boxes
