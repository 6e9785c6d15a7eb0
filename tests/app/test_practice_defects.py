"""Issue 12's practice defects, through the real window wired to a session with fakes:
no microphone shown before Record is pressed, a topic change never leaves the old question,
a file analysed for a chosen question, and a fresh review without the old playhead."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402
from PySide6.QtWidgets import QLabel, QPushButton  # noqa: E402

from tests.app.test_session import (  # noqa: E402
    RATE,
    _teardown_sessions,  # noqa: F401 (autouse: closes what build() made)
    build,
)
from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.ui.sample_report import sample_report  # noqa: E402
from voicecoach.app.device_watch import DeviceWatch  # noqa: E402
from voicecoach.settings import AudioSettings  # noqa: E402
from voicecoach.ui import file_question  # noqa: E402
from voicecoach.ui.file_question import FileQuestionDialog  # noqa: E402
from voicecoach.ui.review_view import ReviewView  # noqa: E402


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    """Quiet noise as long as the canned answer (the recogniser is fake; length matters)."""
    n = int((sample_report().duration_s + 0.5) * RATE)
    return (np.random.default_rng(7).standard_normal(n) * 0.02).astype(np.float32)


def test_no_microphone_shows_on_record_before_it_is_pressed(qtbot, qapp, tmp_path, audio):
    """Protects: Record says it is unavailable, and why, at start; re-checked on plug/settings."""
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, inputs=[])
    session, window = build(qtbot, qapp, tmp_path, audio, layer=layer)
    session.start()
    button = window.findChild(QPushButton, "recordButton")
    reason = window.findChild(QLabel, "recordIdleRow")
    assert not button.isEnabled()
    assert "No microphone found" in reason.text() and reason.isVisible()
    assert "No microphone found" in button.toolTip()

    layer.inputs = ["USB Microphone"]  # plugged in: the device watch reports a change
    window.findChild(DeviceWatch).changed.emit()
    assert button.isEnabled()
    assert "microphone" not in reason.text().lower()

    # a microphone chosen in Settings that is not connected
    session.apply_settings(replace(session.settings, audio=AudioSettings(input_device="Blue Yeti")))
    assert not button.isEnabled()
    assert "Blue Yeti" in reason.text() and "not connected" in reason.text()


def test_changing_the_topic_replaces_the_question_on_screen(qtbot, qapp, tmp_path, audio):
    """Protects: after a topic change the old question neither stays on screen nor is answered."""
    session, window = build(qtbot, qapp, tmp_path, audio)
    session.start()
    qp = window.question_panel
    first = session.packs.questions()[0]
    session.choose_question(first.id, speak=False)
    other = next(i for i in range(1, qp.topic.count()) if qp.topic.itemData(i) != first.topic)
    qp.topic.setCurrentIndex(other)  # as the user picking it
    topic = qp.topic.itemData(other)
    q = session.question()
    assert q is not None and q.topic == topic
    assert qp.prompt.text() == q.prompt
    assert qp.question.currentData() == q.id
    assert qp.topic.currentData() == topic  # the filter the user chose is kept


def test_file_is_analysed_for_the_question_it_answered(qtbot, qapp, tmp_path, audio, monkeypatch):
    """Protects: File → Analyse a file asks the question, uses its targets and its title."""
    session, window = build(qtbot, qapp, tmp_path, audio)
    session.start()
    q = next(q for q in session.packs.questions() if q.targets != session.settings.analysis.targets)
    asked = []

    def ask(packs, current, name, general_s, parent):
        asked.append(name)
        return q.id

    monkeypatch.setattr(file_question, "ask", ask)
    wav = tmp_path / "answer.wav"
    sf.write(wav, audio, RATE)
    window.analyseFilePicked.emit(str(wav))
    assert asked == ["answer.wav"]
    assert session.state == "review"
    assert session.report().targets == q.targets
    assert window.review.findChild(QLabel, "reviewQuestion").text() == q.prompt
    (rec,) = session.history.list()
    assert (rec.question_id, rec.question_text, rec.status) == (q.id, q.prompt, "analysed")

    monkeypatch.setattr(file_question, "ask", lambda *a: None)  # cancelled: nothing analysed
    window.analyseFilePicked.emit(str(wav))
    assert len(session.history.list()) == 1


def test_file_question_dialog_offers_none_and_the_current_question(qtbot, qapp):
    """Protects: "None" is allowed, and the question being practised is the default."""
    from voicecoach.packs import load_packs

    packs = load_packs()
    current = packs.questions()[3]
    dlg = FileQuestionDialog(packs, current, "take.wav", 120.0)
    qtbot.addWidget(dlg)
    assert dlg.question_id() == current.id
    assert dlg.combo.itemText(0) == "None — a general answer (2:00 target)"
    dlg.combo.setCurrentIndex(0)
    assert dlg.question_id() is None
    assert dlg.combo.count() == len(packs.questions()) + 1


def test_a_new_review_has_no_playhead_from_the_last_one(qtbot, qapp):
    """Protects: the previous review's playhead is not drawn on the next take's timeline."""
    view = ReviewView()
    qtbot.addWidget(view)
    view.set_report(sample_report())
    view.set_position(12.0)
    view.set_playing(False)
    assert view.timeline.playhead_s() == 12.0
    view.set_report(sample_report(drop_task=True))
    assert view.timeline.playhead_s() is None
