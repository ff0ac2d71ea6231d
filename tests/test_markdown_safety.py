"""No user text reaches Streamlit's Markdown unescaped.

Every call in `ui/` and `app.py` that renders Markdown (`st.markdown`, `st.caption`,
`st.info`, ..., on `st` or on a column/container) must prove its text is safe. A piece of
text is safe when it is:

* a string literal, or a catalog message (`_("...")`, `say("id", lang, ...)`) whose
  placeholders are filled only with safe text;
* `md_escape(...)` (`ui.safe`): user text, escaped;
* a call of a text-layer function listed in `TRUSTED` below (each with why: it words facts —
  numbers, catalog labels, setup and team ids, which the schema limits to letters, digits,
  `_` and `-`);
* a call of a function of `ui/` whose every `return` is safe, by these same rules;
* a local name whose every assignment (and every `.append`) is safe; a CONSTANT whose
  module-level value is safe; an f-string, `+`, `"sep".join(...)` or `a if c else b` of safe
  parts.

Anything else — a parameter, an attribute of a scenario, a file's name, an exception's text —
is user text and fails the test with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.safe import WORD_JOINER, md_escape

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([ROOT / "app.py", *(ROOT / "ui").rglob("*.py")])
MARKDOWN_CALLS = {
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
    "write",
}
NOT_STREAMLIT = {"log", "logger", "logging", "warnings"}
CATALOG = {"_", "N_", "gettext", "ngettext", "say"}
TRUSTED = {
    # sim.text: sentences built from catalog text, numbers, setup/team ids and schema labels.
    "headline": "the verdict's title and body",
    "confidence_sentence": "how sure, in words and numbers",
    "objectives_sentence": "objectives by name and numbers",
    "robust_text": "setup names and numbers",
    "article_text": "the article's expected verdict, by preset id",
    "glossary": "catalog definitions",
    "setup_name": "a setup's catalog name or its id in words",
    "objective_label": "catalog names",
    "gain_cell": "a number with its interval",
    "tornado_text": "schema labels and numbers",
    "breakeven_text": "schema labels, setup ids and numbers",
    "map_text": "schema labels, setup ids and numbers",
    "evpi_text": "numbers",
    "evppi_text": "schema labels and numbers",
    "box_text": "schema labels and numbers",
    # ui
    "_describe": "ui.verdict.provisional, handed to the progress display by the pages",
    "_escape_money": "docs/MODEL.md of this repository, not user input",
    # numbers
    "round": "a number",
    "len": "a number",
    "int": "a number",
    "float": "a number",
}
TRUSTED_ATTRIBUTES = {
    "label": "a field's or a setting's label (schema or catalog)",
    "help": "a field's help (schema or catalog)",
    "title": "a headline's title (`headline`)",
    "body": "a headline's body (`headline`)",
    "__name__": "a class's name (an exception's type)",
    "Setup": "the costs table: setup names",
    "Teams": "the costs table: team names",
    "horizon_months": "a number",
    "replications": "a number",
    "max_replications": "a number",
    "seed": "a number",
    "share": "a number",
    "more": "a number",
}
TRUSTED_KEYS = {
    "Signal": "the diagnostics table: text-layer words",
    "Figure": "the diagnostics table: a number in words",
    "What it means": "the diagnostics table: text-layer sentences",
    "Article criterion": "the diagnostics table: the article's criteria (catalog)",
    "replications": "a number",
    "reps": "a number",
    "run_slots": "a number",
}
NUMBER_TYPES = {"int", "float", "bool"}
NUMBER_SPECS = set("dfFeEgG%n")
"""An f-string field with one of these format types can only hold a number."""


def _functions() -> dict[str, list[ast.FunctionDef]]:
    found: dict[str, list[ast.FunctionDef]] = {}
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef):
                found.setdefault(node.name, []).append(node)
    return found


FUNCTIONS = _functions()


def _name_of(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class Checker:
    """Decides whether an expression is safe Markdown, by the rules in the module's doc."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(module):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        self.busy: set[object] = set()

    def scope(self, node: ast.AST) -> ast.AST:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.Lambda):
                return node
        return self.module

    def safe(self, node: ast.expr | None, scope: ast.AST) -> bool:
        if node is None:
            return True
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str | int | float) or node.value is None
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v, scope) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            spec = ast.unparse(node.format_spec) if node.format_spec else ""
            return spec.rstrip("'\"")[-1:] in NUMBER_SPECS or self.safe(node.value, scope)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.safe(node.left, scope) and self.safe(node.right, scope)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, scope) and self.safe(node.orelse, scope)
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            return self.safe(node.elt, scope)
        if isinstance(node, ast.Call):
            return self.safe_call(node, scope)
        if isinstance(node, ast.Name):
            return self.safe_name(node.id, scope)
        if isinstance(node, ast.Attribute):
            return node.attr in TRUSTED_ATTRIBUTES
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self.safe(node.value, scope)  # "x[:1].upper() + x[1:]" of safe text
        if isinstance(node, ast.Subscript):
            key = node.slice
            return isinstance(key, ast.Constant) and key.value in TRUSTED_KEYS
        return False

    def safe_call(self, node: ast.Call, scope: ast.AST) -> bool:
        name = _name_of(node.func)
        values = [k.value for k in node.keywords]
        if name == "md_escape" or name in TRUSTED:
            return True
        if name in CATALOG:
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) or self.safe(first, scope)
            extra = node.args[1:] if name != "say" else []  # say(id, lang, **values)
            return literal and all(self.safe(v, scope) for v in [*extra, *values])
        if name in ("upper", "lower", "capitalize", "strip") and not node.args:
            return isinstance(node.func, ast.Attribute) and self.safe(node.func.value, scope)
        if name == "format" and isinstance(node.func, ast.Attribute):
            parts = [node.func.value, *node.args, *values]
            return all(self.safe(v, scope) for v in parts)
        if name == "join" and isinstance(node.func, ast.Attribute):
            return self.safe(node.func.value, scope) and all(self.safe(a, scope) for a in node.args)
        if name in FUNCTIONS and name not in self.busy:
            self.busy.add(name)
            try:
                return all(self.safe_returns(f) for f in FUNCTIONS[name])
            finally:
                self.busy.discard(name)
        return False

    def safe_returns(self, func: ast.FunctionDef) -> bool:
        returns = [n.value for n in ast.walk(func) if isinstance(n, ast.Return)]
        return bool(returns) and all(self.safe(r, func) for r in returns)

    def safe_name(self, name: str, scope: ast.AST) -> bool:
        if (name, id(scope)) in self.busy:
            return True  # a loop of assignments adds nothing new
        self.busy.add((name, id(scope)))
        try:
            values = self.assigned(name, scope)
            if not values and name.isupper():
                values = self.assigned(name, self.module, top_level=True)
                if not values:
                    return self.imported(name)
            if not values and isinstance(scope, ast.FunctionDef):
                return self.safe_parameter(scope, name)
            return bool(values) and all(self.safe(v, scope) for v in values)
        finally:
            self.busy.discard((name, id(scope)))

    def imported(self, name: str) -> bool:
        """A CONSTANT imported from the project (code, not input)."""
        return any(
            isinstance(n, ast.ImportFrom)
            and (n.module or "").split(".")[0] in ("sim", "ui")
            and any((a.asname or a.name) == name for a in n.names)
            for n in self.module.body
        )

    def safe_parameter(self, func: ast.FunctionDef, name: str) -> bool:
        """A parameter typed as a number, or one every caller in `ui/` fills with safe text."""
        params = [*func.args.posonlyargs, *func.args.args]
        names = [a.arg for a in params]
        every = [*params, *func.args.kwonlyargs]
        found = next((a for a in every if a.arg == name), None)
        if found is None:
            return False
        if found.annotation is not None and ast.unparse(found.annotation) in NUMBER_TYPES:
            return True
        if names and names[0] == "self":
            names = names[1:]
        position = names.index(name) if name in names else None
        calls = 0
        for path in FILES:
            checker = checker_for(path)
            for call in ast.walk(checker.module):
                if not isinstance(call, ast.Call) or _name_of(call.func) != func.name:
                    continue
                calls += 1
                given = next((k.value for k in call.keywords if k.arg == name), None)
                if given is None and position is not None and position < len(call.args):
                    given = call.args[position]
                if given is None or not checker.safe(given, checker.scope(call)):
                    return False
        return calls > 0

    def assigned(self, name: str, scope: ast.AST, top_level: bool = False) -> list[ast.expr]:
        """Every value bound to `name` in `scope` (assignments, `+=`, `.append`)."""
        nodes = scope.body if top_level else list(ast.walk(scope))
        out: list[ast.expr] = []
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        out.append(node.value)
                    elif isinstance(target, ast.Tuple) and any(
                        isinstance(e, ast.Name) and e.id == name for e in target.elts
                    ):
                        out.append(ast.Constant(value=object()))  # unpacked: unknown
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and (
                isinstance(node.target, ast.Name) and node.target.id == name and node.value
            ):
                out.append(node.value)
            elif isinstance(node, ast.For | ast.comprehension) and any(
                isinstance(t, ast.Name) and t.id == name for t in ast.walk(node.target)
            ):
                if isinstance(node.iter, ast.Name) and node.iter.id.isupper():
                    out.append(ast.Constant(value=""))  # an item of a CONSTANT: code
                elif isinstance(node.target, ast.Name):
                    out.append(node.iter)  # an item of a safe list is safe
                else:
                    out.append(ast.Constant(value=object()))  # unpacked: unknown
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "extend")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            ):
                out.extend(node.args)
        for value in list(out):
            if isinstance(value, ast.List | ast.Tuple):
                out.remove(value)
                out.extend(value.elts)
        return out


