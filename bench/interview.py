"""How long the interview summary takes to appear after the last answer ends (target ≤ 1.0 s).

    python bench/interview.py                  # 5 questions with follow-ups, offscreen
    python bench/interview.py --questions 5 --speed 2 --answer-s 25

The real app except the devices: `app.main.wire`, the interview controller on the practice
round, the real Whisper model (bundled tiny.en) transcribing while each answer is "spoken"
(streaming on, as by default), real analysis, real SQLite history in a temporary data dir. The
microphone is `tests.fakes.sound.FakeSoundLayer` replaying the first `--answer-s` seconds of a
synthesized answer (tests/fixtures, dev split) for every answer, then a quiet room, so each
answer ends by the silence rule (`InterviewSettings.silence_stop_s`); questions are not read
aloud (FakeSpeaker). "The answer ends" is the moment the app ends it (the silence was reached:
`InterviewController.stop_answer`); "the summary appears" is when the summary table has been
filled and painted. Prints every answer's stop → next step and the last one's stop → summary.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

FIXTURE = "balanced-01"


def _grab(app: QApplication, window, name: str) -> None:
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    out = ROOT / "docs" / "screenshots" / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().toImage().save(str(out))
    print(f"saved {out.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--no-follow-ups", action="store_true")
    ap.add_argument("--speed", type=float, default=2.0, help="microphone clock (1 = real time)")
    ap.add_argument("--answer-s", type=float, default=25.0, help="seconds of speech per answer")
    ap.add_argument(
        "--shots",
        action="store_true",
        help="also save docs/screenshots/interview-running.png and interview-summary.png",
    )
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from tests.fakes.sound import FakeSoundLayer
    from tests.fakes.tts import FakeSpeaker
    from tests.fixtures.synth import synthesize
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

    fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{FIXTURE}.toml")
    speech, rate = sf.read(str(fx.wav_path), dtype="float32")
    speech = speech[: int(args.answer_s * rate)]
    rng = np.random.default_rng(5)
    room = (rng.standard_normal(int(1.5 * rate)) * 0.0005).astype(np.float32)
    answer = np.concatenate([room, speech])
    settings = Settings()
    apply_theme(app, "light")
    transcriber = WhisperTranscriber(
        settings.transcriber, min_voiced_gap_s=settings.analysis.min_voiced_gap_s
    )
    print(
        f"{args.questions} questions, follow-ups {'off' if args.no_follow_ups else 'on'}; each "
        f"answer {len(answer) / rate:.1f} s ({FIXTURE}, first {args.answer_s:g} s) at "
        f"{args.speed:g}x, then silence (ends after {settings.interview.silence_stop_s:g} s); "
        f"model {transcriber.model_name}, streaming {settings.transcriber.streaming}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.at(Path(tmp)).ensure()
        layer = FakeSoundLayer(source=answer, rate_hz=rate, speed=args.speed, at_end="silence")
        tasks = TaskRunner()
        session = Session(
            settings,
            paths,
            History(paths.db_path),
            layer,
            FakeSpeaker(),
            transcriber,
            tasks,
            load_packs(),
        )
        window = MainWindow()
        window.resize(1280, 800)
        wire(session, window, app)
        window.show()
        session.start()
        run = session.interview
        marks: list[tuple[str, float]] = []
        cpu_at: dict[float, float] = {}

        def on_step(s) -> None:
            t = time.perf_counter()
            cpu_at[t] = time.process_time()
            marks.append((f"{s.kind} {s.position + 1} {s.stage}", t))

        run.stepChanged.connect(on_step)
        shown: list[float] = []

        def on_summary(*_a) -> None:  # connected after the page's own slot: it is filled now
            window.interview.summary.repaint()
            shown.append(time.perf_counter())
            cpu_at[shown[0]] = time.process_time()

        run.summaryReady.connect(on_summary)
        shot_taken: list[bool] = []

        def maybe_shot() -> None:
            # the second question, well into the answer: thinking time and clock shown
            step = marks[-1][0] if marks else ""
            if args.shots and not shot_taken and step == "answer 2 answering":
                d = run.taker._detector
                if d is not None and d.onset_s is not None and d.heard_s > d.onset_s + 8:
                    shot_taken.append(True)
                    _grab(app, window, "interview-running")

        t_start = time.perf_counter()
        if not run.start("core_senior", [], args.questions, not args.no_follow_ups):
            print("could not start the interview")
            return 1
        deadline = time.monotonic() + 60 * 30
        while not shown:
            if time.monotonic() > deadline:
                print("timed out")
                return 1
            app.processEvents()
            maybe_shot()
            time.sleep(0.005)
        if args.shots:
            _grab(app, window, "interview-summary")
        stops = [t for what, t in marks if what.endswith("analysing")]
        nexts = [t for what, t in marks if what.endswith("asking") or what.endswith("answering")]
        for i, t0 in enumerate(stops[:-1]):
            t1 = next((t for t in nexts if t > t0), None)
            if t1 is not None:
                print(f"  answer {i + 1}: stop -> next question {t1 - t0:.2f} s")
        last = stops[-1]
        summary = window.interview.summary.summary
        answered = summary.totals.answered if summary else 0
        print(f"answers recorded and analysed: {len(stops)} ({answered} questions answered)")
        print(f"run length {time.perf_counter() - t_start:.0f} s")
        print(f"last answer ends -> summary shown: {shown[0] - last:.3f} s (target <= 1.0 s)")
        threads = max(1, settings.transcriber.cpu_threads)
        cpu = cpu_at[shown[0]] - cpu_at[last]
        print(
            f"  CPU time this process used meanwhile: {cpu:.3f} s ({cpu / threads:.3f} s over "
            f"the {threads} decode threads: about the wall time on a machine to itself)"
        )
        # the share that is the summary itself: summed up and shown again from the same answers
        from voicecoach import interview as core

        plan = run.cursor.plan
        t0 = time.perf_counter()
        again = core.summarise(plan, run.answers(), settings, False)
        window.interview.show_summary(again, 0)
        window.interview.summary.repaint()
        print(
            f"  of which summing up and showing the summary: {time.perf_counter() - t0:.3f} s; "
            "the rest is the last answer's transcription tail and analysis"
        )
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        session.shutdown()
        session.history.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
