"""STAR section agreement on the labelled text corpus, in seconds: per split, style and author.

Each answer of `corpus/star/` is spoken at a steady rate (bench/star_corpus.py: timed words,
pauses at punctuation) and given to `analysis.analyze()` as a transcript; the sections it
reports are compared by time with the author's labels (`bench/scoring.section_agreement`).
Three splitters side by side: the learned model (what the app uses), the cue rules (its
fallback) and a naive cue-phrase splitter.

    .venv/bin/python bench/sections_text.py                 # all splits, summary tables
    .venv/bin/python bench/sections_text.py --worst 10      # + the 10 worst train/dev answers
    .venv/bin/python bench/sections_text.py --split heldout # the heldout authors only

Heldout authors are scored but never shown answer by answer: only their totals, per author
and per style, are printed. `bench/accuracy.py` stays the audio-level truth.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scoring import naive_cue_split, section_agreement  # noqa: E402
from bench.soak import rss_mb  # noqa: E402
from bench.star_corpus import fixture_answers, load_corpus, prepare  # noqa: E402
from voicecoach.analysis import analyze, sections, star_model, text  # noqa: E402
from voicecoach.domain import SectionTargets, Transcript  # noqa: E402

METHODS = ("model", "rules", "naive")
SPLITS = ("train", "dev", "heldout")


def score_answer(p, method: str) -> tuple[float, float]:
    """(agreement, seconds spent deciding the sections)."""
    words = p.words
    if method == "naive":
        t0 = time.perf_counter()
        pred = naive_cue_split(words)
        return section_agreement(pred, p.truth), time.perf_counter() - t0
    spans = text.sentence_spans(words)
    t0 = time.perf_counter()
    sents = sections.assign_sections(
        words, spans, model=sections.BUNDLED if method == "model" else None
    )
    found, _ = sections.build_sections(sents, SectionTargets())
    secs = time.perf_counter() - t0
    if method == "model":  # what the app shows comes through analyze(): check it agrees
        report = analyze(Transcript(tuple(words), words[-1].end_s + 1.0))
        assert report.sections == found
    return section_agreement(found, p.truth), secs


def _table(rows: list[dict], key: str, title: str) -> None:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    print(f"\n{title}")
    print(f"  {key:<16}{'n':>4}  " + "  ".join(f"{m:>6}" for m in METHODS) + "   worst(model)")
    for g in sorted(groups):
        part = groups[g]
        means = "  ".join(f"{statistics.mean(r[m] for r in part):6.3f}" for m in METHODS)
        worst = min(r["model"] for r in part)
        print(f"  {g:<16}{len(part):>4}  {means}   {worst:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worst", type=int, default=0, help="list the N worst train/dev answers")
    ap.add_argument(
        "--no-fixtures", action="store_true", help="leave out the fixtures' dev scripts"
    )
    ap.add_argument("--model", type=Path, help="score this model file instead of the bundled one")
    ap.add_argument(
        "--split", default="all", choices=[*SPLITS, "all"], help="score only this split's authors"
    )
    args = ap.parse_args(argv)
    if args.model:  # a variant (tools/train_sections.py --ablate ... --out FILE)
        variant = star_model.read_model(args.model)
        star_model.bundled_model.cache_clear()
        star_model.bundled_model = lambda: variant  # type: ignore[assignment]
    rss_before_mb = rss_mb()
    problem = sections.splitter_problem()  # loads the bundled model
    rss_after_mb = rss_mb()
    if problem:
        print(f"warning: {problem} Scoring the cue rules as 'model'.")
    splits = SPLITS if args.split == "all" else (args.split,)
    answers = load_corpus(splits)
    if not args.no_fixtures and args.split in ("all", "train"):
        answers += fixture_answers("dev")  # the fx author counts as train
    rows: list[dict] = []
    timings: list[tuple[float, float]] = []  # (answer length s, model seconds)
    t_start = time.perf_counter()
    for a in answers:
        p = prepare(a)
        row = {"id": a.id, "author": a.author, "split": a.split, "style": a.style}
        for m in METHODS:
            row[m], secs = score_answer(p, m)
            if m == "model":
                timings.append((p.words[-1].end_s, secs))
        rows.append(row)

    print(f"{len(rows)} answers, {time.perf_counter() - t_start:.1f} s")
    print(f"  {'split':<16}{'n':>4}  " + "  ".join(f"{m:>6}" for m in METHODS))
    for split in SPLITS:
        part = [r for r in rows if r["split"] == split]
        if part:
            means = "  ".join(f"{statistics.mean(r[m] for r in part):6.3f}" for m in METHODS)
            print(f"  {split:<16}{len(part):>4}  {means}")
    held = [r for r in rows if r["split"] == "heldout"]
    if held:
        _table(held, "style", "heldout authors, by style")
        _table(held, "author", "heldout authors, by author")
    seen = [r for r in rows if r["split"] != "heldout"]
    if seen:
        _table(seen, "style", "train + dev authors (the model was fitted on them), by style")
        _table(seen, "author", "train + dev authors, by author")
    if args.worst:
        print(f"\n{args.worst} worst train/dev answers (model):")
        for r in sorted(seen, key=lambda r: r["model"])[: args.worst]:
            print(f"  {r['id']:<22}{r['style']:<16}{r['model']:.3f}  (rules {r['rules']:.3f})")
    two_min = [s for length, s in timings if 100 <= length <= 140]
    if two_min:
        print(
            f"\nsections of a 100-140 s answer (clause units, features, model, decoder): median "
            f"{1000 * statistics.median(two_min):.1f} ms, max {1000 * max(two_min):.1f} ms "
            f"over {len(two_min)} answers"
        )
    print(
        f"resident memory: {rss_before_mb:.0f} MB before loading the model, "
        f"{rss_after_mb:.0f} MB after (+{rss_after_mb - rss_before_mb:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