_CHECKERS: dict[Path, Checker] = {}


def checker_for(path: Path) -> Checker:
    """One parsed module and its checker per file (call sites are looked up across files)."""
    if path not in _CHECKERS:
        _CHECKERS[path] = Checker(ast.parse(path.read_text(), str(path)))
    return _CHECKERS[path]


def markdown_calls(path: Path) -> list[tuple[ast.Call, ast.expr | None]]:
    """Each call that renders Markdown in `path`, with its text argument."""
    module = ast.parse(path.read_text(), str(path))
    out = []
    for node in ast.walk(module):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in MARKDOWN_CALLS:
            continue
        root = node.func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in NOT_STREAMLIT:
            continue
        text = (
            node.args[0]
            if node.args
            else next((k.value for k in node.keywords if k.arg in ("body", "text")), None)
        )
        out.append((node, text))
    return out


def unsafe_calls(path: Path, root: Path = ROOT) -> list[str]:
    """`file:line call` of every Markdown call in `path` whose text is not proven safe."""
    checker = checker_for(path)
    module = checker.module
    bad = []
    for call, _text in markdown_calls(path):
        # the same node objects are needed for scopes: find the call again in `module`
        twin = next(
            n
            for n in ast.walk(module)
            if isinstance(n, ast.Call)
            and n.lineno == call.lineno
            and n.col_offset == call.col_offset
        )
        arg = (
            twin.args[0]
            if twin.args
            else next((k.value for k in twin.keywords if k.arg in ("body", "text")), None)
        )
        if not checker.safe(arg, checker.scope(twin)):
            rel = path.relative_to(root)
            bad.append(f"{rel}:{call.lineno} {ast.unparse(call)[:100]}")
    return bad


