"""The benchmark script's pure helpers (benchmarks/benchlib.py): verdicts, formatting, merging.

Nothing timed is tested here: the benchmark itself reports, it does not assert.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "benchlib.py"
_spec = importlib.util.spec_from_file_location("benchlib", _PATH)
benchlib = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("benchlib", benchlib)  # dataclasses look their module up there
_spec.loader.exec_module(benchlib)

Row = benchlib.Row


@pytest.mark.parametrize("value, budget, expected", [
    (59.9, 60.0, "PASS"),
    (60.0, 60.0, "PASS"),        # the budget itself passes ("≤")
    (60.01, 60.0, "MISS"),
    (0.0, 1.0, "PASS"),
    (5.0, None, "—"),            # informative figure
    (None, 60.0, "ERROR"),       # measurement failed
    (math.nan, 60.0, "ERROR"),
    (None, None, "ERROR"),
])
def test_verdict(value, budget, expected):
    assert benchlib.verdict(value, budget) == expected
    assert Row("s", "x", value, "s", budget).status == expected


def test_budgets_are_those_of_the_design():
    b = benchlib.BUDGETS
    assert b["chapter_seconds"] == 15        # issue 24 (the design's 60 s, tightened)
    assert b["cold_build_seconds"] == 90     # issue 24 (the design's 300 s, tightened)
    assert b["page_bytes"] == 1.5e6
    assert b["mlp_ratio"] == 1.0
    assert b["playground_seconds"] == 1.0
    assert b["playground_redraw_seconds"] == 0.1  # issue 23: at least 10 redraws a second
    assert b["first_visit_gzip_bytes"] == 2e6  # issue 21
    assert b["first_widget_seconds"] == 1.0    # issue 21


def test_render_log_rows_name_each_player_and_its_cost():
    log = [{"name": "step 0 … step 60", "frames": 16, "median_ms": 12.5, "setup_ms": 30.2,
            "bytes": 230_000, "width": 604, "height": 208}, {"name": "", "frames": 2,
            "median_ms": 3.0, "setup_ms": 1.0, "bytes": 999, "width": 10, "height": 10,
            "pixel_ratio": 2, "panels": 2}]
    rows = benchlib.render_log_rows("01_regression", log)
    assert [r.item for r in rows] == ["01_regression #1: step 0 … step 60", "01_regression #2: player 2"]
    assert rows[0].value == 12.5 and rows[0].unit == "ms" and rows[0].status == "—"
    assert rows[0].note == "16 frames, 230.00 kB, 604×208 px, setup 30 ms"
    assert rows[1].note == "2 frames, 999 B, 10×10 px @2x in 2 panels, setup 1 ms"
    assert benchlib.format_value(12.54, "ms") == "12.5 ms"


def test_baseline_rows_keep_only_execution_times():
    previous = {"sections": {"chapters": {"rows": [
        {"item": "01.ipynb: execution time", "value": 18.6, "unit": "s", "note": ""},
        {"item": "01.ipynb: kernel peak memory (RSS)", "value": 5e8, "unit": "B"}]}}}
    rows = benchlib.baseline_rows(previous, "f419891")
    assert [(r.item, r.value, r.budget) for r in rows] == [
        ("01.ipynb: execution time (before: f419891)", 18.6, None)]


@pytest.mark.parametrize("n, text", [
    (0, "0 B"), (999, "999 B"), (1000, "1.00 kB"), (1_500_000, "1.50 MB"),
    (1_499_999, "1.50 MB"), (2.5e9, "2.50 GB"), (None, "n/a"),
])
def test_format_bytes(n, text):
    assert benchlib.format_bytes(n) == text


@pytest.mark.parametrize("value, unit, text", [
    (0.4567, "s", "0.457 s"), (12.34, "s", "12.3 s"), (0.33333, "×", "0.33×"),
    (0.965, "%", "96.5 %"), (1.5e6, "B", "1.50 MB"), (None, "s", "n/a"),
    (math.nan, "s", "n/a"), (3, "", "3"),
])
def test_format_value(value, unit, text):
    assert benchlib.format_value(value, unit) == text


def test_format_budget():
    assert benchlib.format_budget(None, "s") == "—"
    assert benchlib.format_budget(60.0, "s") == "≤ 60.0 s"
    assert benchlib.format_budget(1.5e6, "B") == "≤ 1.50 MB"
    assert benchlib.format_budget(1.0, "×") == "≤ 1.00×"


def test_markdown_table_escapes_pipes_and_newlines():
    table = benchlib.markdown_table(["a", "b"], [["x|y", "line\nbreak"]])
    lines = table.splitlines()
    assert lines == ["| a | b |", "| --- | --- |", "| x\\|y | line break |"]


def test_markdown_table_rejects_ragged_rows():
    with pytest.raises(ValueError, match="2 cells"):
        benchlib.markdown_table(["a", "b", "c"], [["1", "2"]])


def test_rows_table_shows_figure_budget_and_verdict():
    rows = [Row("chapters", "01.ipynb: execution time", 12.0, "s", 60.0),
            Row("chapters", "02.ipynb: execution time", 75.0, "s", 60.0, "slow"),
            Row("pages", "whole site", 3e6, "B", None)]
    lines = benchlib.rows_table(rows).splitlines()
    assert lines[2] == "| 01.ipynb: execution time | 12.0 s | ≤ 60.0 s | PASS |  |"
    assert lines[3] == "| 02.ipynb: execution time | 75.0 s | ≤ 60.0 s | **MISS** | slow |"
    assert lines[4] == "| whole site | 3.00 MB | — | — |  |"


def test_summarize_counts_verdicts():
    rows = [Row("a", "1", 1, "s", 2), Row("a", "2", 3, "s", 2), Row("a", "3", None, "s", 2),
            Row("a", "4", 1, "s", None), Row("a", "5", 1, "s", 2)]
    assert benchlib.summarize(rows) == {"PASS": 2, "MISS": 1, "ERROR": 1, "—": 1}


def test_parse_sections():
    everything = list(benchlib.SECTIONS)
    assert benchlib.parse_sections(None, quick=False) == everything
    assert "install" not in benchlib.parse_sections(None, quick=True)
    assert "build" not in benchlib.parse_sections(None, quick=True)
    assert "chapters" in benchlib.parse_sections(None, quick=True)
    # --only keeps the table's order, whatever the order given
    assert benchlib.parse_sections(["mlp", "chapters"], quick=False) == ["chapters", "mlp"]
    assert benchlib.parse_sections(["install"], quick=True) == []
    with pytest.raises(ValueError, match="unknown section"):
        benchlib.parse_sections(["speed"], quick=False)


def _section(value):
    return {"measured": "today", "seconds": 1.0, "notes": [],
            "rows": [benchlib.row_to_dict(Row("x", "y", value, "s", 1.0))]}


def test_merge_results_keeps_sections_not_measured_now():
    previous = {"sections": {"mlp": _section(0.5), "chapters": _section(10.0)}}
    current = {"machine": {}, "sections": {"mlp": _section(0.7)}}
    merged = benchlib.merge_results(previous, current)
    assert list(merged["sections"]) == ["chapters", "mlp"]  # table order
    assert merged["sections"]["mlp"]["rows"][0]["value"] == 0.7
    assert merged["sections"]["chapters"]["rows"][0]["value"] == 10.0
    assert benchlib.merge_results(None, current)["sections"].keys() == {"mlp"}


def test_row_round_trip_recomputes_the_verdict():
    row = Row("pages", "p.html", 2e6, "B", 1.5e6, "heavy")
    again = benchlib.row_from_dict(benchlib.row_to_dict(row))
    assert again == row and again.status == "MISS"


def test_render_has_machine_summary_and_sections():
    results = {"command": "python benchmarks/run.py", "seconds": 12.0,
               "machine": {"CPU": "Some CPU", "cores": "2"},
               "notes": ["machine shared"],
               "sections": {"chapters": _section(0.5), "mlp": _section(2.0)}}
    text = benchlib.render(results)
    assert text.startswith("# Benchmarks")
    assert "| CPU | Some CPU |" in text
    assert "1 PASS, 1 MISS, 0 ERROR" in text
    assert "* machine shared" in text
    assert text.index("## Summary") < text.index("## Machine") < text.index("## Chapters")
    assert "**MISS**" in text
