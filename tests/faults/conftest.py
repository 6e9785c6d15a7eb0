"""Fault tests drive the real session, recorder, decoder and store; only devices, TTS and the
model are fakes (tests/fakes, tests/faults/helpers.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.faults.helpers import RATE, SCRIPT, BurstTranscriber, burst_speech  # noqa: E402


@pytest.fixture
def make_session(qtbot, qapp, tmp_path) -> Callable[..., tuple[Any, Any]]:
    """Build a Session wired to a real MainWindow; everything is shut down after the test.

    Keyword arguments replace the defaults: layer, speaker, transcriber, tasks, packs,
    settings, history, paths, transcriber_factory, speaker_factory.
    """
    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.audio.player import Player
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow
    from voicecoach.ui.style import apply_theme

    built: list[tuple[Any, Any]] = []

    def make(**kw: Any) -> tuple[Any, Any]:
        apply_theme(qapp, "light")
        paths = kw.get("paths") or AppPaths.at(tmp_path / "data").ensure()
        history = kw.get("history") or History(paths.db_path)
        if "layer" in kw:
            layer = kw["layer"]
        else:
            audio, _ = burst_speech(len(SCRIPT))
            layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
        session = Session(
            kw.get("settings") or Settings(),
            paths,
            history,
            layer,
            kw.get("speaker") or FakeSpeaker(),
            kw.get("transcriber") or BurstTranscriber(SCRIPT),
            kw.get("tasks") or SyncTaskRunner(),
            kw.get("packs") or load_packs(),
            player=Player(layer),
            transcriber_factory=kw.get("transcriber_factory"),
            speaker_factory=kw.get("speaker_factory"),
        )
        window = MainWindow()
        qtbot.addWidget(window)
        wire(session, window, qapp)
        window.show()
        qtbot.waitExposed(window)
        built.append((session, window))
        return session, window

    yield make
    for session, window in reversed(built):
        session.shutdown()
        session.history.close()
        window.close()
        window.deleteLater()
