"""Sources stay inside the project: docs/SOURCES.md lists every source with a row id, and the
presets (and the code's uplift bands) cite those ids or say judgment.

docs/SOURCES.md promises that every source row has an id, the full reference of the original
publication, what it measures and a grade (P publisher's page, R faithful reprint, S secondary
summary, J judgment); every preset source text cites an id that exists there or says judgment;
and no file of the repository points at documents outside it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES_MD = ROOT / "docs" / "SOURCES.md"
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))

ROW_ID = re.compile(r"^[A-Z]\d+$")
CITED_ID = re.compile(r"\[([A-Z]\d+)\]")
GRADES = {"P", "R", "S", "J"}
REQUIRED_COLUMNS = ("id", "reference", "what it measures", "grade")

# Names of documents outside the project that no tracked file may mention. Built from pieces
# so that this file does not contain them itself.
_MD = "." + "md"
FORBIDDEN = (
    "BENCHMARKS" + _MD,
    "SPEC" + _MD,
    "DIGEST" + _MD,
    "BENCHMARKS" + " ",  # the document's name used as a name ("a BENCH... row")
    "seed" + "/" + "DIGEST",
    "/work" + "/shared",
    ".." + "/shared/",
)
# Files outside this change's remit that still cite the outside document; each entry says
# where and what should replace it. Remove an entry once its file is fixed.
KNOWN_OFFENDERS: dict[str, str] = {}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every pipe table of a markdown text as (header cells, body rows of cells)."""
    tables, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.lstrip().startswith("|") and re.match(r"^\s*\|[\s:|-]+\|\s*$", nxt):
            header, rows, i = _cells(line), [], i + 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables.append((header, rows))
        else:
            i += 1
    return tables


def source_rows() -> list[dict[str, str]]:
    """The rows of SOURCES.md's source tables (every table with a `grade` column)."""
    out = []
    for header, rows in markdown_tables(SOURCES_MD.read_text(encoding="utf-8")):
        if "grade" not in header:
            continue
        for row in rows:
            out.append(dict(zip(header, row, strict=False)) | {"_header": "|".join(header)})
    return out


def source_ids() -> set[str]:
    return {row.get("id", "") for row in source_rows()}


def test_table_parser_reads_headers_and_rows():
    """The parser itself: a table after text, with its rows, and nothing else."""
    text = "intro\n\n| id | grade |\n|---|---|\n| B1 | P |\n| B2 | J |\n\nafter | not a table\n"
    assert markdown_tables(text) == [(["id", "grade"], [["B1", "P"], ["B2", "J"]])]


def test_every_source_row_has_an_id_reference_measure_and_grade():
    """Each row of a table with a grade column has a unique id, a reference, what it measures
    and one grade of P, R, S or J."""
    rows = source_rows()
    assert len(rows) >= 40, f"only {len(rows)} source rows found: the parser missed tables"
    problems, seen = [], {}
    for row in rows:
        missing = [c for c in REQUIRED_COLUMNS if not row.get(c)]
        if missing:
            problems.append(f"{row.get('id') or row}: missing {missing} ({row['_header']})")
            continue
        if not ROW_ID.match(row["id"]):
            problems.append(f"{row['id']}: not an id like B7")
        if row["grade"] not in GRADES:
            problems.append(f"{row['id']}: grade {row['grade']!r} is not one of {sorted(GRADES)}")
        if row["id"] in seen:
            problems.append(f"{row['id']}: used twice")
        seen[row["id"]] = row
    assert not problems, "\n".join(problems)


def test_ids_the_code_relies_on_keep_their_meaning():
    """sim/verdict/uplift.py judges uplift against B13, B14, B16 and B18; the rows must still
    say what the code assumes."""
    rows = {row["id"]: row for row in source_rows()}
    expect = {
        "B13": ("win-rate", "pipeline discipline", "+4 points"),
        "B14": ("sales-cycle", "−15%"),
        "B16": ("retention", "+3 GRR points"),
        "B17": ("15–28%", "ceilings"),
        "B18": ("net-new ARR", "≈25%"),
    }
    for row_id, words in expect.items():
        text = " ".join(v for k, v in rows[row_id].items() if k != "_header")
        for word in words:
            assert word in text, f"{row_id} no longer mentions {word!r}: {text}"


def test_uplift_bands_cite_rows_that_exist():
    """Every band in sim.verdict.uplift.UPLIFT_BANDS names a row of SOURCES.md."""
    from sim.verdict.uplift import UPLIFT_BANDS

    ids = source_ids()
    assert {band.source for band in UPLIFT_BANDS.values()} <= ids


def test_cross_references_inside_sources_md_exist():
    """An id cited in brackets anywhere in SOURCES.md is a row of it."""
    ids = source_ids()
    cited = set(CITED_ID.findall(SOURCES_MD.read_text(encoding="utf-8")))
    assert cited <= ids, f"cited but not listed: {sorted(cited - ids)}"


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_source_cites_a_row_or_says_judgment(preset):
    """Each `sources:` text cites at least one existing row id or says judgment (and every id it
    cites exists); ids in the description exist too."""
    data = yaml.safe_load(preset.read_text(encoding="utf-8"))
    ids = source_ids()
    sources = data["sources"]
    assert len(sources) >= 50
    problems = []
    for path, text in sources.items():
        cited = CITED_ID.findall(text)
        unknown = [c for c in cited if c not in ids]
        if unknown:
            problems.append(f"{path}: unknown ids {unknown}: {text}")
        elif not cited and "judgment" not in text.lower():
            problems.append(f"{path}: neither a row id nor judgment: {text}")
    unknown = [c for c in CITED_ID.findall(data.get("description", "")) if c not in ids]
    if unknown:
        problems.append(f"description: unknown ids {unknown}")
    assert not problems, "\n".join(problems)


def _tracked_text_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    files = []
    for name in out.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        blob = path.read_bytes()
        if b"\0" in blob:
            continue
        try:
            blob.decode("utf-8")
        except UnicodeDecodeError:
            continue
        files.append(path)
    return files


def test_no_file_points_at_documents_outside_the_project():
    """No tracked text file names the outside specification, benchmark or digest documents or
    the shared folder they live in."""
    files = _tracked_text_files()
    assert len(files) > 50
    hits = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if rel in KNOWN_OFFENDERS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = [f for f in FORBIDDEN if f in line]
            if found:
                hits.append(f"{rel}:{n}: {found}: {line.strip()[:120]}")
    assert not hits, "references to documents outside the project:\n" + "\n".join(hits)


def test_the_forbidden_names_are_not_spelled_out_in_this_file():
    """The check above cannot trip on itself: its own text never contains a forbidden name."""
    own = Path(__file__).read_text(encoding="utf-8")
    assert not [f for f in FORBIDDEN if f in own]
