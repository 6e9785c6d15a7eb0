"""How long after the user stops until the review is ready, wherever they stop (issue 12).

Feeds a synthesized answer in 50 ms blocks through the REAL StreamingTranscriber (speculation on)
and the real model, on a simulated clock: a block arrives every 50 ms of answer time; the one
worker runs the stream's jobs in its own order, each taking the wall time its real decode took
(every distinct piece of audio is decoded once and its time reused across stop points; on a
loaded machine those times, and so every figure, grow with the load printed at the end). At each
stop point the clock stops, `finish` queues the rest, and stop -> review is the time the worker
still needs (the job in flight if the rest needs it: the app drops a useless guess by ending its
look-ahead process, speech.lookahead; then the queue and the tail) plus the real `analyze()`
time. Each stop point also checks that the final transcript equals the batch (file) transcript
of the same audio.

    .venv/bin/python bench/latency.py                    # 120 s and 300 s answers, 12 stops each
    .venv/bin/python bench/latency.py --lengths 120 --stops 10

It also stops 0.5 s, 1.0 s and 2.0 s after the last words of six sentences spread over each
answer (`--after`), the usual moment a user presses Stop: a pause of `CutSettings.tail_pause_s`
after the last words lets the words before it be transcribed ahead (`PauseCutter.tail_split`);
where that pause is a cut (a stretch of 20 s or more), the stretch it ends is split at its last
split point 2 s before Stop (`PauseCutter.cut_split`; a newcomer's drills stopped ~1.8 s after
their last words waited 2.4-4.6 s when the guard counted from the cut).

Last line: `worst_stop_to_review_s=<s> median=<s> busy=<fraction> rss_mb=<MB>` over all lengths
(the any-moment stops).
`busy` is the share of the answer's time the worker spent transcribing before the stop (the
largest over the stop points); `rss_mb` is this process's peak resident memory (the model,
the stream and the bench's own caches of audio and transcripts: an upper bound for what
recording and transcribing need).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.analysis import analyze  # noqa: E402
from voicecoach.audio.decode import load_audio  # noqa: E402
from voicecoach.domain import Transcript  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.speech.streaming import StreamingTranscriber  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber  # noqa: E402

RATE = 16000
BLOCK = 800  # 50 ms, as the recorder delivers
ANSWERS = ROOT / "tests" / "fixtures" / "answers"
# Dev answers joined end to end to reach each length (any speech will do for latency).
SOURCES = ["balanced-03", "over-time-01", "balanced-01", "rambling-01", "we-heavy-01"]


def answer_audio(length_s: float) -> np.ndarray:
    parts, total = [], 0.0
    for name in SOURCES:
        x = load_audio(synthesize(ANSWERS / f"{name}.toml").wav_path)
        parts.append(x)
        total += len(x) / RATE
        if total >= length_s:
            break
    return np.concatenate(parts)[: int(length_s * RATE)]


class Timed:
    """The real transcriber; each distinct piece of audio decoded once, its wall time kept."""

    def __init__(self, inner: WhisperTranscriber, clock: str = "wall", threads: int = 2) -> None:
        self.inner = inner
        self.clock = clock
        self.threads = threads
        self.model_name = inner.model_name
        self.cache: dict[bytes, tuple[Transcript, float]] = {}
        self.last_s = 0.0

    def transcribe_stretch(self, samples: np.ndarray, **kw: object) -> Transcript:
        key = hashlib.sha1(np.ascontiguousarray(samples).tobytes()).digest()
        if key not in self.cache:
            t0, c0 = time.perf_counter(), time.process_time()
            part = self.inner.transcribe_stretch(samples)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            # "cpu": what the decode would take with its threads to itself (a loaded machine
            # stretches wall time; CPU seconds stay about the same). Optimistic by the threads'
            # imperfect overlap.
            self.cache[key] = (part, wall if self.clock == "wall" else cpu / self.threads)
        part, self.last_s = self.cache[key]
        return part

    def transcribe(self, audio: np.ndarray, **kw: object) -> Transcript:
        # The file path: the same stretches, decoded through the same cache.
        from voicecoach.audio.cuts import stretches

        words, gaps = [], []
        for a, b in stretches(audio, RATE):
            part, off = self.transcribe_stretch(audio[a:b]), a / RATE
            words += [w.shifted(off) for w in part.words]
            gaps += [g.shifted(off) for g in part.voiced_gaps]
        return Transcript(tuple(words), len(audio) / RATE, tuple(gaps))


def one_stop(audio: np.ndarray, stop_s: float, tr: Timed, settings: Settings) -> dict:
    stream = StreamingTranscriber(tr, start_worker=False)  # type: ignore[arg-type]
    x = audio[: int(stop_s * RATE)]
    free_at = 0.0  # simulated time the worker is free
    busy = 0.0
    last = None  # the last job the worker took
    for i in range(0, len(x), BLOCK):
        now = (i + BLOCK) / RATE
        # The worker takes every job it can start before this block arrives.
        while free_at < now and (job := stream.next_job()) is not None:
            tr.last_s = 0.0  # stays 0 when the job reuses a speculative result (no decode)
            stream.run_job(job)
            free_at = max(free_at, job.end / RATE) + tr.last_s  # a job exists once fed
            busy += tr.last_s
            last = job
        stream.feed(x[i : i + BLOCK], RATE)
    t_stop = len(x) / RATE
    in_flight = max(0.0, free_at - t_stop)
    busy -= in_flight  # only work done before the stop counts towards "busy while recording"
    stream.close()
    # The app decodes guesses in a look-ahead process (speech.lookahead) and ends it at Stop when
    # the guess in flight is of no use to the rest of the answer: then nothing is waited for.
    # `in_process_s` is the wait had the guess run in the app's own process (as before).
    waited = in_flight if last is None or stream.needed(last) else 0.0
    rest, jobs = 0.0, 0
    while (job := stream.next_job()) is not None:
        tr.last_s = 0.0
        stream.run_job(job)
        rest += tr.last_s
        jobs += tr.last_s > 0
    transcript = stream.finish(tr.model_name)
    t0 = time.perf_counter()
    report = analyze(transcript, None, settings.analysis)
    analyse_s = time.perf_counter() - t0
    batch = analyze(tr.transcribe(x), None, settings.analysis)
    return {
        "stop_s": t_stop,
        "review_s": waited + rest + analyse_s,
        "in_process_s": in_flight + rest + analyse_s,
        "in_flight_s": waited,
        "jobs": jobs,
        "busy": busy / t_stop,
        "same": report.transcript.words == batch.transcript.words
        and report.sections == batch.sections,
    }


def sentence_ends(audio: np.ndarray, n: int) -> list[int]:
    """`n` places spread over `audio` where speech stops for at least 0.3 s (the end of a
    sentence or clause), as sample offsets where the quiet begins."""
    frame = 320  # 20 ms
    k = len(audio) // frame
    level = np.sqrt(np.mean(audio[: k * frame].reshape(k, frame) ** 2, axis=1))
    quiet = level < max(np.percentile(level, 10) * 4, 1e-4)
    ends, run = [], 0
    for i, q in enumerate(quiet):
        run = run + 1 if q else 0
        if run == 15:  # 0.3 s of quiet: speech ended where it began
            ends.append((i - 14) * frame)
    ends = [e for e in ends if e > 5 * RATE]
    picks = np.linspace(0, len(ends) - 1, min(n, len(ends))).round().astype(int)
    return [ends[i] for i in sorted(set(picks.tolist()))]


def stops_after_last_words(
    audio: np.ndarray, tr: Timed, settings: Settings, n: int, after_s: float
) -> list[dict]:
    """The user finishes a sentence and presses Stop `after_s` later (room noise meanwhile)."""
    rng = np.random.default_rng(7)
    rows = []
    for end in sentence_ends(audio, n):
        room = (rng.standard_normal(int(after_s * RATE)) * 0.0005).astype(np.float32)
        x = np.concatenate([audio[:end], room])
        rows.append(one_stop(x, len(x) / RATE, tr, settings))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=float, nargs="+", default=[120.0, 300.0])
    ap.add_argument("--stops", type=int, default=12, help="stop points per length (>= 10)")
    ap.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="decode time: wall time as measured, or CPU seconds / threads (for a busy machine)",
    )
    ap.add_argument(
        "--after",
        type=float,
        nargs="*",
        default=[0.5, 1.0, 2.0],
        help="also stop this long after the last words of sentences spread over each answer",
    )
    args = ap.parse_args()
    settings = Settings()
    inner = WhisperTranscriber(settings.transcriber)
    inner.load()
    tr = Timed(inner, args.clock, settings.transcriber.cpu_threads)
    print(f"decode times: {args.clock} clock")
    rng = np.random.default_rng(12)
    all_review, all_busy, all_inproc = [], [], []
    print(f"{'answer':>7} {'stops':>5} {'worst':>7} {'median':>7} {'busy':>6} {'== batch':>9}")
    for length in args.lengths:
        audio = answer_audio(length)
        # Spread over the answer, each nudged at random so stops fall mid-word as well.
        stops = np.linspace(length / args.stops, length, args.stops) - rng.uniform(0, 3, args.stops)
        rows = [one_stop(audio, float(s), tr, settings) for s in stops]
        review = [r["review_s"] for r in rows]
        busy = max(r["busy"] for r in rows)
        same = sum(r["same"] for r in rows)
        print(
            f"{length:>6.0f}s {len(rows):>5} {max(review):>6.2f}s "
            f"{statistics.median(review):>6.2f}s {busy:>6.3f} {same:>5}/{len(rows)}"
        )
        print("   stop at s:  " + " ".join(f"{r['stop_s']:6.1f}" for r in rows))
        print("   review s:   " + " ".join(f"{r['review_s']:6.2f}" for r in rows))
        print("   in-process: " + " ".join(f"{r['in_process_s']:6.2f}" for r in rows))
        # What the wait is made of: the job running at Stop, and the pieces decoded after it.
        print("   in flight:  " + " ".join(f"{r['in_flight_s']:6.2f}" for r in rows))
        print("   new pieces: " + " ".join(f"{r['jobs']:6d}" for r in rows))
        all_review += review
        all_inproc += [r["in_process_s"] for r in rows]
        all_busy.append(busy)
    # The usual Stop: a moment after the last words. Half a second is about the quickest a
    # hand gets from speaking to clicking; a second is more usual.
    after = {}
    for after_s in args.after:
        rows = []
        for length in args.lengths:
            rows += stops_after_last_words(answer_audio(length), tr, settings, 6, after_s)
        review = [r["review_s"] for r in rows]
        after[after_s] = review
        same = sum(r["same"] for r in rows)
        print(
            f"Stop {after_s:.1f} s after the last words ({len(rows)} sentence ends): worst "
            f"{max(review):.2f}s median {statistics.median(review):.2f}s, {same}/{len(rows)} "
            f"== batch; review s: " + " ".join(f"{v:.2f}" for v in review)
        )
    load = os.getloadavg()
    print(f"load average during the run (2 cores): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    print(
        f"guesses in the app's own process (no look-ahead process): worst "
        f"{max(all_inproc):.2f}s median {statistics.median(all_inproc):.2f}s"
    )
    print(
        f"worst_stop_to_review_s={max(all_review):.2f} median={statistics.median(all_review):.2f} "
        f"busy={max(all_busy):.3f} rss_mb={rss_mb:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
