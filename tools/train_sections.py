"""Train the STAR section model (voicecoach/analysis/data/star_model.json) from the corpus.

    .venv/bin/python tools/train_sections.py           # fit on train + dev authors, write it
    .venv/bin/python tools/train_sections.py --select  # leave-one-author-out settings search
    .venv/bin/python tools/train_sections.py --check   # fit, compare with the committed file

Data: every answer in `corpus/star/` by a `train` or `dev` author (authors.toml) and the audio
fixtures' dev scripts (author "fx"). Heldout authors are never loaded here. Each answer becomes
timed words at a steady rate, clause units and their features exactly as the app computes them
(`sections.answer_features`), each unit labelled with the true section of most of its words.

Model: multinomial logistic regression with an L2 penalty over binary features (features seen
in at least `MIN_COUNT` units), units weighted by their length in words (agreement is scored by
time), fitted by full-batch Adam from zero weights: deterministic, about a minute on 2 cores.
The decoder's costs (switch, clause switch, missing sections, duration prior) are chosen by
`--select` on out-of-fold predictions, one author held out at a time, and written below.

The live model (voicecoach/analysis/data/star_live_model.json) is fitted the same way on the
same answers cut short as live coaching hears them (`live_rows`); `--check` covers both files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scoring import section_agreement  # noqa: E402
from bench.star_corpus import (  # noqa: E402
    CORPUS_DIR,
    Prepared,
    fixture_answers,
    load_corpus,
    prepare,
    truth_sections,
)
from voicecoach.analysis import sections, star_model  # noqa: E402
from voicecoach.analysis.text import sentence_spans  # noqa: E402
from voicecoach.domain import SECTION_NAMES  # noqa: E402

OUT = ROOT / "voicecoach" / "analysis" / "data" / star_model.MODEL_FILE
LIVE_OUT = OUT.with_name(star_model.LIVE_MODEL_FILE)

# Chosen by --select (leave-one-author-out over the train and dev authors); see
# docs/decisions/star-splitter.md for the search and its figures.
MIN_COUNT = 2
L2 = 3e-4
ITERATIONS = 400
LIVE_SHARE = 0.3  # weight of the position-less copy of each unit (see Design)
_LIVE_UNKNOWN = ("pos:", "last unit", "last sentence", "early|", "middle|", "late|")
LEARNING_RATE = 0.05
# The live model's training answers are cut after every word that ends in punctuation (where a
# steady speaker pauses, and so where the streaming transcriber's split points fall); the
# expected length only marks the answer as unfinished.
LIVE_CUT_AFTER = (",", ";", ":", "—", "-", ".", "?", "!")
LIVE_EXPECTED_S = 120.0
DECODER = star_model.DecoderParams(
    emission_scale=1.0,
    switch=1.0,
    clause_switch=2.0,
    missing=(2.0, 2.0, 2.0, 2.0),
    duration_weight=0.0,
)


# --- data ------------------------------------------------------------------------------------


def training_answers() -> list[Prepared]:
    answers = load_corpus(("train", "dev")) + fixture_answers("dev")
    return [prepare(a) for a in answers]


class Design:
    """Sparse unit x feature matrix (binary), labels and weights, for one set of answers."""

    def __init__(self, prepared: Sequence[Prepared], index: dict[str, int]) -> None:
        examples: list[tuple[Sequence[str], int, float]] = []
        for p in prepared:
            for u, f, lab in zip(p.units, p.feats, p.unit_labels, strict=True):
                # every unit twice: as in a finished answer, and without its position, as
                # while the answer is still being spoken (live coaching)
                for keep_position, share in ((True, 1.0), (False, LIVE_SHARE)):
                    names = [
                        n for n in f.values if keep_position or not n.startswith(_LIVE_UNKNOWN)
                    ]
                    examples.append((names, lab, share * (u.last - u.first + 1)))
        self._fill(examples, index)

    def _fill(
        self, examples: Sequence[tuple[Sequence[str], int, float]], index: dict[str, int]
    ) -> None:
        """The matrix of `examples` (feature names, label, weight), over the features `index`
        knows; weights scaled to a mean of 1."""
        rows: list[int] = []
        cols: list[int] = []
        for r, (names, _label, _weight) in enumerate(examples):
            for name in names:
                c = index.get(name)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.y = np.array([label for _names, label, _weight in examples], dtype=np.int64)
        w = np.array([weight for _names, _label, weight in examples])
        self.w = w / np.mean(w)
        self.n, self.f = len(examples), len(index)

    def scores(self, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
        z = np.tile(bias, (self.n, 1))
        for k in range(4):
            z[:, k] += np.bincount(self.rows, weights=weights[self.cols, k], minlength=self.n)
        return z


def feature_index(
    prepared: Sequence[Prepared], min_count: int, drop: Sequence[str] = ()
) -> dict[str, int]:
    """Features seen in at least `min_count` units, less any whose name contains a `drop` tag."""
    counts: Counter[str] = Counter()
    for p in prepared:
        for f in p.feats:
            counts.update(f.values)
    names = sorted(n for n, c in counts.items() if c >= min_count and not any(d in n for d in drop))
    return {n: i for i, n in enumerate(names)}


def fit(
    prepared: Sequence[Prepared],
    l2: float = L2,
    min_count: int = MIN_COUNT,
    drop: Sequence[str] = (),
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch Adam (deterministic)."""
    index = feature_index(prepared, min_count, drop)
    weights, bias = _adam(Design(prepared, index), l2)
    return index, weights, bias


