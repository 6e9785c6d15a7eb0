"""Regenerate the README screenshots (docs/screenshots/*.png) from a real practice round.

    python bench/screenshots.py             # offscreen; or under Xvfb: DISPLAY=:99 python ...
    python bench/screenshots.py --speed 3   # feed the "microphone" faster than real time

Everything is the real app except the devices: the real Session wiring (`app.main.wire`), the
real Whisper model (bundled tiny.en) transcribing WHILE the answer is "spoken", real analysis,
real SQLite history in a temporary data dir. The microphone is `tests.fakes.sound.FakeSoundLayer`
replaying a synthesized answer (tests/fixtures, piper) through the real recorder callback, and
the question is not read aloud (FakeSpeaker). Screens, at 1280×800:

    practice-recording.png  recording, ~50 s in, with the live coaching line and a nudge
    review.png              the review of the whole answer (light), playhead at 0:34
    review-dark.png         the same after switching to the dark theme at run time
    history.png             three takes (two of one question)
    compare.png             those two takes compared side by side

Needs piper for the synthesized answer (or its cached WAV in tests/fixtures/.cache).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)
FIXTURE = "balanced-01"
RECORDING_SHOT_AT_S = 48.0  # far enough in for a section heard, fillers and a nudge
REVIEW_PLAYHEAD_S = 34.0
MAX_PNG_BYTES = 300_000


def _answer_audio() -> tuple[np.ndarray, int]:
    """The synthesized answer (16 kHz mono); synthesized with piper when not cached."""
    from tests.fixtures.synth import synthesize

    fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{FIXTURE}.toml")
    data, rate = sf.read(str(fx.wav_path), dtype="float32")
    return data, rate


def _pump(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _wait(app: QApplication, cond: Callable[[], bool], timeout_s: float, what: str) -> None:
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def _grab(app: QApplication, window, name: str) -> Path:
    """Save the window; fall back to an 8-bit palette if the PNG would be too large."""
    _pump(app, 0.3)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    img = window.grab().toImage()
    img.save(str(path))
    if path.stat().st_size > MAX_PNG_BYTES:
        img.convertToFormat(QImage.Format.Format_Indexed8).save(str(path))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path  # --out may be anywhere
    print(f"{shown}  ({path.stat().st_size // 1024} KB)")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed", type=float, default=2.0, help="microphone clock (1 = real time)")
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VoiceCoach")
    from tests.fakes.sound import FakeSoundLayer
    from tests.fakes.tts import FakeSpeaker
    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.app.tasks import TaskRunner
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.speech.transcriber import WhisperTranscriber
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow
    from voicecoach.ui.style import apply_theme

    audio, rate = _answer_audio()
    print(f"answer: {len(audio) / rate:.0f} s of synthesized speech ({FIXTURE})")
    base = Settings()
    settings = replace(base, ui=replace(base.ui, theme="light", live_cues=True))
    apply_theme(app, "light")
    transcriber = WhisperTranscriber(
        settings.transcriber, min_voiced_gap_s=settings.analysis.min_voiced_gap_s
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.at(Path(tmp)).ensure()
        history = History(paths.db_path)
        packs = load_packs()

        def mic(source: np.ndarray, speed: float) -> FakeSoundLayer:
            return FakeSoundLayer(source=source, rate_hz=rate, speed=speed, at_end="hold")

        session = Session(
            settings,
            paths,
            history,
            mic(audio, args.speed),
            FakeSpeaker(),
            transcriber,
            TaskRunner(),
            packs,
            transcriber_factory=lambda _s: transcriber,
        )
        window = MainWindow()
        wire(session, window, app)
        window.resize(*SIZE)
        window.show()
        session.start()
        _wait(app, lambda: "ready" in window.model_status.text(), 120, "the speech model")
        question = next(q for q in packs.questions() if "incident" in q.prompt.lower())
        session.choose_question(question.id, speak=False)
        rp = window.record_panel

        # 1. practice: recording, the answer transcribed as it is spoken
        session.start_recording()
        _wait(app, lambda: session.elapsed_s() >= RECORDING_SHOT_AT_S, 300, "the recording")
        _wait(app, lambda: rp.live.text().startswith("Sounds like"), 30, "live coaching")
        _grab(app, window, "practice-recording")
        print(f"  live: {rp.live.text()}  |  cue: {rp.cue.text()}")
        session.stop_recording()  # this shortened take is analysed and kept in History
        _wait(app, lambda: session.state == "review", 300, "the first analysis")

        def take(source: np.ndarray) -> None:
            session.retry()
            session.layer = mic(source, 0)  # a fresh microphone, as fast as possible
            session.start_recording()
            session.layer.wait_input_done(120)
            session.stop_recording()
            _wait(app, lambda: session.state == "review", 300, "the analysis")

        # 2. the whole answer, reviewed
        take(audio)
        window.review.set_position(REVIEW_PLAYHEAD_S)
        _grab(app, window, "review")
        print(f"  timeline: {window.review.timeline.total_caption()}")
        print(f"  verdicts: {' '.join(session.report().verdicts)}")

        # 3. dark, switched at run time through Settings like a user would
        dark = replace(session.settings, ui=replace(session.settings.ui, theme="dark"))
        session.apply_settings(dark)
        window.review.set_position(REVIEW_PLAYHEAD_S)
        _grab(app, window, "review-dark")
        session.apply_settings(replace(dark, ui=replace(dark.ui, theme="light")))

        # 4. history: another take of another question, then compare two of the first one
        other = next(q for q in packs.questions() if q.id != question.id)
        session.choose_question(other.id, speak=False)
        take(audio[: int(rate * 70)])
        window.show_page("history")
        hv = window.history
        hv.select_ids(set())
        _grab(app, window, "history")
        same = [r.id for r in history.list() if r.question_id == question.id][:2]
        hv.select_ids(set(same))
        hv.compare_btn.click()
        _grab(app, window, "compare")

        session.shutdown()
        history.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