def test_the_check_finds_markdown_calls():
    """The walk really sees the pages' calls (a rule that matched nothing would pass)."""
    assert sum(len(markdown_calls(p)) for p in FILES) > 80


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_user_text_reaches_markdown_only_escaped(path):
    assert unsafe_calls(path) == []


def test_the_check_fails_on_user_text(tmp_path):
    """Unescaped user text is reported; the same text escaped or as a literal is not."""
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "from ui.safe import md_escape\n"
        "def show(sc, name):\n"
        "    st.caption(sc.name)\n"
        "    st.markdown(f'#### {name}')\n"
        "    st.error(_('Loaded `{name}`.').format(name=name))\n"
        "    st.info(md_escape(sc.name))\n"
        "    st.warning(_('Loaded `{name}`.').format(name=md_escape(name, code=True)))\n"
        "    lines = [f'- {md_escape(p)}' for p in sc.problems]\n"
        "    st.error('\\n'.join(lines))\n"
    )
    found = [line.split(" ", 1)[0] for line in unsafe_calls(page, tmp_path)]
    assert found == ["page.py:4", "page.py:5", "page.py:6"]


@pytest.mark.parametrize(
    "text",
    [
        "![x](https://evil.example/p.png)",
        "[Log in again](https://evil.example/login)",
        "https://evil.example/a www.evil.example",
        "<img src=x onerror=alert(1)>",
        "# heading\n- item\n| a | b |",
        ":red[alarm] :material/warning: $x^2$ **bold** _it_ `code`",
    ],
)
def test_md_escape_leaves_no_markup(text):
    escaped = md_escape(text)
    assert escaped.replace("\\", "").replace(WORD_JOINER, "") == text.replace("\\", "")
    assert "://" not in escaped.replace("\\", "") and "www." not in escaped.replace("\\", "")
    for mark in "![]()<>#|:*_`$-":
        assert f"{mark}" not in escaped.replace(f"\\{mark}", "")


def test_md_escape_in_code_spans_keeps_the_span_closed():
    assert md_escape("a`b``c\n\nd", code=True) == "aˋbˋˋc d"
