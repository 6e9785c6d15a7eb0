"""How much of what was said reaches the transcript: word recall against the scripts.

A skipped stretch of speech silently shortens sections and hides fillers, and no other figure
shows it. For each scripted answer (synthesized with piper, cached) this prints the share of
the script's words found in order in the transcript (difflib matching blocks), the longest run
of script words missing, and the time taken.

    .venv/bin/python bench/words.py [--split dev|heldout|all] [--limit N] [--whole-file]

`--whole-file` decodes the file in one faster-whisper call (30 s windows, no pause cutting), to
compare with the product's stretch-by-stretch decoding.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.script import load_all  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.analysis.text import norm  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    ap.add_argument("--whole-file", action="store_true", help="no pause cutting (for comparison)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N answers of the split")
    args = ap.parse_args()
    if args.whole_file:
        # One stretch per file: faster-whisper's own 30 s windowing decides everything.
        import voicecoach.speech.transcriber as t

        t.stretches = lambda samples, rate, s=None: [(0, len(samples))]
    tr = WhisperTranscriber(replace(Settings().transcriber))
    tr.load()
    found = total = 0
    worst: list[tuple[int, str]] = []
    spent = audio_s = 0.0
    print(f"{'answer':<22} {'split':<8} {'recall':>6} {'longest gap':>12} {'time':>6}")
    chosen = [sc for sc in load_all() if args.split == "all" or sc.split == args.split]
    for sc in chosen[: args.limit or None]:
        fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{sc.id}.toml")
        t0 = time.perf_counter()
        tx = tr.transcribe(fx.wav_path)
        dt = time.perf_counter() - t0
        spent += dt
        audio_s += tx.duration_s
        ref = [norm(w) for w in sc.spoken_text.split() if norm(w)]
        hyp = [norm(w.text) for w in tx.words if norm(w.text)]
        sm = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
        matched = sum(b.size for b in sm.get_matching_blocks())
        gap = max(
            (a2 - a1 for op, a1, a2, _, _ in sm.get_opcodes() if op in ("delete", "replace")),
            default=0,
        )
        found += matched
        total += len(ref)
        worst.append((gap, sc.id))
        print(f"{sc.id:<22} {sc.split:<8} {matched / len(ref):>6.3f} {gap:>8} words {dt:>5.1f}s")
    mode = "whole-file" if args.whole_file else "stretches cut at pauses"
    print(
        f"pooled word recall {found / total:.3f} over {total} script words ({mode}); "
        f"longest missing run {max(worst)[0]} words ({max(worst)[1]}); "
        f"transcription {spent:.0f} s for {audio_s:.0f} s of audio"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
