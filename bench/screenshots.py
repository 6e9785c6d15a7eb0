"""Render the main window to docs/screenshots/*.png at 1280×800 (offscreen unless DISPLAY is set).

    python bench/screenshots.py                 # real Whisper on a synthesized answer if it can
    python bench/screenshots.py --canned        # the hand-built transcript, real analysis

Screens: practice while recording, the review of an analysed answer (light and dark), and the
history with two takes of one question compared. Devices and TTS are the test fakes; the take
is "recorded" from a synthesized answer (tests/fixtures) through the real recorder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)
FIXTURE = "balanced-01"


def _answer_audio() -> tuple[np.ndarray, int]:
    cache = ROOT / "tests" / "fixtures" / ".cache"
    found = sorted(cache.glob(f"{FIXTURE}-*.wav"))
    if found:
        data, rate = sf.read(str(found[-1]), dtype="float32")
        return data, rate
    try:
        from tests.fixtures.synth import synthesize

        fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{FIXTURE}.toml")
        data, rate = sf.read(str(fx.wav_path), dtype="float32")
        return data, rate
    except Exception as exc:  # piper missing: quiet noise of the canned answer's length
        print(f"no synthesized answer ({exc}); using noise", file=sys.stderr)
        rng = np.random.default_rng(1)
        return (rng.standard_normal(16000 * 125) * 0.05).astype(np.float32), 16000


def _transcriber(canned: bool):
    from tests.ui.sample_report import sample_report

    class Canned:
        def load(self) -> None:
            pass

        def transcribe(self, path, progress=None, cancel=None):
            if progress:
                progress(1.0)
            return sample_report().transcript

    if canned:
        return Canned(), "canned transcript"
    try:
        from voicecoach.settings import Settings
        from voicecoach.speech.transcriber import WhisperTranscriber

        return WhisperTranscriber(Settings().transcriber), "Whisper"
    except Exception as exc:
        print(f"real transcriber unavailable ({exc}); using the canned transcript", file=sys.stderr)
        return Canned(), "canned transcript"


def _pump(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _grab(window, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(path.relative_to(ROOT))
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--canned", action="store_true", help="use the hand-built transcript")
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from tests.fakes.sound import FakeSoundLayer
    from tests.fakes.tasks import SyncTaskRunner
    from tests.fakes.tts import FakeSpeaker
    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow
    from voicecoach.ui.style import apply_theme

    audio, rate = _answer_audio()
    transcriber, how = _transcriber(args.canned)
    print(f"answer: {len(audio) / rate:.0f} s of audio, transcribed with {how}")
    apply_theme(app, "light")

    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.at(Path(tmp)).ensure()
        history = History(paths.db_path)
        packs = load_packs()

        def fake_mic(source: np.ndarray) -> FakeSoundLayer:
            return FakeSoundLayer(source=source, rate_hz=rate, speed=0, at_end="hold")

        layer = fake_mic(audio[: int(rate * 52)])
        session = Session(
            Settings(), paths, history, layer, FakeSpeaker(), transcriber, SyncTaskRunner(), packs
        )
        metas: list[str] = []
        session.reviewReady.connect(lambda _r, _q, meta: metas.append(meta))
        window = MainWindow()
        wire(session, window, app)
        window.resize(*SIZE)
        window.show()
        session.start()
        question = next(q for q in packs.questions() if "incident" in q.prompt.lower())
        session.choose_question(question.id, speak=False)

        # 1. practice, 52 s into a take
        session.start_recording()
        layer.wait_input_done(20)
        window.record_panel._poll()
        _pump(app)
        _grab(window, "practice-recording")
        session.stop_recording()  # analyses the first 52 s: not shown

        # 2. the full answer, analysed, reviewed
        def take(source: np.ndarray) -> None:
            session.layer = fake_mic(source)  # a fresh microphone replaying this audio
            session.start_recording()
            session.layer.wait_input_done(60)
            session.stop_recording()

        take(audio)
        window.review.set_position(34.0)
        _pump(app)
        _grab(window, "review")

        # 3. dark review
        apply_theme(app, "dark")
        window.refresh_icons()
        window.review.set_report(session.report(), question, metas[-1])
        window.review.set_position(34.0)
        _pump(app)
        _grab(window, "review-dark")
        apply_theme(app, "light")
        window.refresh_icons()

        # 4. history: a second take of the same question, and one of another, then compare
        take(audio[: int(rate * 100)])
        other = next(q for q in packs.questions() if q.id != question.id)
        session.choose_question(other.id, speak=False)
        take(audio[: int(rate * 70)])
        window.show_page("history")
        hv = window.history
        same = [r.id for r in history.list() if r.question_id == question.id][:2]
        hv.select_ids(set(same))
        hv.compare_btn.click()
        _pump(app)
        _grab(window, "history")

        session.shutdown()
        history.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
