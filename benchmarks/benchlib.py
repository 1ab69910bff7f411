"""Pure helpers of the benchmark script: budgets, verdicts, formatting, the results file.

Nothing here measures anything, so all of it is unit-tested (tests/test_benchmarks.py).
A measurement is a :class:`Row`: a figure, its unit, an optional budget, and the
verdict (PASS / MISS / ERROR, or "—" when the figure has no budget).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

PASS, MISS, ERROR, NO_BUDGET = "PASS", "MISS", "ERROR", "—"

# The budgets of DESIGN.md ("Budgets"), on a 2-core CPU.
BUDGETS = {
    "chapter_seconds": 15.0,         # any one chapter, executed (issue 24; was 60)
    "cold_build_seconds": 90.0,      # all chapters executed + HTML build, cold (issue 24; was 300)
    "page_bytes": 1.5e6,             # any built page with its widget state
    "mlp_ratio": 1.0,                # nbcode MLP time / scikit-learn MLPClassifier time
    "playground_seconds": 1.0,       # a whole run at once + its picture, in the playground
    "playground_redraw_seconds": 0.1,  # between two redraws of a live play (10 a second, issue 23)
    "first_visit_gzip_bytes": 2e6,   # a chapter page's first visit, everything it loads, gzip
    "first_widget_seconds": 1.0,     # navigation -> first widget rendered (localhost, median of 3)
    "french_ratio": 1.1,             # a chapter's French execution / its English one (issue 20:
                                     # "no more than", plus 10 % for the noise of one run each)
}

SECTIONS = ("chapters", "frames", "french", "build", "pages", "web", "mlp", "playground", "install")


@dataclass
class Row:
    """One line of the results table.

    ``value`` is None when the measurement failed (``note`` says why); ``budget`` is
    None when the figure is informative only. The verdict is computed, never given.
    """

    section: str
    item: str
    value: float | None
    unit: str
    budget: float | None = None
    note: str = ""
    status: str = field(default="", init=False)

    def __post_init__(self):
        self.status = verdict(self.value, self.budget)


def verdict(value: float | None, budget: float | None) -> str:
    """PASS when ``value <= budget``; MISS above it; ERROR when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ERROR
    if budget is None:
        return NO_BUDGET
    return PASS if value <= budget else MISS


def format_bytes(n: float | None) -> str:
    """Bytes in decimal units: ``1_500_000 -> '1.50 MB'``, ``999 -> '999 B'``."""
    if n is None:
        return "n/a"
    n = float(n)
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n:.0f} B"


def format_value(value: float | None, unit: str) -> str:
    """A figure with its unit, three significant digits where it matters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "B":
        return format_bytes(value)
    if unit == "s":
        return f"{value:.3f} s" if abs(value) < 10 else f"{value:.1f} s"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "%":
        return f"{100 * value:.1f} %"
    if unit == "":
        return f"{value:g}"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.3g} {unit}"


def format_budget(budget: float | None, unit: str) -> str:
    return NO_BUDGET if budget is None else "≤ " + format_value(budget, unit)


def _cell(text) -> str:
    """Markdown table cell: no pipes or newlines may break the row."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row {row!r} has {len(row)} cells; the header has {len(header)}.")
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines)


def rows_table(rows: list[Row]) -> str:
    """The results table of one section."""
    return markdown_table(
        ["what", "measured", "budget", "verdict", "notes"],
        [[r.item, format_value(r.value, r.unit), format_budget(r.budget, r.unit),
          f"**{r.status}**" if r.status in (MISS, ERROR) else r.status, r.note] for r in rows])


def summarize(rows: list[Row]) -> dict[str, int]:
    """How many rows have each verdict."""
    counts = {PASS: 0, MISS: 0, ERROR: 0, NO_BUDGET: 0}
    for row in rows:
        counts[row.status] += 1
    return counts


def parse_sections(only: list[str] | None, quick: bool) -> list[str]:
    """Sections to run, in the table's order. ``--quick`` drops the install and the cold build."""
    chosen = list(SECTIONS)
    if only:
        unknown = [s for s in only if s not in SECTIONS]
        if unknown:
            raise ValueError(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}.")
        chosen = [s for s in SECTIONS if s in only]
    if quick:
        chosen = [s for s in chosen if s not in ("install", "build")]
    return chosen


