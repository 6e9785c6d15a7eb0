"""Memory while recording and transcribing, in the real app (issue 11: <= 600 MB, default model).

Each round records an answer into the real Session, as bench/stop_to_review.py does: a
synthesized answer plays in real time (50 ms blocks) into the Recorder; the real model
(tiny.en by default), the look-ahead process (speech.lookahead), the task pools, the History
database and the main window (offscreen) all run as in the app. Stop is pressed at the end of
the answer; the round waits for the review, then `--idle` seconds (the user reading it).

A sampler thread reads /proc/PID/smaps_rollup every 0.5 s for this process (the app) and for
each of its children (the look-ahead process), and once more just before Stop. Printed, per
round and phase: the peak of the RSS sum and of the PSS sum over the processes, and each
process's own peak.

Which figure meets the budget: the RSS sum. It is what "resident" means in the issue and what a
task manager shows per process; it counts a shared library page once for every process that
maps it, so it over-counts what the two processes cost together. The PSS sum counts such a page
once (each process is charged its share), so it is the truer total; it is printed beside RSS
and never used alone.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/memory.py              # 2 rounds of 60 s
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/memory.py --length 120 --rounds 3
    .venv/bin/python bench/memory.py --stages    # the look-ahead child's memory, step by step

Last line: `peak_rss_sum_mb=<MB> peak_pss_sum_mb=<MB> at_stop_rss_sum_mb=<MB>
at_stop_pss_sum_mb=<MB> peak_app_rss_mb=<MB> peak_lookahead_rss_mb=<MB>` over all rounds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.soak import smaps_mb  # noqa: E402

SAMPLE_S = 0.5


@dataclass(frozen=True)
class Sample:
    t_s: float
    phase: str  # "round 1 recording", "round 1 stop->review", "round 1 idle", "at stop 1"
    procs: dict[int, dict[str, float]]  # pid -> smaps_rollup figures (MB)

    def total(self, key: str) -> float:
        return sum(p.get(key, 0.0) for p in self.procs.values())


def children(pid: int) -> list[int]:
    """The direct children of `pid` (any of its threads may have started them)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


class Sampler:
    """Every SAMPLE_S, smaps_rollup of this process and its children, tagged with the phase."""

    def __init__(self) -> None:
        self.phase = "start"
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def take(self, phase: str | None = None) -> Sample:
        me = os.getpid()
        procs = {pid: smaps_mb(pid) for pid in [me, *children(me)]}
        s = Sample(
            time.monotonic() - self._t0, phase or self.phase, {p: m for p, m in procs.items() if m}
        )
        self.samples.append(s)
        return s

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self.take()


def peaks(samples: list[Sample]) -> tuple[float, float, float, float]:
    """Peak RSS sum, peak PSS sum, peak app RSS, peak child RSS over `samples` (MB)."""
    me = os.getpid()
    if not samples:
        return (float("nan"),) * 4  # type: ignore[return-value]
    child = [m["Rss"] for s in samples for p, m in s.procs.items() if p != me]
    return (
        max(s.total("Rss") for s in samples),
        max(s.total("Pss") for s in samples),
        max(s.procs[me]["Rss"] for s in samples if me in s.procs),
        max(child, default=0.0),
    )


def describe(s: Sample) -> str:
    me = os.getpid()
    parts = []
    for pid, m in s.procs.items():
        who = "app" if pid == me else f"child {pid}"
        shared = m.get("Shared_Clean", 0.0) + m.get("Shared_Dirty", 0.0)
        parts.append(
            f"{who}: RSS {m['Rss']:4.0f} PSS {m['Pss']:4.0f} (anon {m.get('Pss_Anon', 0):4.0f}, "
            f"file {m.get('Pss_File', 0):3.0f}; RSS shared with others {shared:3.0f})"
        )
    return "; ".join(parts)


