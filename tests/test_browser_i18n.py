"""Japanese in a real browser: the `?lang=ja` landing page (screenshot in tests/artifacts/) and
a chart exported as PNG from it, drawn with Japanese glyphs, not empty boxes.

Uses the server, browser and page of tests/test_browser.py (skipped without Chromium there).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, _verdict, browser, page, server  # noqa: F401 (fixtures)
from test_i18n import without_glyphs

pytestmark = pytest.mark.browser
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _downloaded(tab, name: str) -> Path:
    with tab.expect_download(timeout=120_000) as info:
        tab.get_by_role("button", name=name).first.click()
    return Path(info.value.path())


def test_japanese_landing_page_and_its_png_chart(server, page):  # noqa: F811
    import vl_convert as vlc
    from PIL import Image, ImageChops

    page.goto(f"{server}/?lang=ja")
    text = _verdict(page).inner_text()
    assert JAPANESE.search(text) and "将来シナリオ" in text, text
    assert "simulated futures" not in text
    page.get_by_role("button", name="KPI表（CSV）").wait_for(timeout=180_000)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": 1440, "height": int(height) + 40})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "landing_ja.png"), full_page=True)
    assert (ARTIFACTS / "landing_ja.png").stat().st_size > 10_000

    # the first chart's exports: its SVG holds Japanese words; drawn without the glyphs it
    # would look different, so the PNG shows them
    svg = _downloaded(page, "SVG").read_text(encoding="utf-8")
    png = _downloaded(page, "PNG").read_bytes()
    assert JAPANESE.search(svg) and "Noto Sans CJK JP" in svg
    exported = Image.open(io.BytesIO(png)).convert("RGB")
    real = Image.open(io.BytesIO(vlc.svg_to_png(svg, scale=2.0))).convert("RGB")
    tofu = Image.open(io.BytesIO(vlc.svg_to_png(without_glyphs(svg), scale=2.0))).convert("RGB")
    assert exported.size == real.size
    assert ImageChops.difference(real, tofu).getbbox() is not None
    exported.save(ARTIFACTS / "chart_ja.png")
