"""File → Export this review… and History → Export history… write the files the user picked."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QObject  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402

from tests.export.takes import make_history  # noqa: E402
from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.ui.sample_report import QUESTION, sample_report  # noqa: E402
from voicecoach.app.main import wire  # noqa: E402
from voicecoach.app.session import Session  # noqa: E402
from voicecoach.export.figures import figure_tiles  # noqa: E402
from voicecoach.packs import load_packs  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.ui.main_window import MainWindow  # noqa: E402
from voicecoach.ui.style import apply_theme  # noqa: E402


class NoTranscriber:
    def load(self) -> None:
        pass

    def transcribe(self, path, progress=None, cancel=None):
        raise AssertionError("nothing is transcribed in these tests")


@pytest.fixture
def app(qtbot, qapp, tmp_path):
    apply_theme(qapp, "light")
    paths, ids = make_history(tmp_path / "data", 2)
    session = Session(
        Settings(),
        paths,
        History(paths.db_path),
        FakeSoundLayer(rate_hz=16000),
        FakeSpeaker(),
        NoTranscriber(),
        SyncTaskRunner(),
        load_packs(),
    )
    window = MainWindow()
    qtbot.addWidget(window)
    wire(session, window, qapp)
    controller = window.findChild(QObject, "exportController")
    picked: list[tuple[str, str]] = []
    controller.ask_path = lambda _title, _name, _filters: picked.pop(0)
    yield session, window, controller, picked, ids
    session.shutdown()
    session.history.close()


def _trigger(window, name: str) -> None:
    window.findChild(QAction, name).trigger()


def test_export_this_review_writes_the_page_of_the_review_shown(app, tmp_path: Path):
    """With a take open, File → Export this review… writes its page with the review's figures."""
    session, window, controller, picked, ids = app
    action = window.findChild(QAction, "exportReviewAction")
    assert not action.isEnabled()  # no review yet
    session.open_take(ids[0])
    assert action.isEnabled()
    out = tmp_path / "mine"  # no suffix typed: the chosen type adds it
    picked.append((str(out), "Web page with the recording inside (*.html)"))
    _trigger(window, "exportReviewAction")
    page = (tmp_path / "mine.html").read_text(encoding="utf-8")
    assert QUESTION.prompt in page and f"take {ids[0]}" in page
    for tile in figure_tiles(session.report()):
        assert f'<div class="value">{tile.value}</div>' in page
    assert 'src="data:audio/wav;base64,' in page
    assert controller.last_written == tmp_path / "mine.html"

    picked.append((str(tmp_path / "mine.pdf"), "PDF document (*.pdf)"))
    _trigger(window, "exportReviewAction")
    assert (tmp_path / "mine.pdf").read_bytes().startswith(b"%PDF")


def test_export_history_writes_json_and_csv(app, tmp_path: Path):
    """History → Export history… writes every analysed take in the format chosen."""
    _session, window, _controller, picked, ids = app
    picked.append((str(tmp_path / "all"), "JSON (*.json)"))
    _trigger(window, "exportHistoryAction")
    entries = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert sorted(e["take"]["id"] for e in entries) == ids
    assert entries[0]["pace_wpm"] == round(sample_report().pace_wpm, 1)
    picked.append((str(tmp_path / "all.csv"), "Spreadsheet, CSV (*.csv)"))
    _trigger(window, "exportHistoryAction")
    assert (tmp_path / "all.csv").read_text(encoding="utf-8").count("\n") == 3


def test_a_failed_export_is_shown_not_raised(app, tmp_path: Path):
    """A folder that cannot be written is an error banner, and nothing is claimed written."""
    session, window, controller, picked, ids = app
    session.open_take(ids[0])
    shown: list[str] = []
    window.show_error = shown.append
    picked.append((str(tmp_path / "no" / "such" / "x.html"), "Web page (*.html)"))
    _trigger(window, "exportReviewAction")
    assert shown and shown[0].startswith("Cannot write") and controller.last_written is None


def test_export_this_review_can_copy_the_recording_beside_the_page(app, tmp_path: Path):
    """Protects: the app offers the recording beside the page, as `export --audio beside` does:
    the page links a WAV copied next to it, by a name relative to the page."""
    session, window, _controller, picked, ids = app
    session.open_take(ids[0])
    picked.append((str(tmp_path / "shared"), "Web page with the recording beside it (*.html)"))
    _trigger(window, "exportReviewAction")
    page = (tmp_path / "shared.html").read_text(encoding="utf-8")
    assert '<audio controls preload="metadata" src="shared.wav">' in page
    assert (tmp_path / "shared.wav").read_bytes()[:4] == b"RIFF"
    assert "base64" not in page
