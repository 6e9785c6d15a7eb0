"""Soak: many record -> analyse -> save -> replay cycles in one process. Prints figures.

    .venv/bin/python -m bench.soak                    # 100 cycles, fake transcriber
    .venv/bin/python -m bench.soak --cycles 20 --real-model

Everything is the real app except the hardware and (by default) the model: the real Session
with the threaded TaskRunner, Recorder (writer and tap threads), streaming transcription while
recording, analysis, SQLite History and Player, on a fake sound device replaying an answer and a
fake TTS. The default transcriber hears tone bursts as words (tests/faults/helpers.py); with
`--real-model` the bundled Whisper model transcribes a synthesized answer.

Resident memory, live threads and open file descriptors are printed at the start, after the
first (warm-up) cycle, every 10 cycles and at the end. Exit status 1 when memory grew more than
--max-growth-mb after warm-up or threads or descriptors were left behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), in MB; NaN if it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def smaps_mb(pid: int | str = "self") -> dict[str, float]:
    """/proc/PID/smaps_rollup in MB ("Rss", "Pss", "Pss_Anon", "Pss_File", "Shared_Clean" ...):
    PSS charges each shared page (libraries two processes both map) to them in equal parts, so
    PSS summed over processes counts such a page once. Empty if the process is gone."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[2] == "kB":
                    out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    except OSError:
        pass
    return out


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def snapshot(label: str) -> tuple[float, int, int, int]:
    r, t, o, f = rss_mb(), threading.active_count(), os_threads(), open_fds()
    print(
        f"{label:>16}  RSS {r:7.1f} MB   Python threads {t:3d}   OS threads {o:3d}"
        f"   open fds {f:3d}",
        flush=True,
    )
    return r, t, o, f


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=100)
    ap.add_argument("--real-model", action="store_true", help="bundled Whisper model (slower)")
    ap.add_argument("--max-growth-mb", type=float, default=50.0)
    ap.add_argument(
        "--warmup",
        type=int,
        help="cycles before the baseline (default 1; 10 with --real-model, whose CTranslate2 "
        "and ONNX arenas grow over the first few differently sized stretches)",
    )
    args = ap.parse_args(argv)
    warmup = args.warmup or (10 if args.real_model else 1)

    import numpy as np
    from PySide6.QtWidgets import QApplication

    from tests.fakes.sound import FakeSoundLayer
    from tests.fakes.tts import FakeSpeaker
    from tests.faults.helpers import RATE, SCRIPT, BurstTranscriber, burst_speech
    from voicecoach.app.session import Session
    from voicecoach.app.tasks import TaskRunner
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.real_model:
        import soundfile as sf

        from tests.fixtures.synth import synthesize
        from voicecoach.speech.transcriber import WhisperTranscriber

        wav = synthesize(REPO / "tests/fixtures/answers/short-01.toml").wav_path
        audio = sf.read(str(wav), dtype="float32")[0]
        transcriber = WhisperTranscriber()
        expect_words = None
    else:
        audio, _ = burst_speech(len(SCRIPT))
        transcriber = BurstTranscriber(SCRIPT)
        expect_words = SCRIPT
    audio = np.asarray(audio, dtype=np.float32)
    print(
        f"soak: {args.cycles} cycles of a {len(audio) / RATE:.0f} s answer, "
        f"{'bundled Whisper model' if args.real_model else 'fake transcriber'}",
        flush=True,
    )

    with tempfile.TemporaryDirectory() as tmp:
        start = snapshot("start")
        paths = AppPaths.at(Path(tmp)).ensure()
        layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
        session = Session(
            Settings(),
            paths,
            History(paths.db_path),
            layer,
            FakeSpeaker(),
            transcriber,
            TaskRunner(),
            load_packs(),
        )
        reviews: list[object] = []
        errors: list[str] = []
        session.reviewReady.connect(lambda report, *_: reviews.append(report))
        session.errorOccurred.connect(errors.append)
        session.start()
        question_ids = [q.id for q in session.packs.questions() if q.kind == "star"]

        def wait_for(cond, timeout_s: float = 120.0) -> None:
            deadline = time.monotonic() + timeout_s
            while not cond():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"timed out; errors: {errors[-3:]}")
                app.processEvents()
                time.sleep(0.002)

        t0 = time.perf_counter()
        warm = start
        for i in range(1, args.cycles + 1):
            session.choose_question(question_ids[i % len(question_ids)], speak=True)
            wait_for(lambda: session.state == "idle")
            n = len(reviews)
            session.start_recording()
            layer.wait_input_done(30)
            session.stop_recording()
            wait_for(lambda n=n: len(reviews) > n)
            report = reviews[-1]
            if expect_words is not None:
                got = [w.text for w in report.transcript.words]
                assert got == expect_words, f"cycle {i}: {got[:5]}…"
            session.play_from(0.0)
            session.stop_playback()
            session.refresh_history()
            # The fake device keeps every stream and every block it played, for tests to look
            # at; drop them so that only the app's own memory is measured.
            with layer.lock:
                layer.input_streams.clear()
                layer.output_streams.clear()
            reviews.clear()
            reviews.append(report)  # keep only the newest, as the window does
            if i == warmup:
                warm = snapshot(f"after cycle {i}")
            elif i == 1 or i % 10 == 0:
                snapshot(f"after cycle {i}")
        wall = time.perf_counter() - t0
        takes = session.history.list()
        session.shutdown()
        session.history.close()
        wait_for(lambda: True)  # deliver anything queued
        time.sleep(0.5)  # let pool threads that were told to stop finish
        app.processEvents()
        end = snapshot("end (shut down)")
        extra = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        if extra:
            print(f"threads still alive: {', '.join(extra)}")
        if args.real_model:
            print("(the loaded model stays in memory with its CPU threads until the process ends)")

    analysed = sum(t.status == "analysed" for t in takes)
    growth = end[0] - warm[0]
    print(f"cycles: {args.cycles}, takes analysed: {analysed}/{len(takes)}, errors: {len(errors)}")
    print(f"wall: {wall:.1f} s ({wall / args.cycles:.2f} s a cycle)")
    print(
        f"RSS growth after warm-up ({warmup} cycles): {growth:+.1f} MB "
        f"(from start: {end[0] - start[0]:+.1f} MB); "
        f"threads {start[1]} -> {warm[1]} -> {end[1]} (Python), "
        f"{start[2]} -> {warm[2]} -> {end[2]} (OS); fds {start[3]} -> {warm[3]} -> {end[3]}"
    )
    # Leaks are judged against the warmed-up process: a loaded model keeps its own threads and
    # files (and tqdm, imported with it, one monitor thread) for the life of the process.
    ok = (
        growth < args.max_growth_mb
        and end[1] <= warm[1]
        and end[3] <= warm[3]
        and analysed == args.cycles
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
