"""A chosen speech model that cannot be loaded: banner, bundled model instead, take kept.

The broken model is a real folder with a garbage model.bin loaded by the real WhisperTranscriber;
the bundled model is stood in for by a canned transcriber so the round stays fast.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from tests.app.test_session import CannedTranscriber, record_answer  # noqa: E402
from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.ui.sample_report import sample_report  # noqa: E402
from voicecoach.app.main import wire  # noqa: E402
from voicecoach.app.session import Session  # noqa: E402
from voicecoach.packs import load_packs  # noqa: E402
from voicecoach.settings import BUNDLED_MODEL, Settings  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber, resolve_model  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.store.paths import AppPaths  # noqa: E402
from voicecoach.ui.main_window import MainWindow  # noqa: E402

RATE = 16000


class Bundled(CannedTranscriber):
    model_name = BUNDLED_MODEL


@pytest.fixture
def broken_model(tmp_path) -> Path:
    d = tmp_path / "broken-model"
    d.mkdir()
    src = Path(resolve_model(BUNDLED_MODEL))
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (d / name).write_bytes((src / name).read_bytes())
    (d / "model.bin").write_bytes(b"\0" * 1000)
    return d


@pytest.fixture
def built(qtbot, qapp, tmp_path, broken_model):
    n = int((sample_report().duration_s + 0.5) * RATE)
    audio = (np.random.default_rng(7).standard_normal(n) * 0.02).astype(np.float32)
    s = Settings()
    settings = replace(s, transcriber=replace(s.transcriber, model=str(broken_model)))
    made: list[object] = []

    def factory(st: Settings):
        t = (
            Bundled(sample_report().transcript)
            if st.transcriber.model == BUNDLED_MODEL
            else (WhisperTranscriber(st.transcriber))
        )
        made.append(t)
        return t

    paths = AppPaths.at(tmp_path / "data").ensure()
    history = History(paths.db_path)
    session = Session(
        settings,
        paths,
        history,
        FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold"),
        FakeSpeaker(),
        factory(settings),
        SyncTaskRunner(),
        load_packs(),
        transcriber_factory=factory,
    )
    window = MainWindow()
    qtbot.addWidget(window)
    wire(session, window, qapp)
    window.show()
    yield session, window, made
    session.shutdown()
    history.close()
    window.close()


def test_broken_model_at_start_falls_back_with_a_banner(qtbot, built, broken_model):
    """A damaged chosen model: the banner names it and says the bundled one is used; rounds work."""
    session, window, _ = built
    with qtbot.waitSignal(session.warned) as sig:
        session.start()
    assert str(broken_model) in sig.args[0] and "bundled model" in sig.args[0]
    assert session.transcriber.model_name == BUNDLED_MODEL and session.transcriber.loaded
    assert "tiny.en" in window.findChild(QLabel, "statusBannerText").text()
    assert session.settings.transcriber.model == str(broken_model)  # the choice is kept
    session.choose_question(session.packs.questions()[0].id, speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        record_answer(qtbot, session, window)
    assert session.history.list()[0].status == "analysed"


def test_take_recorded_on_a_broken_model_is_analysed_not_lost(qtbot, built):
    """The model fails under a finished take: the take is analysed with the bundled model."""
    session, window, made = built  # not started: the broken model was never preloaded
    session.choose_question(session.packs.questions()[0].id, speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        record_answer(qtbot, session, window)
    rec = session.history.list()[0]
    assert rec.status == "analysed" and rec.audio_path.exists()
    assert isinstance(made[-1], Bundled) and made[-1].calls == [rec.audio_path]
