"""The Progress page: explains itself until there are three takes, then draws the trends and
one question's ladder, and opens a take clicked in the ladder."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget

from voicecoach.progress import take_point
from voicecoach.ui.progress_view import ProgressView, TrendChart

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _points(report, n: int, qids=("q1", "q1", "q2")):
    out = []
    for i in range(n):
        qid = qids[i % len(qids)]
        rec = SimpleNamespace(
            id=i + 1,
            created_at=T0 + timedelta(days=i),
            question_id=qid,
            question_text=f"Question {qid}",
            pack="core" if qid == "q1" else "drills",
        )
        r = replace(report, pace_wpm=170.0 - 5 * i, fillers=report.fillers[: 9 - i])
        out.append(take_point(rec, r, "Conflict"))
    return out


@pytest.fixture
def view(qtbot, themed):
    v = ProgressView()
    qtbot.addWidget(v)
    v.resize(1100, 900)
    v.show()
    return v


def test_fewer_than_three_takes_explains_what_will_appear(view, report):
    """With two takes the page says what it will show instead of drawing empty charts."""
    view.set_points(_points(report, 2))
    empty = view.findChild(QLabel, "progressEmpty")
    assert empty.isVisible() and "three analysed takes (you have 2 so far)" in empty.text()
    assert not view.findChild(TrendChart, "trend_pace").isVisible()


def test_trends_and_question_summary(view, report):
    """Each chart's latest figure is the newest take's; the question's first/best/latest
    columns are filled from the same points; a scope narrows the charts."""
    pts = _points(report, 6)
    view.set_points(pts, {"core": "Core"})
    assert not view.findChild(QLabel, "progressEmpty").isVisible()
    pace = view.findChild(TrendChart, "trend_pace")
    assert pace.isVisible() and pace.latest_text() == f"{pts[-1].pace_wpm} wpm"
    assert view.findChild(TrendChart, "trend_checks").latest_text() == "5 of 7"
    # q1 is most practised: its takes are 1, 2, 4, 5
    assert view.question.currentData() == "q1"
    assert view.summary_text("pace", "first") == "170 wpm"
    assert view.summary_text("pace", "latest") == "150 wpm"
    assert [t.take_id for t in view.ladder.rows()] == [1, 2, 4, 5]
    scope = view.findChild(QWidget, "progressScope")
    scope.setCurrentIndex(scope.findText("Pack: drills (2)"))
    assert pace.latest_text() == f"{pts[5].pace_wpm} wpm"
    assert view.question.currentData() == "q2"


def test_clicking_a_ladder_row_opens_that_take(qtbot, view, report):
    """A click on a take's bar asks for its review."""
    view.set_points(_points(report, 6))
    ladder = view.ladder
    view.scroll.ensureWidgetVisible(ladder)
    y = int(ladder._row_top(1) + ladder.ROW_H / 2)
    with qtbot.waitSignal(view.openRequested, timeout=1000) as sig:
        qtbot.mouseClick(ladder, Qt.MouseButton.LeftButton, pos=QPoint(ladder.width() // 2, y))
    assert sig.args == [2]


def test_refresh_keeps_the_chosen_question(view, report):
    """A new take does not throw away the question being looked at."""
    view.set_points(_points(report, 6))
    view.question.setCurrentIndex(view.question.findData("q2"))
    view.set_points(_points(report, 7))
    assert view.question.currentData() == "q2"


def test_dark_theme_repaints_in_dark_colours(view, report, qapp):
    """The charts read the theme when they paint: after switching, the card is dark."""
    from voicecoach.ui.style import apply_theme, retheme

    view.set_points(_points(report, 6))
    chart = view.findChild(TrendChart, "trend_fillers")
    light = chart.grab().toImage().pixelColor(20, 60).lightness()
    apply_theme(qapp, "dark")
    try:
        retheme(view)
        dark = chart.grab().toImage().pixelColor(20, 60).lightness()
    finally:
        apply_theme(qapp, "light")
    assert light > 200 and dark < 80


def test_window_has_a_progress_page_filled_when_shown(qtbot, themed, tmp_path):
    """Progress sits beside History (Ctrl+4) and reads the history when it is first shown."""
    from PySide6.QtCore import QObject, Signal

    from tests.export.takes import make_history
    from voicecoach.app.progress import wire_progress
    from voicecoach.packs import load_packs
    from voicecoach.store.history import History
    from voicecoach.ui.main_window import MainWindow

    class FakeSession(QObject):
        historyChanged = Signal(object)

        def __init__(self, history):
            super().__init__()
            self.history = history
            self.packs = load_packs()
            self.opened: list[int] = []

        def pack_titles(self):
            return {}

        def open_take(self, take_id):
            self.opened.append(take_id)

    paths, _ids = make_history(tmp_path, 3)
    with History(paths.db_path) as h:
        session = FakeSession(h)
        w = MainWindow()
        qtbot.addWidget(w)
        ctl = wire_progress(session, w)
        w.show()
        assert w.findChild(QWidget, "nav_progress") is not None
        assert not ctl.active and w.progress.scope.count() == 0
        w.page_actions["progress"].trigger()
        assert w.current_page() == "progress" and ctl.active
        assert w.progress.scope.itemText(0) == "All takes (3)"
        w.progress.openRequested.emit(2)
        assert session.opened == [2]


def test_a_scope_with_fewer_than_three_takes_explains_instead_of_drawing(view, report):
    """Protects: a pack with one take shows a note, not six charts of a single dot; its take
    is still listed below, and going back to all takes brings the charts back."""
    pts = _points(report, 6, qids=("q1", "q1", "q1", "q1", "q1", "q2"))
    view.set_points(pts, {"core": "Core", "drills": "Drills"})
    few = view.findChild(QLabel, "progressScopeFew")
    trends = view.findChild(QWidget, "progressTrends")
    assert trends.isVisible() and not few.isVisible()
    drills = next(i for i in range(view.scope.count()) if "Drills" in view.scope.itemText(i))
    view.scope.setCurrentIndex(drills)
    assert not trends.isVisible()
    assert few.isVisible() and "third analysed take (you have 1 so far)" in few.text()
    assert "this pack" in few.text()
    assert view.question.count() == 1 and view.ladder.rows()
    view.scope.setCurrentIndex(0)
    assert trends.isVisible() and not few.isVisible()


def test_wheel_over_the_question_box_scrolls_the_page_not_the_choice(qtbot, view, report):
    """A wheel turn over the unfocused "One question" box leaves its choice and scrolls."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea

    view.resize(1100, 500)  # short enough that the page scrolls
    view.set_points(_points(report, 6))
    box = view.findChild(QComboBox, "progressQuestion")
    bar = view.findChild(QScrollArea, "progressScroll").verticalScrollBar()
    assert box.count() >= 2 and bar.maximum() > 0
    box.setCurrentIndex(1)
    bar.setValue(bar.maximum())  # the box is in view
    qtbot.waitUntil(box.isVisible)
    before = bar.value()
    pos = QPointF(box.rect().center())
    ev = QWheelEvent(
        pos,
        QPointF(box.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120),  # one notch up: the page should move up
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(box, ev)
    assert box.currentIndex() == 1
    assert bar.value() < before


def test_first_layout_pass_never_squeezes_the_charts(qtbot, themed, report):
    """Protects: the page was laid out once without the question's figure table (its labels,
    new on a shown page, only appeared an event later), so the first frame drew the six charts
    squeezed over each other; the table now counts from the first pass."""
    v = ProgressView()
    qtbot.addWidget(v)
    v.resize(1100, 600)  # short: the page scrolls, so its body must grow to fit the table
    v.show()
    v.set_points([])
    qtbot.waitExposed(v)
    v.set_points(_points(report, 9))
    body = v.scroll.widget()
    assert body.minimumSizeHint().height() > v.scroll.viewport().height()
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # one pass: what the first frame is painted from
    assert v.trends.height() >= v.trends.minimumSizeHint().height()
    assert body.height() >= body.minimumSizeHint().height()
