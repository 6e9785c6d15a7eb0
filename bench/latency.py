"""How long after the user stops until the review is ready (issue: instant feedback).

Plays synthesized answers through the fake input device into the REAL recorder, whose block tap
feeds the streaming transcriber, exactly as the app does. At the end of the answer it stops the
recorder, finishes the transcript and runs the analysis, timing stop -> report. It then runs the
batch path on the same WAV and compares the two reports.

    .venv/bin/python bench/latency.py                 # 120 s and 300 s answers, real time
    .venv/bin/python bench/latency.py --lengths 120 --speed 4   # quicker, less faithful

The last line is `stop_to_report_s=<s> rtf_during=<fraction>` for the last (longest) answer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.analysis import analyze  # noqa: E402
from voicecoach.audio.decode import load_audio  # noqa: E402
from voicecoach.audio.recorder import Recorder  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.speech.streaming import StreamingTranscriber  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber  # noqa: E402

ANSWERS = ROOT / "tests" / "fixtures" / "answers"
# Answers joined end to end to reach each length (any speech will do for latency).
SOURCES = ["balanced-03", "over-time-01", "balanced-01", "rambling-01", "we-heavy-01"]


def answer_audio(length_s: float) -> np.ndarray:
    parts, total = [], 0.0
    for name in SOURCES:
        fx = synthesize(ANSWERS / f"{name}.toml")
        x = load_audio(fx.wav_path)
        parts.append(x)
        total += len(x) / 16000
        if total >= length_s:
            break
    x = np.concatenate(parts)
    return x[: int(length_s * 16000)]


def boundaries(report) -> dict[str, float]:
    return {s.name: s.start_s for s in report.sections}


def run(length_s: float, speed: float, settings: Settings, tr: WhisperTranscriber) -> dict:
    audio = answer_audio(length_s)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "take.wav"
        layer = FakeSoundLayer(source=audio, rate_hz=16000, speed=speed, at_end="hold")
        stream = StreamingTranscriber(tr)
        rec = Recorder(layer, wav, settings.audio, on_block=lambda b: stream.feed(b, rec.rate_hz))
        t_start = time.perf_counter()
        rec.start()
        layer.wait_input_done(timeout_s=length_s / speed * 3 + 60)
        t_stop = time.perf_counter()
        busy_during = stream.busy_s
        pending_at_stop = stream.pending_s
        rec.stop()
        transcript = stream.finish(tr.model_name)
        report = analyze(transcript, None, settings.analysis)
        stop_to_report = time.perf_counter() - t_stop
        rec_wall = t_stop - t_start

        t0 = time.perf_counter()
        batch = analyze(tr.transcribe(wav), None, settings.analysis)
        batch_s = time.perf_counter() - t0

    bs, ss = boundaries(batch), boundaries(report)
    shared = set(bs) & set(ss)
    max_shift = max((abs(bs[k] - ss[k]) for k in shared), default=0.0)
    return {
        "length_s": length_s,
        "stop_to_report_s": stop_to_report,
        "rtf_during": busy_during / rec_wall,
        "pending_at_stop_s": pending_at_stop,
        "batch_s": batch_s,
        "fillers_stream": len(report.fillers),
        "fillers_batch": len(batch.fillers),
        "words_stream": len(report.transcript.words),
        "words_batch": len(batch.transcript.words),
        "sections_same": [s.name for s in report.sections] == [s.name for s in batch.sections],
        "max_boundary_shift_s": max_shift,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=float, nargs="+", default=[120.0, 300.0])
    ap.add_argument("--speed", type=float, default=1.0, help="input clock speed (1 = real time)")
    args = ap.parse_args()
    settings = Settings()
    tr = WhisperTranscriber(settings.transcriber)
    t0 = time.perf_counter()
    tr.load()
    print(f"model load {time.perf_counter() - t0:.2f} s (not counted below: the app preloads it)")
    print(
        f"{'answer':>7} {'stop->report':>13} {'busy during':>12} {'left at stop':>13} "
        f"{'batch':>7} {'fillers s/b':>12} {'words s/b':>10} {'sections':>9} {'max shift':>10}"
    )
    last = None
    for length in args.lengths:
        r = run(length, args.speed, settings, tr)
        last = r
        print(
            f"{r['length_s']:>6.0f}s {r['stop_to_report_s']:>12.2f}s {r['rtf_during']:>12.3f} "
            f"{r['pending_at_stop_s']:>12.1f}s {r['batch_s']:>6.1f}s "
            f"{r['fillers_stream']:>5}/{r['fillers_batch']:<6} "
            f"{r['words_stream']:>4}/{r['words_batch']:<5} "
            f"{'same' if r['sections_same'] else 'differ':>9} {r['max_boundary_shift_s']:>9.2f}s"
        )
    assert last is not None
    print(f"stop_to_report_s={last['stop_to_report_s']:.2f} rtf_during={last['rtf_during']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
