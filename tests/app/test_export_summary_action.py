"""The interview summary's Export…: asks where (same formats as a review), writes, says so."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Signal  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from tests.export.interviews import make_interview  # noqa: E402
from voicecoach.app.export import REVIEW_FILTERS, ExportController  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.store.history import History  # noqa: E402


class Window(QWidget):
    exportReviewRequested = Signal()
    exportHistoryRequested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.notices: list[str] = []
        self.errors: list[str] = []

    def show_notice(self, text: str) -> None:
        self.notices.append(text)

    def show_error(self, text: str) -> None:
        self.errors.append(text)


@pytest.fixture
def setup(qtbot, tmp_path):
    paths, run, ids = make_interview(tmp_path / "data")
    history = History(paths.db_path)
    session = SimpleNamespace(
        history=history, settings=Settings(), pack_titles=lambda: {"core_senior": "Senior"}
    )
    window = Window()
    qtbot.addWidget(window)
    ctl = ExportController(session, window)
    asked: list[tuple[str, str, list[str]]] = []
    answers: list[tuple[str, str]] = []

    def ask(title, name, filters):
        asked.append((title, name, filters))
        return answers.pop(0)

    ctl.ask_path = ask
    yield ctl, window, run, asked, answers, tmp_path
    history.close()


def test_export_interview_as_page_with_recordings_inside(setup):
    """Choosing 'with the recording inside' writes one page holding all six recordings."""
    ctl, window, run, asked, answers, tmp = setup
    answers.append((str(tmp / "mine"), "Web page with the recording inside (*.html)"))
    ctl.export_interview(run)
    assert asked[0][1] == f"voicecoach-interview-{run}.html"
    assert asked[0][2] == list(REVIEW_FILTERS)
    page = (tmp / "mine.html").read_text(encoding="utf-8")
    assert page.count("data:audio/wav;base64,") == 6 and "pack Senior" in page
    assert window.notices == [f"Exported to {tmp / 'mine.html'}."] and not window.errors


def test_export_interview_as_pdf_and_cancel(setup):
    """PDF is chosen by its filter; cancelling the dialog writes nothing and says nothing."""
    ctl, window, run, _asked, answers, tmp = setup
    answers += [(str(tmp / "run"), "PDF document (*.pdf)"), ("", "")]
    ctl.export_interview(run)
    assert (tmp / "run.pdf").read_bytes().startswith(b"%PDF")
    ctl.export_interview(run)
    assert len(window.notices) == 1 and ctl.last_written == tmp / "run.pdf"


def test_export_errors_are_shown_not_raised(setup):
    """A deleted run or an unwritable place is an error message; no run at all is a notice."""
    ctl, window, run, _asked, answers, tmp = setup
    answers += [(str(tmp / "x.html"), "Web page (*.html)")]
    ctl.export_interview(run + 5)
    assert window.errors and "no longer in the history" in window.errors[0]
    ctl.export_interview(None)
    assert window.notices and "nothing to export" in window.notices[0]
    assert not Path(tmp / "x.html").exists()
