"""How often live coaching names the right section while the answer is spoken, and how late.

Replays each scripted answer's words (script text spread over the exact piece times from the
synthesized truth, so no recognition errors) on the streaming transcriber's schedule: the real
`PauseCutter` runs over the synthesized audio in 50 ms blocks, and a word is heard once a cut or
split point after it has been reached (the stretch in progress is transcribed ahead of time up to
its split points) plus `--decode-s` for the transcription. Every second, as the session polls, it
asks `live_status` about the words heard and latches the display as the session does.

- accuracy: the section named is the true section of the last sentence heard;
- behind: for every true section change, how long until the display shows it (median, worst);
- set-up nudges shown while the speaker is already in the Action or Result (should be 0).

    .venv/bin/python bench/live.py [--split dev|heldout|all] [--decode-s 1.0]

Per-answer rows are printed for the dev split only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import voicecoach.analysis.live as live_mod  # noqa: E402
from tests.fixtures.script import load_all  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.analysis.live import latch, live_status  # noqa: E402
from voicecoach.audio.cuts import PauseCutter  # noqa: E402
from voicecoach.audio.decode import load_audio  # noqa: E402
from voicecoach.domain import SECTION_NAMES, SectionTargets, Word  # noqa: E402

RATE = 16000
BLOCK = 800  # 50 ms
POLL_S = 1.0  # the session's live poll


def script_words(truth) -> list[Word]:
    out = []
    for p in truth.pieces:
        toks = p.text.split()
        d = (p.end_s - p.start_s) / max(len(toks), 1)
        out += [
            Word(t, p.start_s + k * d, p.start_s + (k + 1) * d - 0.02) for k, t in enumerate(toks)
        ]
    return out


def covered_by(audio: np.ndarray) -> list[tuple[float, float]]:
    """(time, seconds of audio the worker may have transcribed by then), block by block."""
    cutter = PauseCutter(RATE)
    out, last = [], 0
    for i in range(0, len(audio), BLOCK):
        cuts = cutter.push(audio[i : i + BLOCK])
        last = max([last, *cuts, *cutter.splits])
        out.append(((i + BLOCK) / RATE, last / RATE))
    return out


def section_at(truth, t: float) -> str:
    return next(
        (s.name for s in truth.sections if s.start_s <= t < s.end_s), truth.sections[-1].name
    )


def _memo(fn):  # noqa: ANN001, ANN202
    """The splitter is slow and the heard words change only every few polls: ask it once per
    distinct prefix of an answer's words (cleared per answer)."""
    seen: dict = {}

    def call(words, *args, **kwargs):  # noqa: ANN001, ANN202
        key = (len(words), words[-1].end_s if words else 0.0, tuple(kwargs.items()))
        if key not in seen:
            seen[key] = fn(words, *args, **kwargs)
        return seen[key]

    call.clear = seen.clear  # type: ignore[attr-defined]
    return call


live_mod.sections.assign_sections = _memo(live_mod.sections.assign_sections)
live_mod.fillers.find_fillers = _memo(live_mod.fillers.find_fillers)


def run_answer(sc, decode_s: float) -> dict:
    live_mod.sections.assign_sections.clear()
    live_mod.fillers.find_fillers.clear()
    fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{sc.id}.toml")
    truth = fx.truth
    words = script_words(truth)
    cover = covered_by(load_audio(fx.wav_path))
    targets = SectionTargets()
    shown = None
    right = checks = back = setup_late = 0
    first_shown: dict[str, float] = {}
    word_lag: list[float] = []  # how far the words heard trail the clock
    t = POLL_S
    while t < truth.duration_s:
        k = int(np.searchsorted([c[0] for c in cover], t - decode_s, side="right")) - 1
        heard_to = cover[k][1] if k >= 0 else 0.0
        word_lag.append(t - heard_to)
        heard = tuple(w for w in words if w.end_s <= heard_to)
        new = live_status(heard, t, targets)
        prev = shown
        shown = latch(shown, new, t, targets)
        if new.section is not None:
            last = heard[-1]
            right += new.section == section_at(truth, last.start_s)
            checks += 1
            if prev is not None and prev.section is not None:
                back += SECTION_NAMES.index(new.section) < SECTION_NAMES.index(prev.section)
        if shown.section is not None:
            for name in SECTION_NAMES[: SECTION_NAMES.index(shown.section) + 1]:
                first_shown.setdefault(name, t)
        now = section_at(truth, t)
        if shown.cue and "set-up" in shown.cue and now in ("action", "result"):
            setup_late += 1
        t += POLL_S
    behind = [
        first_shown[s.name] - s.start_s
        for s in truth.sections[1:]
        if s.name in first_shown and first_shown[s.name] >= s.start_s
    ]
    missed = sum(s.name not in first_shown for s in truth.sections[1:])
    return {
        "right": right,
        "checks": checks,
        "back": back,
        "behind": behind,
        "missed": missed,
        "setup_late": setup_late,
        "word_lag": word_lag,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    ap.add_argument("--decode-s", type=float, default=1.0, help="time to transcribe a piece")
    args = ap.parse_args()
    right = checks = back = missed = setup_late = 0
    behind: list[float] = []
    word_lag: list[float] = []
    for sc in load_all():
        if args.split != "all" and sc.split != args.split:
            continue
        r = run_answer(sc, args.decode_s)
        right += r["right"]
        checks += r["checks"]
        back += r["back"]
        missed += r["missed"]
        setup_late += r["setup_late"]
        behind += r["behind"]
        word_lag += r["word_lag"]
        if sc.split == "dev":
            worst = max(r["behind"], default=0.0)
            print(
                f"{sc.id:<22} {r['right']}/{r['checks']}  behind worst {worst:4.1f} s", flush=True
            )
    print(f"live section accuracy {right / checks:.3f} over {checks} checks; backward moves {back}")
    print(
        f"shown section behind the speaker: median {statistics.median(behind):.1f} s, "
        f"90th pct {np.percentile(behind, 90):.1f} s, worst {max(behind):.1f} s over "
        f"{len(behind)} section changes ({missed} never shown before the end)"
    )
    print(
        f"words heard behind the clock: median {statistics.median(word_lag):.1f} s, "
        f"90th pct {np.percentile(word_lag, 90):.1f} s, worst {max(word_lag):.1f} s"
    )
    print(f"set-up nudges shown during Action/Result: {setup_late}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
