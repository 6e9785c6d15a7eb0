"""Mock interview runs on the Progress page: one bar per run with its figures, following the
scope, opening the run when clicked, and read from a real history through wire_progress."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget

from tests.export.interviews import make_interview
from voicecoach.app.export import take_report
from voicecoach.progress import fmt_run, run_point, take_point
from voicecoach.store.history import History
from voicecoach.store.interviews import InterviewStore
from voicecoach.ui.progress_view import ProgressView, RunsChart
from voicecoach.ui.style import current_theme


@pytest.fixture
def history_points(tmp_path):
    """The run's takes as points and the run as a point, and a copy of it a week later."""
    from datetime import timedelta

    paths, run, _ids = make_interview(tmp_path / "data")
    with History(paths.db_path) as h:
        points = [take_point(r, take_report(r), "") for r in h.list_figures()]
        rp = run_point(InterviewStore(h).get(run).record, {p.take_id: p for p in points})
    later = replace(rp, run_id=run + 1, created_at=rp.created_at + timedelta(days=7))
    return points, [rp, later]


@pytest.fixture
def view(qtbot, themed):
    v = ProgressView()
    qtbot.addWidget(v)
    v.resize(1100, 900)
    v.show()
    return v


def test_runs_are_drawn_with_their_figures(view, history_points):
    """Each run is a row: its answers end to end, bars in the accent colour, its figures
    written under it; without runs the section is hidden."""
    points, runs = history_points
    view.set_points(points)
    chart = view.findChild(RunsChart, "progressRuns")
    assert not chart.isVisible() and not view.findChild(QLabel, "progressRunsTitle").isVisible()
    view.set_points(points, {}, runs)
    assert chart.isVisible() and [r.run_id for r in chart.rows()] == [r.run_id for r in runs]
    assert fmt_run(runs[0]) in chart.accessibleName()
    view.scroll.ensureWidgetVisible(chart)
    img = chart.grab().toImage()
    y = chart.BAR_H // 2
    want = current_theme().color("accent")
    row = [img.pixelColor(x, y) for x in range(chart.LEFT + 2, chart.width() - chart.RIGHT)]
    near = [c for c in row if abs(c.red() - want.red()) + abs(c.green() - want.green()) < 20]
    assert len(near) > 100  # the first run's answers are painted


def test_runs_follow_the_scope_and_open_when_clicked(qtbot, view, history_points):
    """A pack the run is not in hides it; a click on a run asks for that run."""
    points, runs = history_points
    drills = [replace(p, pack="drills", take_id=p.take_id + 100) for p in points]
    view.set_points(points + drills, {}, runs)
    scope = view.findChild(QWidget, "progressScope")
    scope.setCurrentIndex(scope.findText("Pack: drills (3)"))
    assert not view.runs.isVisible()
    scope.setCurrentIndex(scope.findText("Pack: core_senior (3)"))
    assert view.runs.isVisible() and len(view.runs.rows()) == 2
    chart = view.runs
    view.scroll.ensureWidgetVisible(chart)
    y = chart._row_h() + chart.BAR_H // 2  # the second row
    with qtbot.waitSignal(view.runOpenRequested, timeout=1000) as sig:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(chart.width() // 2, y))
    assert sig.args == [runs[1].run_id]


def test_window_progress_page_reads_runs_from_history(qtbot, themed, tmp_path):
    """wire_progress reads the interview runs of the real history beside the takes."""
    from PySide6.QtCore import QObject, Signal

    from voicecoach.app.progress import wire_progress
    from voicecoach.packs import load_packs
    from voicecoach.ui.main_window import MainWindow

    class Runs(QObject):  # the app's library of runs
        runsChanged = Signal(object)

        def __init__(self):
            super().__init__()
            self.opened: list[int] = []

        def open_run(self, run_id):
            self.opened.append(run_id)

    class FakeSession(QObject):
        historyChanged = Signal(object)

        def __init__(self, history):
            super().__init__()
            self.history = history
            self.packs = load_packs()
            self.interviews = Runs()

        def pack_titles(self):
            return {}

        def open_take(self, _take_id):
            pass

    paths, run, _ids = make_interview(tmp_path / "data", finished=False)
    with History(paths.db_path) as h:
        session = FakeSession(h)
        w = MainWindow()
        qtbot.addWidget(w)
        wire_progress(session, w)
        w.show()
        w.page_actions["progress"].trigger()
        assert w.progress.scope.itemText(0) == "All takes (3)"  # no follow-up among them
        assert w.progress.runs.rows() == ()  # still running: no summary, no point yet
        from tests.export.interviews import answers, plan
        from voicecoach.interview import summarise

        InterviewStore(h).finish(run, summarise(plan(), answers()).to_json())
        session.interviews.runsChanged.emit([])  # the library says the runs changed
        assert [r.run_id for r in w.progress.runs.rows()] == [run]
        w.progress.runOpenRequested.emit(run)
        assert session.interviews.opened == [run]


def test_a_runs_answers_are_rings_among_the_takes_dots(view, history_points):
    """Protects: interview runs appear as points on the trends too: each main answer of a run
    is a hollow ring, a single take a filled dot (read from the painted pixels)."""
    from datetime import timedelta

    points, runs = history_points
    assert set(runs[0].answer_take_ids) == {p.take_id for p in points}
    singles = [
        replace(p, take_id=p.take_id + 100, created_at=p.created_at - timedelta(days=9))
        for p in points
    ]
    view.set_points(singles + points, {}, runs[:1])
    chart = view.charts["pace"]
    img = chart.grab().toImage()
    theme = current_theme()

    def colour_at(take_id: int):
        c = chart.point_of(take_id)
        return img.pixelColor(round(c.x()), round(c.y()))

    def near(a, b) -> bool:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40

    oldest = min(points, key=lambda p: p.created_at)  # the newest is drawn as "latest"
    ring, dot = oldest.take_id, singles[0].take_id
    assert near(colour_at(ring), theme.color("surface"))  # hollow
    assert near(colour_at(dot), theme.color("accent"))  # filled
    assert "ring" in view.runs_note.text()


def test_runs_note_speaks_of_rings_only_while_the_charts_are_shown(view, history_points):
    """Protects: a topic with fewer than three takes hides the charts, and the note under the
    runs no longer sends the user to "the charts above" that are not there."""
    points, runs = history_points
    name = runs[0].topics[0]  # one take on a topic the run answered
    view.set_points([replace(points[0], topic=name), *points[1:]], {}, runs)
    assert "charts above" in view.runs_note.text()
    scope = view.findChild(QWidget, "progressScope")
    scope.setCurrentIndex(scope.findText(f"Topic: {name} (1)"))
    assert view.scope_few.isVisible() and view.runs.isVisible()
    assert "charts above" not in view.runs_note.text() and "ring" not in view.runs_note.text()
    assert "Follow-ups are not in the trends" in view.runs_note.text()
    scope.setCurrentIndex(0)
    assert "ring among the takes' dots" in view.runs_note.text()
