"""Stop -> review in the real app, in real time: the whole Session, not a simulation (issue 12).

A synthesized answer plays into the real Recorder through the fake sound layer at real-time speed
(50 ms blocks, as a microphone delivers them); the real Whisper model, the look-ahead process
(speech.lookahead), the task pools, the History database and the main window (offscreen) all run
as in the app. At each stop point Stop is pressed, and the time until `reviewReady` (the review
page filled) is measured on the wall clock. Each stop point records one take from the start of
the answer, so a run takes as long as the answers played (about 5 minutes by default).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/stop_to_review.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/stop_to_review.py --length 300 --stops 140 290

Also printed: resident memory of the app's process and of its look-ahead process at each stop,
and the machine's load average (2 cores; every figure grows with the load); bench/memory.py
samples memory through whole rounds (the look-ahead process is released at every Stop since
2026-11-30; `--release-at-stop` measured that proposal before it was adopted).
Last line: `worst_stop_to_review_s=<s> median=<s> rss_app_mb=<MB> rss_lookahead_mb=<MB>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.latency import answer_audio  # noqa: E402
from bench.soak import rss_mb  # noqa: E402
from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from voicecoach.app.main import wire  # noqa: E402
from voicecoach.app.session import Session  # noqa: E402
from voicecoach.app.tasks import TaskRunner  # noqa: E402
from voicecoach.packs import load_packs  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.speech.streaming import StreamingTranscriber  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.store.paths import AppPaths  # noqa: E402
from voicecoach.ui.main_window import MainWindow  # noqa: E402

RATE = 16000


def wait_until(app: QApplication, cond, timeout_s: float) -> bool:
    t_end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > t_end:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


# What the wait is made of: when the stream's final transcript was ready (after Stop).
_finished_at: list[float] = []
_plain_finish = StreamingTranscriber.finish


def real_app(
    app: QApplication, settings: Settings, audio, prefix: str
) -> tuple[tempfile.TemporaryDirectory, Session, WhisperTranscriber, MainWindow]:
    """The whole app as the user runs it, on a temporary data dir, with `audio` (16 kHz) as the
    microphone (replayed in real time from its start at each recording) and the question not
    read aloud; the model loaded and the first senior question chosen. Keep the window."""
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    paths = AppPaths.at(Path(tmp.name)).ensure()
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=1.0, at_end="hold")
    transcriber = WhisperTranscriber(
        settings.transcriber, min_voiced_gap_s=settings.analysis.min_voiced_gap_s
    )
    session = Session(
        settings,
        paths,
        History(paths.db_path),
        layer,
        FakeSpeaker(),
        transcriber,
        TaskRunner(),
        load_packs(),
    )
    window = MainWindow()
    wire(session, window, app)
    window.show()
    session.start()
    assert wait_until(app, lambda: transcriber.loaded, 120), "model did not load"
    q = session.packs.questions("core_senior")[0]
    session.choose_question(q.id, speak=False)
    return tmp, session, transcriber, window


def _timed_finish(self: StreamingTranscriber, model_name: str = "", **kwargs: object) -> object:
    out = _plain_finish(self, model_name, **kwargs)  # type: ignore[arg-type]
    _finished_at.append(time.perf_counter())
    return out


StreamingTranscriber.finish = _timed_finish  # type: ignore[method-assign]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=float, default=120.0, help="answer length, seconds")
    ap.add_argument(
        "--stops", type=float, nargs="+", default=[17.3, 39.6, 58.2, 83.9, 101.4, 118.7]
    )
    args = ap.parse_args()
    from bench.memory import instrument

    instrument()
    app = QApplication.instance() or QApplication(sys.argv)
    audio = answer_audio(args.length)
    settings = Settings()
    tmp, session, transcriber, _window = real_app(app, settings, audio, "vc-stop-bench-")
    ready: list[float] = []
    session.reviewReady.connect(lambda *_: ready.append(time.perf_counter()))
    rows = []
    for stop_s in args.stops:
        ready.clear()
        _finished_at.clear()
        session.start_recording()  # each take replays the answer from its start
        assert wait_until(app, lambda: session.state == "recording", 10), session.state
        assert wait_until(app, lambda s=stop_s: session.elapsed_s() >= s, stop_s + 30)
        ahead = transcriber.lookahead()
        rss_app, rss_ahead = rss_mb(), rss_mb(ahead._proc.pid) if ahead._proc else 0.0
        t_stop = time.perf_counter()
        session.stop_recording()
        ok = wait_until(app, lambda: bool(ready), 60)
        took = (ready[0] - t_stop) if ok else float("inf")
        words = (_finished_at[0] - t_stop) if _finished_at else float("nan")
        rows.append((session.elapsed_s(), took, rss_app, rss_ahead, ahead.dropped))
        print(
            f"stop at {stop_s:6.1f}s  stop->review {took:5.2f}s (words ready {words:4.2f}s)  "
            f"rss app {rss_app:4.0f} MB "
            f"look-ahead {rss_ahead:4.0f} MB  guesses dropped so far {ahead.dropped}",
            flush=True,
        )
        wait_until(app, lambda: session.state in ("idle", "review"), 10)
    load = os.getloadavg()
    print(f"load average during the run (2 cores): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    took = [r[1] for r in rows]
    ahead_mb = max((r[3] for r in rows if r[3] == r[3]), default=0.0)  # NaN: it had just ended
    print(
        f"worst_stop_to_review_s={max(took):.2f} median={statistics.median(took):.2f} "
        f"rss_app_mb={max(r[2] for r in rows):.0f} rss_lookahead_mb={ahead_mb:.0f}"
    )
    session.shutdown()
    session.history.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
