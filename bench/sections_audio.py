"""STAR sections through audio on corpus answers, in another voice: espeak-ng, not piper.

The way the issue measured the old splitter: labelled answers by authors nobody on the team
is, spoken by a different synthetic voice with the same pause after every sentence, then the
product's own path (`pipeline.transcribe_file` with the bundled model, `analyze`). Each
labelled stretch is spoken sentence by sentence; a section starts where its first sentence
starts. Scored by time against the labels, for the learned model and for the cue rules on the
same transcript.

    .venv/bin/python bench/sections_audio.py                        # heldout prep + skeleton
    .venv/bin/python bench/sections_audio.py --split dev --style rambling --limit 5

Heldout answers are scored but only totals are printed. Audio and transcripts are cached in
bench/out/sections_audio/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.accuracy import transcript_from_json, transcript_to_json  # noqa: E402
from bench.scoring import section_agreement  # noqa: E402
from bench.star_corpus import load_corpus  # noqa: E402
from voicecoach.analysis import analyze, sections, text  # noqa: E402
from voicecoach.domain import SECTION_NAMES, SectionTargets  # noqa: E402
from voicecoach.pipeline import transcribe_file  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber  # noqa: E402

OUT = ROOT / "bench" / "out" / "sections_audio"
PAUSE_S = 0.45  # the same pause after every sentence
VOICE = ("-v", "en-us", "-s", "160")
_MARKER = re.compile(r"\[([STAR])\]")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


def _speak(sentence: str) -> tuple[np.ndarray, int]:
    raw = subprocess.run(
        ["espeak-ng", *VOICE, "--stdout", sentence], capture_output=True, check=True
    ).stdout
    with wave.open(__import__("io").BytesIO(raw)) as w:
        rate = w.getframerate()
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32)
    audio /= 32768.0
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    if loud.size:
        audio = audio[max(0, loud[0] - rate // 100) : loud[-1] + rate // 100]
    return audio, rate


def synthesize(answer_text: str, path: Path) -> list[tuple[str, float, float]]:
    """Write the answer as a WAV; return the true sections (name, start_s, end_s)."""
    parts = _MARKER.split(answer_text)
    pieces: list[np.ndarray] = []
    starts: list[tuple[str, float]] = []
    rate = 22050
    t = 0.5
    pieces.append(np.zeros(int(0.5 * rate), np.float32))
    for letter, chunk in zip(parts[1::2], parts[2::2], strict=True):
        name = next(n for n in SECTION_NAMES if n[0] == letter.lower())
        first = True
        for sentence in _SENTENCE.split(" ".join(chunk.split())):
            if not sentence.strip():
                continue
            audio, rate = _speak(sentence)
            if first:
                starts.append((name, t))
                first = False
            pieces.append(audio)
            pieces.append(np.zeros(int(PAUSE_S * rate), np.float32))
            t += len(audio) / rate + PAUSE_S
    end = t - PAUSE_S
    pieces.append(np.zeros(int(0.5 * rate), np.float32))
    audio = np.concatenate(pieces)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())
    return [
        (name, start, starts[i + 1][1] if i + 1 < len(starts) else end)
        for i, (name, start) in enumerate(starts)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="heldout", choices=["train", "dev", "heldout"])
    ap.add_argument("--style", action="append", help="style codes (default: prep, skeleton)")
    ap.add_argument("--limit", type=int, default=0, help="at most N answers")
    args = ap.parse_args(argv)
    styles = set(args.style or ["prep", "skeleton"])
    answers = [a for a in load_corpus((args.split,)) if a.style in styles]
    if args.limit:
        answers = answers[: args.limit]
    OUT.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    transcriber = WhisperTranscriber(settings.transcriber)
    rows = []
    for a in answers:
        key = hashlib.sha256((a.text + repr(VOICE) + str(PAUSE_S)).encode()).hexdigest()[:16]
        wav, cached = OUT / f"{a.id}-{key}.wav", OUT / f"{a.id}-{key}.json"
        if cached.exists():
            saved = json.loads(cached.read_text())
            truth = [tuple(x) for x in saved["truth"]]
            transcript = transcript_from_json(saved["transcript"])
        else:
            truth = synthesize(a.text, wav)
            transcript = transcribe_file(wav, transcriber)
            cached.write_text(
                json.dumps({"truth": truth, "transcript": transcript_to_json(transcript)})
            )
        model = analyze(transcript).sections
        spans = text.sentence_spans(transcript.words)
        rules, _ = sections.build_sections(
            sections.assign_sections(transcript.words, spans, model=None), SectionTargets()
        )
        rows.append(
            (a, section_agreement(model, truth), section_agreement(rules, truth), truth[-1][2])
        )
        print(f"  {len(rows)}/{len(answers)}", file=sys.stderr, flush=True)
    minutes = sum(r[3] for r in rows) / 60
    print(f"{len(rows)} {args.split} answers ({', '.join(sorted(styles))}), {minutes:.1f} min")
    print("  espeak-ng en-us, the same pause after every sentence, bundled model")
    print(f"  {'group':<14}{'n':>4}  {'model':>6}  {'rules':>6}  worst(model)")
    groups: dict[str, list] = {"all": rows}
    for r in rows:
        groups.setdefault(r[0].style, []).append(r)
        groups.setdefault(r[0].author, []).append(r)
    for g, part in groups.items():
        m = statistics.mean(r[1] for r in part)
        ru = statistics.mean(r[2] for r in part)
        print(f"  {g:<14}{len(part):>4}  {m:6.3f}  {ru:6.3f}  {min(r[1] for r in part):.2f}")
    if args.split != "heldout":
        for r in sorted(rows, key=lambda r: r[1])[:5]:
            print(f"  worst: {r[0].id} {r[1]:.3f} (rules {r[2]:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
