"""Live coaching on the labelled STAR text corpus: the `bench/live.py` replay without audio.

Each answer of `corpus/star/` is spoken at a steady rate (`bench/star_corpus.py`), rendered as a
loudness envelope (noise while a word is spoken, near-silence between words) and cut by the real
`PauseCutter`, so words are heard on the streaming transcriber's schedule; every second
`live_status` is asked about the words heard and the display latched as the session does.

The bundled model was fitted on the train and dev authors, so their figures say little about
new speakers. With `--oof` each train/dev author is replayed with a model fitted without them
(leave one author out, `tools/train_sections.py`'s fit; a few minutes), the honest figure to
iterate on. Heldout authors are only ever totalled (per author and style), never listed.

    .venv/bin/python bench/live_text.py [--split train|dev|heldout|all] [--oof] [--worst N]
    .venv/bin/python bench/live_text.py --split train --oof --authors a01,a02,a03,a04,a05,fx
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.live import RATE, Poll, covered_by, replay, score, summary  # noqa: E402
from bench.star_corpus import Prepared, fixture_answers, load_corpus, prepare  # noqa: E402
from voicecoach.analysis import live, star_model  # noqa: E402
from voicecoach.domain import SectionTargets  # noqa: E402

SPLITS = ("train", "dev", "heldout")


def envelope(p: Prepared, tail_s: float = 1.0) -> np.ndarray:
    """A stand-in for the audio: noise while words are spoken, near-silence in between."""
    end_s = p.words[-1].end_s + tail_s
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 0.0005, int(end_s * RATE)).astype(np.float32)
    for w in p.words:
        a, b = int(w.start_s * RATE), int(w.end_s * RATE)
        x[a:b] = rng.normal(0.0, 0.1, b - a)
    return x


def replay_answer(p: Prepared, decode_s: float) -> tuple[list[Poll], dict]:
    duration_s = p.words[-1].end_s + 1.0
    cover = covered_by(envelope(p))
    return replay(p.words, list(p.truth), duration_s, cover, decode_s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=[*SPLITS, "all"])
    ap.add_argument("--oof", action="store_true", help="train/dev: leave-one-author-out models")
    ap.add_argument("--no-fixtures", action="store_true", help="leave out the fixture scripts")
    ap.add_argument("--decode-s", type=float, default=1.0, help="time to transcribe a piece")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst train/dev answers")
    ap.add_argument(
        "--sweep",
        nargs="*",
        default=[],
        metavar="ON[/BACK]",
        help="also score these latch margins (move on, move back; back defaults to on)",
    )
    ap.add_argument("--every", type=int, default=1, help="only every Nth answer (quick looks)")
    ap.add_argument(
        "--authors",
        help="replay only these authors (comma-separated, e.g. a01,a06,fx): the same authors "
        "before and after the corpus grows",
    )
    ap.add_argument(
        "--oof-cache", type=Path, help="keep the leave-one-author-out models in this folder"
    )
    ap.add_argument(
        "--no-live-model",
        action="store_true",
        help="read the words with the main model alone (the splitter before the live model)",
    )
    args = ap.parse_args(argv)
    splits = SPLITS if args.split == "all" else (args.split,)
    answers = load_corpus(splits)
    if not args.no_fixtures and ("train" in splits or "dev" in splits):
        answers += fixture_answers("dev")  # the fx author counts as train
    if args.authors:
        wanted = set(args.authors.split(","))
        answers = [a for a in answers if a.author in wanted]
    prepared = [prepare(a) for a in answers[:: args.every]]
    models: dict[str, star_model.StarModel] = {}
    live_models: dict[str, star_model.StarModel] = {}
    if args.oof:
        from tools import train_sections as tr

        pool = [prepare(a) for a in load_corpus(("train", "dev")) + fixture_answers("dev")]
        for author in sorted({p.answer.author for p in prepared if p.answer.split != "heldout"}):
            rest = [p for p in pool if p.answer.author != author]
            for name, fitter, into in (
                (f"without-{author}.json", tr.fit, models),
                (f"live-without-{author}.json", tr.fit_live, live_models),
            ):
                if fitter is tr.fit_live and args.no_live_model:
                    continue
                cached = args.oof_cache / name if args.oof_cache else None
                if cached is not None and cached.exists():
                    into[author] = star_model.read_model(cached)
                    continue
                index, weights, bias = fitter(rest)
                into[author] = tr.make_model(index, weights, bias, tr.DECODER, {})
                if cached is not None:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_text(tr.model_text(into[author]), encoding="utf-8")
                print(f"fitted {name}", flush=True)
    rows: list[tuple[Prepared, dict]] = []
    polls: list[list[Poll]] = []
    bundled, bundled_live = star_model.bundled_model, star_model.bundled_live_model
    no_live = star_model.StarModelError("left out (--no-live-model)")
    try:
        for author in sorted({p.answer.author for p in prepared}):
            model = models.get(author)  # the splitter reads the models through these names
            star_model.bundled_model = (lambda m=model: m) if model else bundled  # type: ignore[assignment]
            live_model = no_live if args.no_live_model else live_models.get(author)
            star_model.bundled_live_model = (  # type: ignore[assignment]
                (lambda m=live_model: m) if live_model else bundled_live
            )
            for p in prepared:
                if p.answer.author == author:
                    answer_polls, scores = replay_answer(p, args.decode_s)
                    rows.append((p, scores))
                    polls.append(answer_polls)
    finally:
        star_model.bundled_model = bundled  # type: ignore[assignment]
        star_model.bundled_live_model = bundled_live  # type: ignore[assignment]
    for split in splits:
        part = [r for p, r in rows if p.answer.split == split]
        if not part:
            continue
        label = " (leave one author out)" if args.oof and split != "heldout" else ""
        print(f"\n== {split}: {len(part)} answers{label}")
        summary(part)
        for key in ("author", "style"):
            groups: dict[str, list[dict]] = defaultdict(list)
            for p, r in rows:
                if p.answer.split == split:
                    groups[getattr(p.answer, key)].append(r)
            print(
                f"  by {key}: "
                + "  ".join(
                    f"{g} {sum(r['right'] for r in v) / max(sum(r['checks'] for r in v), 1):.3f}"
                    for g, v in sorted(groups.items())
                )
            )
    for margin in args.sweep:  # the same polls, latched with other margins
        on, _, back = margin.partition("/")
        live.MOVE_ON_MARGIN, live.MOVE_BACK_MARGIN = float(on), float(back or on)
        print(f"\n== latch margins {margin}")
        for split in splits:
            part = [
                score(pl, list(p.truth), SectionTargets())
                for (p, _), pl in zip(rows, polls, strict=True)
                if p.answer.split == split
            ]
            if part:
                print(f"-- {split}")
                summary(part)
    if args.worst:
        seen = [(p, r) for p, r in rows if p.answer.split != "heldout"]
        seen.sort(key=lambda pr: pr[1]["right"] / max(pr[1]["checks"], 1))
        print(f"\n{args.worst} worst train/dev answers:")
        for p, r in seen[: args.worst]:
            print(f"  {p.answer.id:<22}{p.answer.style:<16}{r['right']}/{r['checks']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
