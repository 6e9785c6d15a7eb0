"""Filler recall and precision on the synthesized answers, by replaying recorded Whisper output.

    .venv/bin/python -m bench.fillers_replay --split heldout                    # tiny.en
    .venv/bin/python -m bench.fillers_replay --split heldout --model bundled:base
    .venv/bin/python -m bench.fillers_replay --split dev --why    # words around each error

The same answers, truth and scoring as `bench/accuracy.py` (its `score` and `summarise`), but
each answer's raw Whisper segments are recorded once (bench/out/raw_synth/, keyed by the audio,
the transcriber settings and the transcriber's source) and the current clean-up, voicing search
and filler rules are replayed on them (bench/raw_whisper.py). So a change to
`speech/cleanup.py`, `analysis/voicing.py` or `analysis/fillers.py` is measured in seconds, and
the figures equal a fresh `bench/accuracy.py` run while the transcriber's code is unchanged.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.accuracy import (  # noqa: E402
    OUT_DIR,
    TRANSCRIPTS_DIR,
    print_details,
    print_table,
    score,
    summarise,
    transcript_from_json,
)
from bench.raw_whisper import RawWhisper, _code_sha  # noqa: E402
from tests.fixtures.script import load_all  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.domain import Transcript  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402


def _recleaned(wav: Path, answer: str, settings: Settings) -> Transcript | None:
    """An estimate without Whisper: the words bench/accuracy.py cached (cleaned by the clean-up
    of their day) given to the current `clean_stretch` as one confident segment over the whole
    answer. Differs from a fresh run where the old clean-up already dropped or moved words, and
    because the voicing search sees the whole answer instead of one stretch at a time."""
    from voicecoach.audio.decode import load_audio
    from voicecoach.speech.cleanup import Segment, clean_stretch

    found = sorted(TRANSCRIPTS_DIR.glob(f"{answer}-*.json"))
    if not found:
        return None
    old = transcript_from_json(json.loads(found[0].read_text(encoding="utf-8")))
    samples = load_audio(wav, 16000)
    words, gaps = clean_stretch(
        [Segment(old.words, 0.0, 0.0)], samples, settings.analysis.min_voiced_gap_s
    )
    return Transcript(words, old.duration_s, gaps, model=old.model)


def print_why(fx, t: Transcript, settings: Settings) -> None:  # noqa: ANN001 - a Fixture
    """Each miss and false alarm with the script's pieces and Whisper's words within 2.5 s
    (text, start-end, probability) and the voiced gaps there: where to look for the cause."""
    from bench.scoring import filler_scores
    from voicecoach.analysis import analyze

    report = analyze(t, question=None, settings=settings.analysis)
    _r, _p, d = filler_scores(report.fillers, fx.truth.fillers)
    items = sorted(
        [("missed", f) for f in d.missed] + [("false alarm", f) for f in d.false_alarms],
        key=lambda x: x[1].start_s,
    )
    if not items:
        return
    print(f"  {fx.truth.id}")
    for tag, f in items:
        lo, hi = f.start_s - 2.5, f.end_s + 2.5
        print(f"    {tag} {f.text!r} ({f.kind}) {f.start_s:.2f}-{f.end_s:.2f}")
        said = [p for p in fx.truth.pieces if p.end_s > lo and p.start_s < hi]
        print("      said:  " + " | ".join(f"{p.text} @{p.start_s:.2f}" for p in said))
        words = [w for w in t.words if w.end_s > lo and w.start_s < hi]
        print(
            "      words: "
            + " ".join(
                f"{w.text}({w.start_s:.2f}-{w.end_s:.2f},{w.probability:.2f})" for w in words
            )
        )
        gaps = [g for g in t.voiced_gaps if g.end_s > lo and g.start_s < hi]
        if gaps:
            print("      voiced gaps: " + " ".join(f"{g.start_s:.2f}-{g.end_s:.2f}" for g in gaps))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="heldout")
    ap.add_argument("--model", default="", help="a model setting (default: the app's)")
    ap.add_argument("--only", action="append", default=[], help="answer id (repeatable)")
    ap.add_argument("--fresh", action="store_true", help="record Whisper's output again")
    ap.add_argument("--table", action="store_true", help="one row per answer")
    ap.add_argument("--details", action="store_true", help="filler misses per answer")
    ap.add_argument(
        "--why",
        action="store_true",
        help="dev only: the words Whisper wrote around each miss and false alarm",
    )
    ap.add_argument(
        "--from-transcripts",
        action="store_true",
        help="no Whisper at all: the current clean-up over bench/accuracy.py's cached "
        "transcripts (an estimate, see _recleaned)",
    )
    args = ap.parse_args(argv)
    if args.why and args.split != "dev":
        ap.error("--why prints what the answers say: use it with --split dev only")

    settings = Settings()
    if args.model:
        settings = dataclasses.replace(
            settings, transcriber=dataclasses.replace(settings.transcriber, model=args.model)
        )
    scripts = [s for s in load_all() if args.split in ("all", s.split)]
    if args.only:
        scripts = [s for s in scripts if s.id in args.only]
    if not scripts:
        ap.error("no matching answers")
    scripts.sort(key=lambda s: (s.split != "heldout", s.id))
    raw = RawWhisper(settings, OUT_DIR / "raw_synth", fresh=args.fresh)
    t0 = time.perf_counter()
    rows = []
    fixtures = {}
    transcripts = {}
    for sc in scripts:
        fx = synthesize(sc.path)
        fixtures[sc.id] = fx
        if args.from_transcripts:
            t = _recleaned(fx.wav_path, sc.id, settings)
            if t is None:
                print(f"  {sc.id}: no transcript in {TRANSCRIPTS_DIR}", file=sys.stderr)
                continue
        else:
            t = raw.transcript(fx.wav_path)
        rows.append(score(fx, t, settings))
        transcripts[sc.id] = t
        print(f"  {sc.id} done", file=sys.stderr, flush=True)
    if args.table:
        print_table(rows)
    if args.details:
        for r in rows:
            print_details(r, fixtures[r.id])
    if args.why:
        for r in rows:
            print_why(fixtures[r.id], transcripts[r.id], settings)
    print(f"model {settings.transcriber.model}")
    for split in ("heldout", "dev"):
        part = [r for r in rows if r.split == split]
        if part:
            summarise(part, split)
    print(
        f"{len(rows)} answers; {raw.recorded} transcribed ({raw.seconds:.0f} s), the rest "
        f"replayed; {time.perf_counter() - t0:.0f} s in all"
    )
    made = ", ".join(f"{n} by {sha}" for sha, n in raw.shas.items())
    print(f"Whisper output recorded by transcriber {made}; current {_code_sha()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