# --- the live model ----------------------------------------------------------------------------


def live_rows(p: Prepared) -> list[tuple[tuple[str, ...], int, float, int]]:
    """One answer as live coaching hears it: cut after every word that ends in punctuation,
    each cut's units with `star_model.live_features` (the last unit is the front), labelled with
    the true section of most of their words. Each unit weighs its length in words as a front
    and again as one of the units before the front, however many cuts it appears in."""
    cuts = [i + 1 for i, w in enumerate(p.words) if w.text.rstrip().endswith(LIVE_CUT_AFTER)]
    if not cuts or cuts[-1] != len(p.words):
        cuts.append(len(p.words))
    heard: list[tuple[list[star_model.Unit], list[star_model.UnitFeatures]]] = []
    for n in cuts:
        words = p.words[:n]
        units, feats = sections.answer_features(words, sentence_spans(words), None, LIVE_EXPECTED_S)
        heard.append((units, star_model.live_features(feats)))
    seen = Counter((u.first, i == len(us) - 1) for us, _ in heard for i, u in enumerate(us))
    rows = []
    for units, feats in heard:
        for i, (u, f) in enumerate(zip(units, feats, strict=True)):
            counts = [0] * 4
            for lab in p.labels[u.first : u.last + 1]:
                counts[SECTION_NAMES.index(lab)] += 1
            label = max(range(4), key=lambda k: (counts[k], -k))
            share = (u.last - u.first + 1) / seen[(u.first, i == len(units) - 1)]
            rows.append((tuple(sorted(f.values)), label, share, u.first))
    return rows


_LIVE_ROWS: dict[tuple[str, str], list[tuple[tuple[str, ...], int, float, int]]] = {}


def cached_live_rows(p: Prepared) -> list[tuple[tuple[str, ...], int, float, int]]:
    """`live_rows` once per answer and process: leave-one-author-out fits the live model many
    times on the same answers, and cutting them is most of the work."""
    key = (p.answer.author, p.answer.id)
    if key not in _LIVE_ROWS:
        _LIVE_ROWS[key] = live_rows(p)
    return _LIVE_ROWS[key]


class LiveDesign(Design):
    """`Design` for the live model: rows with the same features and label are merged."""

    def __init__(self, prepared: Sequence[Prepared], min_count: int = MIN_COUNT) -> None:
        merged: dict[tuple[tuple[str, ...], int], float] = {}
        counts: Counter[str] = Counter()  # in how many units of the corpus (not cuts) a feature is
        for p in prepared:
            in_unit: dict[int, set[str]] = {}
            for names, label, share, first in cached_live_rows(p):
                merged[(names, label)] = merged.get((names, label), 0.0) + share
                in_unit.setdefault(first, set()).update(names)
            for names in in_unit.values():
                counts.update(names)
        self.index = {
            n: i for i, n in enumerate(sorted(n for n, c in counts.items() if c >= min_count))
        }
        self._fill([(names, label, w) for (names, label), w in merged.items()], self.index)


