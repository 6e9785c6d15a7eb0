"""The interview summary's question cells: a long question is wrapped between whole words and
ends in "…" (the full text in its tooltip), never cut off mid-word by a squeezed column."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtGui import QFontMetrics

from tests.export.interviews import answers, plan
from voicecoach.interview import summarise
from voicecoach.settings import Settings

LONG = (
    "Tell me about a time you had to persuade a sceptical senior stakeholder, who had already "
    "rejected the proposal twice in front of the leadership team, to fund an unglamorous "
    "reliability programme that would delay two of their own flagship features by a quarter."
)


@pytest.fixture
def summary():
    """The three-question run with a very long first question."""
    p = plan()
    items = list(p.items)
    items[0] = replace(items[0], question=replace(items[0].question, prompt=LONG))
    p = replace(p, items=tuple(items))
    done = [
        replace(a, prompt=LONG) if (a.position, a.kind) == (0, "answer") else a for a in answers()
    ]
    return summarise(p, done, Settings())


@pytest.mark.parametrize("width", [760, 1300])
def test_long_question_is_wrapped_by_words_and_ends_in_an_ellipsis(summary_view, summary, width):
    """Protects: a long question is shown as whole words ending in "…", in a readable column."""
    view = summary_view(summary, width, 600)
    table = view.table
    col_w = table.columnWidth(1)
    assert col_w >= 200, "the question column was squeezed to a few letters"

    lines = view.prompt_lines(0)
    assert 1 < len(lines) <= 3
    assert lines[-1].endswith("…")
    shown = " ".join(lines).removesuffix("…").split()
    assert shown == LONG.split()[: len(shown)], "a word was cut off"
    fm = QFontMetrics(table.font())
    assert all(fm.horizontalAdvance(ln) < col_w for ln in lines)
    # the row is as tall as the lines it shows, and the tooltip holds the whole question
    assert table.rowHeight(0) >= len(lines) * fm.lineSpacing()
    assert table.item(0, 1).toolTip().startswith(LONG)
    # a short question is shown whole, with no ellipsis
    short = view.prompt_lines(2)
    assert " ".join(short).split() == table.item(2, 1).text().split()
    assert not short[-1].endswith("…")


def test_a_word_wider_than_the_line_is_shortened_with_an_ellipsis(themed):
    """Protects: even one very long word is never cut without a "…"."""
    from PySide6.QtWidgets import QApplication

    from voicecoach.ui.interview_summary import prompt_lines

    fm = QFontMetrics(QApplication.font())
    lines = prompt_lines("Supercalifragilisticexpialidocious-ness matters", fm, 80, 3)
    assert lines[0].endswith("…")
    assert all(fm.horizontalAdvance(ln) <= 80 for ln in lines)


def test_a_follow_up_is_not_held_to_the_main_answers_checks(qtbot, themed, summary):
    """Protects: a short follow-up's row lists no missed STAR-answer checks (the text summary and
    the export do not either); the main answer's row still lists its own."""
    from voicecoach.ui.interview_summary import FOLLOW_UP_CHECKS, InterviewSummaryView

    view = InterviewSummaryView()
    qtbot.addWidget(view)
    view.set_summary(summary)
    table = view.table
    rows = [r for r in range(table.rowCount()) if "Follow-up" in table.item(r, 1).text()]
    assert rows, "the run has follow-ups"
    fu = next(row.follow_up for row in summary.rows if row.follow_up is not None)
    assert fu.figures is not None and fu.figures.failed_checks  # checks it would have "missed"
    for r in rows:
        assert table.item(r, 7).text() == "—"
        assert table.item(r, 7).toolTip() == FOLLOW_UP_CHECKS
    main = next(r for r in range(table.rowCount()) if r not in rows and table.item(r, 7).text())
    assert table.item(main, 7).text() not in ("", "—")


def test_missed_checks_are_seen_whole_without_scrolling_sideways(qtbot, summary_view, summary):
    """Protects: in the app's usual width the checks missed are wrapped in view, not cut off at
    the table's right edge behind a sideways scroll bar (a newcomer found them cut off)."""
    from PySide6.QtCore import QRect, Qt

    from voicecoach.ui.interview_summary import MISSED_MIN_W, PROMPT_MIN_W

    view = summary_view(summary)
    table = view.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=2000)
    assert table.columnWidth(1) >= PROMPT_MIN_W
    width = table.columnWidth(7)
    assert width >= MISSED_MIN_W
    fm = QFontMetrics(table.font())
    rows = [r for r in range(table.rowCount()) if table.item(r, 7).text() not in ("", "—")]
    assert rows
    for r in rows:
        text = table.item(r, 7).text()
        need = fm.boundingRect(QRect(0, 0, width - 10, 10_000), Qt.TextFlag.TextWordWrap, text)
        assert need.height() <= table.rowHeight(r), f"row {r}: checks missed cut off at the bottom"


def test_a_run_with_no_answer_shows_no_figures(qtbot, themed):
    """An interview ended before any answer read "speaking 0:00 · … · pace 0 wpm", as if a pace
    of 0 had been measured: it says there are no figures instead."""
    from voicecoach.ui.interview_summary import InterviewSummaryView

    view = InterviewSummaryView()
    qtbot.addWidget(view)
    empty = summarise(plan(), [], Settings())
    view.set_summary(empty)
    text = view.totals.text()
    assert text.startswith("Answered 0 of 3 questions")
    assert "no answer was recorded" in text
    assert "wpm" not in text and "0:00" not in text


def test_an_answer_with_no_words_has_no_pace(qtbot, themed):
    """A pace of 0 is no pace: the row and the totals say no words were heard."""
    from voicecoach.ui.interview_summary import InterviewSummaryView

    done = [
        replace(a, report=replace(a.report, pace_wpm=0, speech_s=0.0))
        for a in answers()
        if (a.position, a.kind) == (0, "answer")
    ]
    s = summarise(plan(), done, Settings())
    assert s.totals.pace_wpm == 0 and s.rows[0].figures.pace_wpm == 0
    view = InterviewSummaryView()
    qtbot.addWidget(view)
    view.set_summary(s)
    assert "0 wpm" not in view.totals.text() and "no pace (no words heard)" in view.totals.text()
    assert view.table.item(0, 6).text() == "—"
