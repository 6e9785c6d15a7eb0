"""The interview summary's Missed column lists the checks by their short names, so a long list
fits (the newcomer saw it cut off after four lines at 'Contrast ("but", …'); the full labels
are in its tooltip. The text summary and the exported page's list use the same short names."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from tests.export.interviews import answers, plan
from voicecoach.export.interview import RunInfo, interview_html
from voicecoach.interview import format_summary, summarise
from voicecoach.report import CHECK_LABELS, check_label, check_short_name
from voicecoach.settings import Settings

ALL = tuple(CHECK_LABELS)  # every content check missed


@pytest.fixture
def summary():
    """The three-question run, the first answer missing every check and its Result."""
    s = summarise(plan(), answers(), Settings())
    first = s.rows[0]
    assert first.figures is not None
    first = replace(
        first, figures=replace(first.figures, failed_checks=ALL), missing_sections=("result",)
    )
    return replace(s, rows=(first, *s.rows[1:]))


def test_missed_column_uses_short_names_and_shows_them_all(summary_view, summary, tmp_path):
    view = summary_view(summary)
    table = view.table
    item = table.item(0, 7)
    short = [check_short_name(c) for c in ALL]
    assert item.text() == ", ".join([*short, "no Result"])
    assert "(" not in item.text() and "…" not in item.text()
    for c in ALL:  # the full label of each, in the tooltip
        assert check_label(c) in item.toolTip()
    # every word in view: the wrapped text fits the row at the column's width
    fm = QFontMetrics(table.font())
    width = table.columnWidth(7)
    need = fm.boundingRect(QRect(0, 0, width - 10, 10_000), Qt.TextFlag.TextWordWrap, item.text())
    assert need.height() <= table.rowHeight(0)
    view.grab().save(str(tmp_path / "summary.png"))


def test_text_summary_and_export_list_missed_checks_by_short_name(summary):
    text = format_summary(summary)
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("not yet:"))
    assert line.strip() == "not yet: " + ", ".join(check_short_name(c) for c in ALL)
    # the page without the answers' reports lists the names alone, short
    html = interview_html(summary, [], RunInfo())
    assert "Not yet: " + ", ".join(check_short_name(c) for c in ALL) in html
