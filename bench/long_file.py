"""Memory and time for a very long input file. Prints figures; asserts nothing.

    .venv/bin/python -m bench.long_file                  # 60 min, real bundled model, streamed
    .venv/bin/python -m bench.long_file --minutes 10 --batch   # the old whole-file path
    .venv/bin/python -m bench.long_file --fake           # decoding + streaming only, no model

The file is a synthesized answer (tests/fixtures) looped with sox (or numpy) to the length asked
for, written to a temporary folder and deleted afterwards (never committed). The analysis runs in
a child process (`voicecoach.pipeline.analyze_file`, what `voicecoach analyze` calls), so its
peak resident memory (ru_maxrss) is measured on its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RATE_HZ = 16000


def make_long_wav(out: Path, minutes: float, answer: str) -> float:
    """Loop a synthesized answer to `minutes`; returns the file's length in seconds."""
    import soundfile as sf

    from tests.fixtures.synth import synthesize

    src = synthesize(REPO / "tests" / "fixtures" / "answers" / f"{answer}.toml").wav_path
    one_s = sf.info(str(src)).duration
    repeats = max(1, int(minutes * 60 // one_s))
    if shutil.which("sox"):
        subprocess.run(["sox", str(src), str(out), "repeat", str(repeats - 1)], check=True)
    else:  # written block by block: this process never holds the whole hour either
        data, rate = sf.read(str(src), dtype="int16")
        with sf.SoundFile(out, "w", samplerate=rate, channels=1, subtype="PCM_16") as f:
            for _ in range(repeats):
                f.write(data)
    return float(sf.info(str(out)).duration)


CHILD = r"""
import json, sys, time, threading
from pathlib import Path
from voicecoach import pipeline
mode, path = sys.argv[1], Path(sys.argv[2])
if mode == "fake":
    from tests.faults.helpers import BurstTranscriber
    from voicecoach.domain import Transcript, Word
    class Fake(BurstTranscriber):
        # one canned word per stretch: measures decoding, cutting and queueing, not a model
        def transcribe(self, audio, progress=None, cancel=None):
            self.calls.append("array")
            return Transcript((Word("word", 0.5, 0.8),), len(audio) / 16000, model="fake")
    transcriber = Fake()
else:
    from voicecoach.speech.transcriber import WhisperTranscriber
    transcriber = WhisperTranscriber()
    transcriber.load()
if mode == "batch":
    pipeline.STREAM_ABOVE_S = float("inf")
last = [0.0]
def progress(f):
    if f - last[0] >= 0.1 or f == 1.0:
        last[0] = f
        t = time.perf_counter() - t0
        print(f"  {f * 100:3.0f}% at {t:6.0f} s", file=sys.stderr, flush=True)
t0 = time.perf_counter()
report = pipeline.analyze_file(path, transcriber, progress=progress)
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "words": len(report.transcript.words),
                  "duration_s": report.duration_s, "threads_after": threading.active_count()}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--answer", default="balanced-01", help="fixture id to loop")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--fake", action="store_true", help="no model: decoding and streaming only")
    mode.add_argument("--batch", action="store_true", help="force the whole-file path")
    ap.add_argument("--keep", type=Path, help="write the long WAV here and keep it")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wav = args.keep or Path(tmp) / "long.wav"
        if not wav.exists():
            t0 = time.perf_counter()
            make_long_wav(wav, args.minutes, args.answer)
            print(f"made {wav.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        import soundfile as sf

        duration_s = sf.info(str(wav)).duration
        child_mode = "fake" if args.fake else "batch" if args.batch else "stream"
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, child_mode, str(wav)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        wall_s = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if out.returncode != 0:
            print(f"analysis failed (exit {out.returncode}); peak RSS {peak_mb:.0f} MB")
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"mode:            {child_mode} ({'no model' if args.fake else 'bundled tiny.en'})")
        print(f"audio duration:  {duration_s / 60:.1f} min ({duration_s:.0f} s)")
        print(f"file size:       {wav.stat().st_size / 1e6:.0f} MB")
        print(f"analysis wall:   {r['wall_s']:.0f} s (child process total {wall_s:.0f} s)")
        print(f"real-time factor {r['wall_s'] / duration_s:.3f}")
        print(f"peak RSS:        {peak_mb:.0f} MB (child process, ru_maxrss)")
        print(f"words:           {r['words']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
