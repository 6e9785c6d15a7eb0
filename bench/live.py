"""How often live coaching names the right section while the answer is spoken, and how late.

Replays each scripted answer's words (script text spread over the exact piece times from the
synthesized truth, so no recognition errors) on the streaming transcriber's schedule: the real
`PauseCutter` runs over the synthesized audio in 50 ms blocks, and a word is heard once a cut or
split point after it has been reached (the stretch in progress is transcribed ahead of time up to
its split points) plus `--decode-s` for the transcription. Every second, as the session polls, it
asks `live_status` about the words heard and latches the display as the session does.

- accuracy: the section the words name (`live_status`) is the true section of the last word
  heard; "shown" is the same for what the display shows after `latch`;
- behind: for every true section change, how long until the display shows it (median, worst);
- set-up nudges: shown after the display showed the Action or Result (0 by construction), after
  the Action's first words were heard (the issue's "once Action has been heard"), and while the
  speaker, by the clock, is already in the Action or Result (which includes the seconds of
  speech not transcribed yet: no live display can know those).

`bench/live_text.py` replays the STAR text corpus the same way (no audio, leave-one-author-out).

    .venv/bin/python bench/live.py [--split dev|heldout|all] [--decode-s 1.0] [--no-live-model]

Per-answer rows are printed for the dev split only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import voicecoach.analysis.live as live_mod  # noqa: E402
from tests.fixtures.script import load_all  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.analysis import star_model  # noqa: E402
from voicecoach.analysis.live import LiveStatus, latch, live_status  # noqa: E402
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


live_mod.sections.read_partial = _memo(live_mod.sections.read_partial)
live_mod.fillers.find_fillers = _memo(live_mod.fillers.find_fillers)


@dataclass(frozen=True)
class Poll:
    t: float  # recording clock
    heard_start_s: float | None  # start of the last word heard (None: nothing yet)
    word_lag_s: float  # how far the audio transcribed trails the clock
    status: LiveStatus  # what live_status said


def listen(
    words: list[Word],
    duration_s: float,
    cover: list[tuple[float, float]],
    decode_s: float,
    targets: SectionTargets,
) -> list[Poll]:
    """Ask `live_status` once a second about the words heard on the `cover` schedule."""
    live_mod.sections.read_partial.clear()
    live_mod.fillers.find_fillers.clear()
    times = [c[0] for c in cover]
    polls: list[Poll] = []
    t = POLL_S
    while t < duration_s:
        k = int(np.searchsorted(times, t - decode_s, side="right")) - 1
        heard_to = cover[k][1] if k >= 0 else 0.0
        heard = tuple(w for w in words if w.end_s <= heard_to)
        start = heard[-1].start_s if heard else None
        polls.append(Poll(t, start, t - heard_to, live_status(heard, t, targets)))
        t += POLL_S
    return polls


def score(
    polls: list[Poll], truth: list[tuple[str, float, float]], targets: SectionTargets
) -> dict:
    """Latch the polls as the session does and compare with `truth` ((section, start_s, end_s)
    in spoken order). Returns the counts `summary` adds up."""

    def section_at(t: float) -> str:
        return next((n for n, a, b in truth if a <= t < b), truth[-1][0])

    action_from = next((a for n, a, _ in truth if n in ("action", "result")), float("inf"))
    shown = None
    right = right_shown = checks = back = ahead = ahead_shown = 0
    setup_speaker = setup_heard = setup_shown = 0
    first_shown: dict[str, float] = {}
    for poll in polls:
        t, new = poll.t, poll.status
        prev = shown
        shown = latch(shown, new, t, targets)
        if new.section is not None and poll.heard_start_s is not None:
            true_now = section_at(poll.heard_start_s)
            right += new.section == true_now
            right_shown += shown.section == true_now
            order = SECTION_NAMES.index(true_now)
            ahead += SECTION_NAMES.index(new.section) > order
            ahead_shown += SECTION_NAMES.index(shown.section) > order  # type: ignore[arg-type]
            checks += 1
            if prev is not None and prev.section is not None:
                back += SECTION_NAMES.index(new.section) < SECTION_NAMES.index(prev.section)
        if shown.cue_kind == "setup":
            setup_speaker += section_at(t) in ("action", "result")
            setup_heard += poll.heard_start_s is not None and poll.heard_start_s >= action_from
            setup_shown += prev is not None and prev.section in ("action", "result")
        if shown.section is not None:
            for name in SECTION_NAMES[: SECTION_NAMES.index(shown.section) + 1]:
                first_shown.setdefault(name, t)
    behind = [
        first_shown[n] - a for n, a, _ in truth[1:] if n in first_shown and first_shown[n] >= a
    ]
    missed = sum(n not in first_shown for n, _, _ in truth[1:])
    return {
        "right": right,
        "right_shown": right_shown,
        "ahead": ahead,
        "ahead_shown": ahead_shown,
        "checks": checks,
        "back": back,
        "behind": behind,
        "missed": missed,
        "setup_speaker": setup_speaker,
        "setup_heard": setup_heard,
        "setup_shown": setup_shown,
        "word_lag": [p.word_lag_s for p in polls],
    }


def replay(
    words: list[Word],
    truth: list[tuple[str, float, float]],
    duration_s: float,
    cover: list[tuple[float, float]],
    decode_s: float,
    targets: SectionTargets | None = None,
) -> tuple[list[Poll], dict]:
    """One answer: the polls and their scores."""
    targets = targets or SectionTargets()
    polls = listen(words, duration_s, cover, decode_s, targets)
    return polls, score(polls, truth, targets)


KEYS = ("right", "right_shown", "ahead", "ahead_shown", "checks", "back", "missed")
NUDGES = ("setup_speaker", "setup_heard", "setup_shown")


def summary(rows: list[dict]) -> None:
    """Print the totals over `rows` (results of `replay`)."""
    tot = {k: sum(r[k] for r in rows) for k in KEYS + NUDGES}
    behind = [b for r in rows for b in r["behind"]]
    word_lag = [w for r in rows for w in r["word_lag"]]
    n = max(tot["checks"], 1)
    print(
        f"live section accuracy {tot['right'] / n:.3f} over {tot['checks']} checks "
        f"(shown after the latch {tot['right_shown'] / n:.3f}); backward moves {tot['back']}"
    )
    print(
        f"wrong guesses ahead of the words heard (a later section than said): "
        f"{tot['ahead'] / n:.3f} of checks, shown {tot['ahead_shown'] / n:.3f}"
    )
    if behind:
        print(
            f"shown section behind the speaker: median {statistics.median(behind):.1f} s, "
            f"90th pct {np.percentile(behind, 90):.1f} s, worst {max(behind):.1f} s over "
            f"{len(behind)} section changes ({tot['missed']} never shown before the end)"
        )
    if word_lag:
        print(
            f"words heard behind the clock: median {statistics.median(word_lag):.1f} s, "
            f"90th pct {np.percentile(word_lag, 90):.1f} s, worst {max(word_lag):.1f} s"
        )
    print(
        f"set-up nudges shown during Action/Result: {tot['setup_speaker']} "
        f"(after Action words were heard: {tot['setup_heard']}; "
        f"after the display showed Action/Result: {tot['setup_shown']})"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    ap.add_argument("--decode-s", type=float, default=1.0, help="time to transcribe a piece")
    ap.add_argument("--model", type=Path, help="use this section model file instead of the bundled")
    ap.add_argument(
        "--sweep",
        nargs="*",
        default=[],
        metavar="ON[/BACK]",
        help="also score these latch margins (move on, move back; back defaults to on)",
    )
    ap.add_argument(
        "--no-live-model",
        action="store_true",
        help="read the words with the main model alone (the splitter before the live model)",
    )
    args = ap.parse_args()
    if args.model:  # a variant (tools/train_sections.py --out FILE)
        variant = star_model.read_model(args.model)
        star_model.bundled_model = lambda: variant  # type: ignore[assignment]
    if args.no_live_model:
        left_out = star_model.StarModelError("left out (--no-live-model)")
        star_model.bundled_live_model = lambda: left_out  # type: ignore[assignment]
    rows, polls, truths, splits = [], [], [], []
    for sc in load_all():
        if args.split != "all" and sc.split != args.split:
            continue
        fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{sc.id}.toml")
        truth = [(s.name, s.start_s, s.end_s) for s in fx.truth.sections]
        cover = covered_by(load_audio(fx.wav_path))
        words = script_words(fx.truth)
        answer_polls, r = replay(words, truth, fx.truth.duration_s, cover, args.decode_s)
        rows.append(r)
        polls.append(answer_polls)
        truths.append(truth)
        splits.append(sc.split)
        if sc.split == "dev":
            worst = max(r["behind"], default=0.0)
            print(
                f"{sc.id:<22} {r['right']}/{r['checks']}  behind worst {worst:4.1f} s", flush=True
            )
    names = sorted(set(splits))
    for name in names:
        print(
            f"\n== {name} (latch margins: on {live_mod.MOVE_ON_MARGIN:g}, "
            f"back {live_mod.MOVE_BACK_MARGIN:g})"
        )
        summary([r for r, s in zip(rows, splits, strict=True) if s == name])
    for margin in args.sweep:  # the same polls, latched with other margins
        on, _, back = margin.partition("/")
        live_mod.MOVE_ON_MARGIN, live_mod.MOVE_BACK_MARGIN = float(on), float(back or on)
        for name in names:
            print(f"\n== {name}, latch margins {margin}")
            summary(
                [
                    score(p, t, SectionTargets())
                    for p, t, s in zip(polls, truths, splits, strict=True)
                    if s == name
                ]
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
