"""The natural voice failing in the real window: the question is read by the standard voice and
the one-line notice is shown in the window's banner (sent from the speaker's own thread)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.transcriber import FakeTranscriber  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from voicecoach.settings import Settings, TtsSettings  # noqa: E402
from voicecoach.speech.neural_tts import FallbackSpeaker, PiperSpeaker  # noqa: E402
from voicecoach.speech.voices import JOE  # noqa: E402


def test_fallback_notice_reaches_the_window_and_the_question_is_read(qtbot, qapp, tmp_path):
    """Protects: a natural voice whose model will not load falls back with its notice on screen
    (not only in the log), and the question is still read aloud."""
    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.packs import load_packs
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow
    from voicecoach.ui.style import apply_theme

    def broken_model():
        raise OSError("en_US-joe-medium.onnx: protobuf parsing failed")

    apply_theme(qapp, "light")
    paths = AppPaths.at(tmp_path / "data").ensure()
    layer = FakeSoundLayer(source=np.zeros(16000, np.float32), rate_hz=16000)
    standard = FakeSpeaker()
    speaker = FallbackSpeaker(
        PiperSpeaker(TtsSettings(voice=JOE), layer, load_voice=broken_model), standard
    )
    packs = load_packs()
    session = Session(
        Settings(),
        paths,
        History(paths.db_path),
        layer,
        speaker,
        FakeTranscriber(),
        SyncTaskRunner(),
        packs,
    )
    window = MainWindow()
    qtbot.addWidget(window)
    wire(session, window, qapp)
    window.show()
    try:
        session.start()
        question = next(q for q in packs.questions() if q.kind == "star")
        session.questions.choose_question(question.id)
        banner = window.status_banner
        qtbot.waitUntil(lambda: "natural voice could not be loaded" in banner.text(), timeout=10000)
        assert banner.isVisible() and "protobuf" in banner.text()
        assert "standard voice" in banner.text() and "\n" not in banner.text()
        assert standard.said == [question.prompt]
    finally:
        session.shutdown()
        session.history.close()
        window.close()