def fit_live(
    prepared: Sequence[Prepared], l2: float = L2
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """The live model, fitted as the main one (same penalty, steps and features)."""
    d = LiveDesign(prepared)
    weights, bias = _adam(d, l2)
    return d.index, weights, bias


def _adam(d: Design, l2: float) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch Adam from zero weights on the weighted log loss plus an L2 penalty."""
    weights = np.zeros((d.f, 4))
    bias = np.zeros(4)
    onehot = np.eye(4)[d.y]
    m_w, v_w = np.zeros_like(weights), np.zeros_like(weights)
    m_b, v_b = np.zeros(4), np.zeros(4)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, ITERATIONS + 1):
        p = star_model.softmax_rows(d.scores(weights, bias))
        g = (p - onehot) * d.w[:, None] / d.n
        gw = np.stack(
            [np.bincount(d.cols, weights=g[d.rows, k], minlength=d.f) for k in range(4)], axis=1
        )
        gw += l2 * weights
        gb = g.sum(axis=0)
        m_w = b1 * m_w + (1 - b1) * gw
        v_w = b2 * v_w + (1 - b2) * gw * gw
        m_b = b1 * m_b + (1 - b1) * gb
        v_b = b2 * v_b + (1 - b2) * gb * gb
        corr = np.sqrt(1 - b2**t) / (1 - b1**t)
        weights -= LEARNING_RATE * corr * m_w / (np.sqrt(v_w) + eps)
        bias -= LEARNING_RATE * corr * m_b / (np.sqrt(v_b) + eps)
    return weights, bias


def make_model(
    index: dict[str, int],
    weights: np.ndarray,
    bias: np.ndarray,
    decoder: star_model.DecoderParams,
    meta: dict,
) -> star_model.StarModel:
    return star_model.StarModel(index, weights, bias, decoder, meta)


# --- evaluation ------------------------------------------------------------------------------


def decode(p: Prepared, logp: np.ndarray, dec: star_model.DecoderParams) -> list[int]:
    costs = sections.DecodeCosts.for_model(dec, sections.load_star_lexicon())
    return sections._decode(
        [tuple(float(x) for x in dec.emission_scale * row) for row in logp],  # type: ignore[misc]
        costs,
        [0.0 if u.opens_sentence else dec.clause_switch for u in p.units],
        starts=[p.words[u.first].start_s for u in p.units],
        end_s=p.words[p.units[-1].last].end_s,
    )


def agreement(p: Prepared, unit_labels: Sequence[int]) -> float:
    word_labels = [SECTION_NAMES[0]] * len(p.words)
    for u, k in zip(p.units, unit_labels, strict=True):
        for i in range(u.first, u.last + 1):
            word_labels[i] = SECTION_NAMES[k]
    return section_agreement(truth_sections(p.words, word_labels), p.truth)


def out_of_fold(
    prepared: Sequence[Prepared], l2: float, min_count: int, drop: Sequence[str] = ()
) -> list[np.ndarray]:
    """Each answer's log-probabilities from a model fitted without its author."""
    out: list[np.ndarray | None] = [None] * len(prepared)
    authors = sorted({p.answer.author for p in prepared})
    for a in authors:
        train = [p for p in prepared if p.answer.author != a]
        index, weights, bias = fit(train, l2, min_count, drop)
        model = make_model(index, weights, bias, DECODER, {})
        for i, p in enumerate(prepared):
            if p.answer.author == a:
                out[i] = model.log_proba(p.feats)
    return out  # type: ignore[return-value]


def report(prepared: Sequence[Prepared], scores: Sequence[float], title: str) -> None:
    by_author: dict[str, list[float]] = {}
    by_style: dict[str, list[float]] = {}
    for p, s in zip(prepared, scores, strict=True):
        by_author.setdefault(p.answer.author, []).append(s)
        by_style.setdefault(p.answer.style, []).append(s)
    print(f"{title}: {np.mean(scores):.3f} over {len(scores)} answers")
    print(
        "  by author: " + "  ".join(f"{a} {np.mean(v):.3f}" for a, v in sorted(by_author.items()))
    )
    print("  by style:  " + "  ".join(f"{a} {np.mean(v):.3f}" for a, v in sorted(by_style.items())))


def select(prepared: Sequence[Prepared]) -> None:
    """Leave-one-author-out: the L2 penalty, then the decoder costs on out-of-fold emissions."""
    best: tuple[float, float, list[np.ndarray]] | None = None
    for l2 in (1e-4, 3e-4, 1e-3, 3e-3):
        t0 = time.perf_counter()
        oof = out_of_fold(prepared, l2, MIN_COUNT)
        acc = [agreement(p, decode(p, lp, DECODER)) for p, lp in zip(prepared, oof, strict=True)]
        secs = time.perf_counter() - t0
        print(f"l2={l2:g}: out-of-fold agreement {np.mean(acc):.3f} ({secs:.0f} s)")
        if best is None or np.mean(acc) > best[0]:
            best = (float(np.mean(acc)), l2, oof)
    assert best is not None
    _, l2, oof = best
    print(f"chosen l2={l2:g}; searching decoder costs")
    grid_best = (-1.0, DECODER)
    for switch in (0.5, 1.0, 2.0):
        for clause in (0.5, 1.0, 2.0):
            for miss in (0.5, 1.0, 2.0):
                for dur in (0.0, 2.0, 5.0):
                    dec = replace(
                        DECODER,
                        switch=switch,
                        clause_switch=clause,
                        missing=(miss, miss, miss, miss),
                        duration_weight=dur,
                    )
                    acc = np.mean(
                        [
                            agreement(p, decode(p, lp, dec))
                            for p, lp in zip(prepared, oof, strict=True)
                        ]
                    )
                    if acc > grid_best[0]:
                        grid_best = (float(acc), dec)
    acc, dec = grid_best
    print(f"best decoder: {dec} -> out-of-fold agreement {acc:.3f}")
    scores = [agreement(p, decode(p, lp, dec)) for p, lp in zip(prepared, oof, strict=True)]
    report(prepared, scores, "out-of-fold (one author held out at a time)")


def model_text(model: star_model.StarModel) -> str:
    """The model as JSON with one feature per line, so a retrained model diffs readably."""
    d = model.to_json()
    weights = d.pop("weights")
    head = json.dumps(d, indent=1)
    rows = ",\n".join(f"  {json.dumps(n)}: {json.dumps(w)}" for n, w in weights.items())
    return head[:-2] + ',\n "weights": {\n' + rows + "\n }\n}\n"


def corpus_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(CORPUS_DIR.glob("*.toml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--select", action="store_true", help="leave-one-author-out search")
    ap.add_argument("--check", action="store_true", help="fit and compare with the committed file")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--live-out", type=Path, default=LIVE_OUT, help="where the live model goes")
    ap.add_argument(
        "--ablate",
        action="append",
        default=[],
        metavar="TAG",
        help="leave out features whose name contains TAG (e.g. 'cue:', 'prev:'); with --out",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    prepared = training_answers()
    authors = Counter(p.answer.author for p in prepared)
    print(
        f"{len(prepared)} answers by {len(authors)} authors: "
        + ", ".join(f"{a} {n}" for a, n in sorted(authors.items()))
    )
    if args.select:
        select(prepared)
        return 0
    if args.ablate and args.out == OUT:
        ap.error("--ablate writes a variant: give it its own --out file")
    if args.ablate:
        oof_acc = [
            agreement(p, decode(p, lp, DECODER))
            for p, lp in zip(
                prepared, out_of_fold(prepared, L2, MIN_COUNT, args.ablate), strict=True
            )
        ]
        report(prepared, oof_acc, f"out-of-fold without {args.ablate}")
    index, weights, bias = fit(prepared, drop=args.ablate)
    meta = {
        "trained_on": sorted(authors),
        "answers": len(prepared),
        "units": sum(len(p.units) for p in prepared),
        "corpus": corpus_digest(),
        "l2": L2,
        "min_count": MIN_COUNT,
        "iterations": ITERATIONS,
        "without": args.ablate,
    }
    model = make_model(index, weights, bias, DECODER, meta)
    files = [(args.out, model_text(model))]
    if not args.ablate:  # the live model (answers cut short; see live_rows)
        live_index, live_weights, live_bias = fit_live(prepared)
        live_meta = {
            "trained_on": sorted(authors),
            "answers": len(prepared),
            "corpus": corpus_digest(),
            "l2": L2,
            "min_count": MIN_COUNT,
            "iterations": ITERATIONS,
            "cut_after": "".join(LIVE_CUT_AFTER),
        }
        live_model = make_model(live_index, live_weights, live_bias, DECODER, live_meta)
        files.append((args.live_out, model_text(live_model)))
    if args.check:
        stale = [
            path
            for path, written in files
            if not path.exists() or path.read_text("utf-8") != written
        ]
        for path, _ in files:
            state = "differs from a fresh fit" if path in stale else "is up to date"
            print(f"model file {path.name} {state}")
        return 1 if stale else 0
    for path, written in files:
        path.write_text(written, encoding="utf-8")
    fitted = [agreement(p, decode(p, model.log_proba(p.feats), DECODER)) for p in prepared]
    report(prepared, fitted, "fit (seen answers, not a measure of generalisation)")
    for path, _ in files:
        print(f"wrote {path}: {path.stat().st_size // 1024} KB")
    print(f"{len(index)} features in the main model, {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