def render_log_rows(chapter: str, log: list[dict]) -> list[Row]:
    """Rows of the frames section from one chapter's ``nbcode.frames.render_log()``.

    One row per player: the median milliseconds per frame (update, draw, encode), with its
    frame count, bytes and size in the note (CSS pixels, and "@2x" when a frame has two
    pixels per CSS pixel; "in 3 panels" when its axes are cut into panels that wrap on
    a phone, nbcode.frames.panel_cuts).
    """
    rows = []
    for k, entry in enumerate(log, 1):
        name = entry.get("name") or f"player {k}"
        note = (f"{entry['frames']} frames, {format_bytes(entry['bytes'])}, "
                f"{entry['width']}×{entry['height']} px"
                + (f" @{entry['pixel_ratio']}x" if entry.get("pixel_ratio", 1) != 1 else "")
                + (f" in {entry['panels']} panels" if entry.get("panels", 1) > 1 else "")
                + f", setup {entry['setup_ms']:.0f} ms")
        rows.append(Row("frames", f"{chapter} #{k}: {name}", entry["median_ms"], "ms", None,
                        note))
    return rows


def baseline_rows(previous: dict, label: str) -> list[Row]:
    """The execution times of an earlier results.json, relabelled "… (before: label)"."""
    rows = []
    for d in previous.get("sections", {}).get("chapters", {}).get("rows", []):
        if "execution time" in d["item"]:
            rows.append(Row("chapters", f"{d['item']} (before: {label})", d["value"], d["unit"],
                            None, d.get("note", "")))
    return rows


def merge_results(previous: dict | None, current: dict) -> dict:
    """Sections measured now replace the same sections of an earlier run; others are kept."""
    sections = dict((previous or {}).get("sections", {}))
    sections.update(current["sections"])
    return {**current, "sections": {s: sections[s] for s in SECTIONS if s in sections}}


SECTION_TITLES = {
    "chapters": "Chapters executed one by one (nbclient, fresh kernel)",
    "frames": "Players' frames: cost per frame of every TrainingPlayer (frame pipeline)",
    "build": "Book build (jupyter-book, temporary copy, fresh cache)",
    "pages": "Page weight of the built site",
    "web": "First visit of each chapter page in Chromium: bytes transferred and time to first widget",
    "mlp": "nbcode's numpy MLP vs scikit-learn vs Keras/JAX",
    "playground": "Playground: live training and redraws in a kernel",
    "install": "Fresh install of requirements.txt (what Binder users wait for)",
}


def render(results: dict) -> str:
    """The whole RESULTS.md from the results dict (see ``run.py``)."""
    machine = results["machine"]
    out = ["# Benchmarks: the book's speed, weight and memory", "",
           "Written by `benchmarks/run.py` (`make bench`); do not edit by hand. Budgets from",
           "`DESIGN.md` (\"Budgets\"), for a 2-core CPU. A figure without a budget is informative.",
           "", "## Machine", "",
           markdown_table(["", ""], [[k, v] for k, v in machine.items()]), ""]
    all_rows = []
    for name, section in results["sections"].items():
        rows = [row_from_dict(r) for r in section["rows"]]
        all_rows += rows
        out += [f"## {SECTION_TITLES.get(name, name)}", "",
                f"Measured {section['measured']}, in {section['seconds']:.0f} s.", ""]
        out += [rows_table(rows), ""] if rows else ["(nothing measured)", ""]
        out += [f"* {note}" for note in section.get("notes", [])]
        if section.get("notes"):
            out.append("")
    counts = summarize(all_rows)
    out[out.index("## Machine"):out.index("## Machine")] = [
        "## Summary", "",
        f"{counts[PASS]} PASS, {counts[MISS]} MISS, {counts[ERROR]} ERROR "
        f"({counts[NO_BUDGET]} informative rows). Run: `{results.get('command', '')}`, "
        f"{results.get('seconds', 0):.0f} s in all.", ""]
    if results.get("notes"):
        idx = out.index("## Machine")
        out[idx:idx] = [f"* {n}" for n in results["notes"]] + [""]
    return "\n".join(out).rstrip() + "\n"


def row_to_dict(row: Row) -> dict:
    return asdict(row)


def row_from_dict(d: dict) -> Row:
    return Row(d["section"], d["item"], d["value"], d["unit"], d.get("budget"), d.get("note", ""))


def dumps(results: dict) -> str:
    return json.dumps(results, indent=1, ensure_ascii=False)
