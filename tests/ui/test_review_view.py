"""ReviewView and PlaybackBar: composition, play-from requests, position and speed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from voicecoach.ui.review_view import ReviewView


@pytest.fixture
def review(qtbot, themed, report, question):
    w = ReviewView()
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.set_report(report, question, "Take 1")
    w.show()
    qtbot.waitExposed(w)
    return w


def test_shows_question_and_sections(review, report, question):
    """The review names the question and hands the sections to the timeline."""
    assert review.findChild(QLabel, "reviewQuestion").text() == question.prompt
    assert review.timeline.section_rect("result") is not None


def test_word_click_becomes_play_from(qtbot, review, report):
    """Clicking a word in the transcript asks the session to play from that word."""
    i = 12
    with qtbot.waitSignal(review.playFromRequested, timeout=1000) as sig:
        qtbot.mouseClick(
            review.transcript.viewport(),
            Qt.MouseButton.LeftButton,
            pos=review.transcript.word_center(i),
        )
    assert sig.args == [pytest.approx(report.transcript.words[i].start_s)]


def test_position_moves_time_label_and_highlight(review, report):
    """set_position updates the clock and the highlighted word together."""
    w = report.transcript.words[100]
    review.set_position(w.start_s + 0.01)
    assert review.findChild(QLabel, "timeLabel").text().startswith("1:") or w.start_s < 60
    assert review.transcript.current_word() == 100


def test_speed_selector_emits_speed(qtbot, review):
    """Choosing 1.5× asks for 1.5× playback."""
    combo = review.findChild(QComboBox, "speedCombo")
    with qtbot.waitSignal(review.playback.speedChanged, timeout=1000) as sig:
        combo.setCurrentIndex(combo.findData(1.5))
    assert sig.args == [1.5]


def test_a_new_review_opens_at_the_top_with_no_section_picked(qtbot, review, report, question):
    """The previous review's scroll position and keyboard-picked section do not carry over."""
    from PySide6.QtWidgets import QScrollArea

    review.resize(1000, 520)  # short: the figures column scrolls
    review.show()
    review.activateWindow()
    qtbot.waitExposed(review)
    bar = review.findChild(QScrollArea, "reviewFiguresScroll").verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    review.timeline.setFocus()
    qtbot.waitUntil(review.timeline.hasFocus)
    qtbot.keyClick(review.timeline, Qt.Key.Key_Right)
    picked = []
    review.timeline.sectionClicked.connect(picked.append)

    review.set_report(report, question, "a new take")
    assert bar.value() == 0
    assert not review.timeline.hasFocus()  # no ring drawn around a section
    review.timeline.setFocus()
    qtbot.keyClick(review.timeline, Qt.Key.Key_Return)
    assert picked == [report.sections[0].name]  # the keyboard starts from the first again