def run_rounds(args: argparse.Namespace) -> int:
    import statistics
    from dataclasses import replace

    from PySide6.QtWidgets import QApplication

    from bench.latency import answer_audio
    from bench.stop_to_review import real_app, wait_until
    from voicecoach.settings import Settings, TranscriberSettings

    guesses = instrument()
    sampler = Sampler()
    sampler.start()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    audio = answer_audio(args.length)
    settings = Settings()
    settings = replace(
        settings,
        transcriber=replace(
            settings.transcriber,
            model=args.model or TranscriberSettings().model,
            lookahead_process=not args.no_lookahead,
        ),
    )
    tmp, session, transcriber, _window = real_app(app, settings, audio, "vc-memory-bench-")
    ready: list[float] = []
    session.reviewReady.connect(lambda *_: ready.append(time.perf_counter()))
    print(
        f"memory: {args.rounds} rounds of a {args.length:.0f} s answer, model "
        f"{settings.transcriber.model}, look-ahead process "
        f"{'on' if settings.transcriber.lookahead_process else 'off'}, sampled every "
        f"{SAMPLE_S} s",
        flush=True,
    )
    at_stop: list[Sample] = []
    took: list[float] = []
    for r in range(1, args.rounds + 1):
        ready.clear()
        sampler.phase = f"round {r} recording"
        guesses.append((time.monotonic(), "record"))
        session.start_recording()
        assert wait_until(app, lambda: session.state == "recording", 10), session.state
        assert wait_until(app, lambda: session.elapsed_s() >= args.length - 0.3, args.length + 30)
        at_stop.append(sampler.take(f"at stop {r}"))
        t_stop = time.perf_counter()
        sampler.phase = f"round {r} stop->review"
        session.stop_recording()
        ok = wait_until(app, lambda: bool(ready), 60)
        took.append(ready[0] - t_stop if ok else float("inf"))
        sampler.phase = f"round {r} idle"
        wait_until(app, lambda: False, args.idle)
    sampler.close()
    ahead = transcriber._lookahead  # before shutdown lets it go
    session.shutdown()
    session.history.close()
    tmp.cleanup()

    load = os.getloadavg()
    for phase in dict.fromkeys(s.phase for s in sampler.samples):
        rows = [s for s in sampler.samples if s.phase == phase]
        rss, pss, app_rss, child_rss = peaks(rows)
        print(
            f"{phase:>24}: peak RSS sum {rss:4.0f} MB  PSS sum {pss:4.0f} MB  "
            f"(app RSS {app_rss:4.0f}, look-ahead RSS {child_rss:4.0f}; {len(rows)} samples)"
        )
    for i, s in enumerate(at_stop, 1):
        print(f"at stop {i}: {describe(s)}")
    busy = [s for s in sampler.samples if s.phase.startswith("round") or s.phase.startswith("at")]
    biggest = max(busy, key=lambda s: s.total("Rss"))
    print(f"largest sample ({biggest.phase}, t={biggest.t_s:.1f} s): {describe(biggest)}")
    print(
        f"stop->review: {', '.join(f'{t:.2f}' for t in took)} s (median "
        f"{statistics.median(took):.2f}); load average (2 cores): "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    _report_guesses(guesses, ahead)
    rss, pss, app_rss, child_rss = peaks(busy)
    print(
        f"peak_rss_sum_mb={rss:.0f} peak_pss_sum_mb={pss:.0f} "
        f"at_stop_rss_sum_mb={max(s.total('Rss') for s in at_stop):.0f} "
        f"at_stop_pss_sum_mb={max(s.total('Pss') for s in at_stop):.0f} "
        f"peak_app_rss_mb={app_rss:.0f} peak_lookahead_rss_mb={child_rss:.0f}"
    )
    return 0


def instrument() -> list[tuple[float, str]]:
    """Log every guess asked of the look-ahead process (time, "ok" / "none")."""
    from voicecoach.speech.lookahead import Lookahead

    log: list[tuple[float, str]] = []
    plain_decode = Lookahead.decode

    def decode(self: Lookahead, samples: object) -> object:
        out = plain_decode(self, samples)  # type: ignore[arg-type]
        log.append((time.monotonic(), "none" if out is None else "ok"))
        return out

    Lookahead.decode = decode  # type: ignore[method-assign]
    return log


def _report_guesses(log: list[tuple[float, str]], ahead: object) -> None:
    rounds: list[list[tuple[float, str]]] = []
    for t, what in log:
        if what == "record":
            rounds.append([(t, what)])
        elif rounds:
            rounds[-1].append((t, what))
    for i, rows in enumerate(rounds, 1):
        t0 = rows[0][0]
        asked = [(t - t0, w) for t, w in rows[1:]]
        ok = [t for t, w in asked if w == "ok"]
        gaps = [b[0] - a[0] for a, b in zip(asked, asked[1:], strict=False)]
        print(
            f"round {i} guesses: {len(asked)} asked, {len(ok)} made, "
            f"{sum(w == 'none' for _, w in asked)} none; first asked at "
            f"{asked[0][0] if asked else float('nan'):.1f} s, first made at "
            f"{ok[0] if ok else float('nan'):.1f} s; longest gap between requests "
            f"{max(gaps, default=0.0):.1f} s"
        )
    if ahead is not None:
        print(
            f"look-ahead processes started {getattr(ahead, 'starts', '?')}, guesses missed while "
            f"one started {getattr(ahead, 'missed', '?')}, dropped at Stop "
            f"{getattr(ahead, 'dropped', '?')}"
        )


def stages() -> None:
    """In a fresh interpreter, what the look-ahead child holds after each step it takes."""
    import ctypes

    def show(label: str) -> None:
        m = smaps_mb()
        print(
            f"{label:>38}: RSS {m['Rss']:5.0f}  PSS {m['Pss']:5.0f}  anon {m['Pss_Anon']:5.0f}  "
            f"file {m['Pss_File']:4.0f}  threads {len(os.listdir('/proc/self/task'))}",
            flush=True,
        )

    show("python (bare, + this script)")
    from voicecoach.speech import transcriber as T

    show("+ voicecoach transcriber imports")
    import faster_whisper  # noqa: F401 - ctranslate2, tokenizers, av, huggingface_hub

    show("+ faster_whisper (ctranslate2, av ...)")
    from bench.latency import answer_audio

    audio = answer_audio(60)
    show("+ 60 s of test audio (bench only)")
    cuts = [(0, 20), (20, 44), (44, 60), (0, 28), (10, 30)]
    for a, b in cuts[:3]:
        T._speech_chunks(audio[a * 16000 : b * 16000])
    show("+ silero VAD (onnxruntime), 3 stretches")
    from voicecoach.settings import TranscriberSettings

    tr = T.WhisperTranscriber(TranscriberSettings())
    tr.load()
    show("+ Whisper model loaded")
    for a, b in cuts:
        tr.transcribe_stretch(audio[a * 16000 : b * 16000])
        show(f"+ decode of {a}-{b} s")
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    show("after malloc_trim(0) (freed heap returned)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=float, default=60.0, help="answer length, seconds")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--idle", type=float, default=5.0, help="seconds on the review per round")
    ap.add_argument("--model", default="", help="transcriber model (default: the app's)")
    ap.add_argument("--no-lookahead", action="store_true", help='"lookahead_process": false')
    ap.add_argument("--stages", action="store_true", help="the look-ahead child, step by step")
    ap.add_argument("--stages-here", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stages_here:
        stages()
        return 0
    if args.stages:  # a fresh interpreter, as the child is (nothing of this one's imports)
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        return subprocess.call([sys.executable, __file__, "--stages-here"], env=env)
    return run_rounds(args)


if __name__ == "__main__":
    sys.exit(main())
