"""User text inside Markdown: shown as typed, never as links, images or formatting.

Streamlit renders `st.markdown`, `st.caption`, `st.info`, `st.error` and friends as Markdown
(with GitHub's autolinks, `:color[...]` directives, emoji short codes and `$...$` maths). A
scenario name, a file name, a variant's name or a value from a shared link is data, not
markup: every page passes such text through `md_escape` before it reaches a Markdown call.
`tests/test_markdown_safety.py` holds every such call in `ui/` and `app.py` to that.
"""

from __future__ import annotations

import re

MARKUP = "\\`*_{}[]()#+-.!|<>:$~&="
"""The ASCII marks that can start or end Markdown in Streamlit (CommonMark, GitHub's tables
and strikethrough, entities, `:directives:`, `$maths$`); commas and the like stay as typed."""
_MARKUP = re.compile("([" + re.escape(MARKUP) + "])")
_BACKTICKS = re.compile("`+")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_AUTOLINK = re.compile(r"(?i)(:/)(/)|(www)(\.)|()(@)")
WORD_JOINER = "\u2060"
"""Invisible; breaks the patterns GitHub-style autolinks look for in the rendered text."""


def md_escape(text: object, *, code: bool = False) -> str:
    r"""`text` as literal Markdown.

    By default every mark in `MARKUP` is backslash-escaped (CommonMark allows that for any
    ASCII punctuation), which disarms links, images, emphasis, headings, lists, tables, HTML,
    `:directives:` and `$maths$`, and still reads the same on screen. Bare addresses
    (`https://...`, `www.`, `name@host`) are linked by Streamlit *after* escapes are read, so
    an invisible word joiner goes inside `://`, after `www` and before `@` instead.

    `code=True` is for text placed between backticks in a message (`` `{name}` ``), where
    backslashes would show: a backtick would end the code span early, so backticks become
    the look-alike `ˋ` and line breaks spaces (a code span cannot hold a blank line).
    """
    value = str(text)
    if code:
        return _LINE_BREAKS.sub(" ", _BACKTICKS.sub(lambda m: "ˋ" * len(m.group()), value))
    unlinked = _AUTOLINK.sub(
        lambda m: WORD_JOINER.join(g for g in m.groups() if g is not None), value
    )
    return _MARKUP.sub(r"\\\1", unlinked)
