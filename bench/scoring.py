"""Scoring of predicted STAR sections and fillers against synthesized ground truth.

Pure functions, no I/O: used by `bench/accuracy.py` and by end-to-end tests. Sections and
fillers may be given as domain objects (`Section`, `Filler`, the fixtures' `TruthSection` ...),
as dicts with the same keys, or sections as `(name, start_s, end_s)` tuples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SECTION_ORDER = ("situation", "task", "action", "result")

Span = tuple[str, float, float]


# --- sections -------------------------------------------------------------------------------


def as_spans(sections: Iterable[Any]) -> list[Span]:
    """(name, start_s, end_s) for tuples, dicts or objects with name/start_s/end_s."""
    out: list[Span] = []
    for s in sections:
        if isinstance(s, Mapping):
            out.append((str(s["name"]), float(s["start_s"]), float(s["end_s"])))
        elif isinstance(s, tuple):
            name, start, end = s
            out.append((str(name), float(start), float(end)))
        else:
            out.append((str(s.name), float(s.start_s), float(s.end_s)))
    return out


def _label_at(spans: Sequence[Span], t: float) -> str | None:
    """The label covering time t; where spans overlap, the one that started last wins."""
    best: Span | None = None
    for span in spans:
        if span[1] <= t < span[2] and (best is None or span[1] >= best[1]):
            best = span
    return best[0] if best else None


def section_agreement(pred: Iterable[Any], truth: Iterable[Any]) -> float:
    """Fraction of the answer's time where the predicted section equals the true one.

    The answer runs from the first true section's start to the last one's end. Time no
    predicted section covers counts against the prediction unless truth is uncovered there too.
    """
    p, t = as_spans(pred), as_spans(truth)
    if not t:
        raise ValueError("truth has no sections")
    lo, hi = min(s[1] for s in t), max(s[2] for s in t)
    if hi <= lo:
        raise ValueError("truth sections have no duration")
    cuts = sorted({lo, hi, *(x for s in p + t for x in s[1:] if lo < x < hi)})
    agree = 0.0
    for a, b in zip(cuts, cuts[1:], strict=False):
        mid = (a + b) / 2
        if _label_at(p, mid) == _label_at(t, mid):
            agree += b - a
    return agree / (hi - lo)


def section_durations(sections: Iterable[Any]) -> dict[str, float]:
    """Total seconds per section name (a name split over several spans is summed)."""
    out: dict[str, float] = {}
    for name, start, end in as_spans(sections):
        out[name] = out.get(name, 0.0) + max(0.0, end - start)
    return out


def section_duration_errors(pred: Iterable[Any], truth: Iterable[Any]) -> dict[str, float]:
    """|predicted - true| duration per section present on either side (missing = 0 s)."""
    dp, dt = section_durations(pred), section_durations(truth)
    names = [n for n in SECTION_ORDER if n in dp or n in dt]
    names += sorted((set(dp) | set(dt)) - set(SECTION_ORDER))
    return {n: abs(dp.get(n, 0.0) - dt.get(n, 0.0)) for n in names}


# --- fillers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FillerItem:
    text: str
    kind: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class FillerDetails:
    """Which fillers matched, which true ones were missed and which predictions were wrong."""

    matched: tuple[tuple[FillerItem, FillerItem], ...]  # (predicted, true)
    missed: tuple[FillerItem, ...]
    false_alarms: tuple[FillerItem, ...]
    n_pred: int = field(default=0)
    n_truth: int = field(default=0)

    @property
    def n_matched(self) -> int:
        return len(self.matched)


_PUNCT = re.compile(r"[^\w' ]+")


def norm_filler(text: str) -> str:
    """'You know,' -> 'you know'; 'Um...' -> 'um'."""
    return " ".join(_PUNCT.sub(" ", text.lower().replace("\u2019", "'")).split())


def _as_filler(f: Any) -> FillerItem:
    if isinstance(f, Mapping):
        return FillerItem(
            norm_filler(f["text"]), str(f["kind"]), float(f["start_s"]), float(f["end_s"])
        )
    return FillerItem(norm_filler(f.text), str(f.kind), float(f.start_s), float(f.end_s))


def _contains(outer: str, inner: str) -> bool:
    return f" {inner} " in f" {outer} "


def _compatible(p: FillerItem, t: FillerItem, any_filled_pause_spelling: bool) -> bool:
    # "yeah so" found where the script marks only "so": the same filler with a wider extent
    if p.text and t.text and (_contains(p.text, t.text) or _contains(t.text, p.text)):
        return True
    if t.kind == "filled_pause":
        if p.kind == "unlabelled":
            return True
        # "ah" heard as "uh", "hmm" written "um": the spelling of a hesitation is Whisper's whim
        if any_filled_pause_spelling and p.kind == "filled_pause":
            return True
    return False


def _gap(p: FillerItem, t: FillerItem) -> float:
    """Seconds between two intervals, 0 when they overlap."""
    return max(0.0, max(p.start_s, t.start_s) - min(p.end_s, t.end_s))


def filler_scores(
    pred_fillers: Iterable[Any],
    truth_fillers: Iterable[Any],
    tolerance_s: float = 0.5,
    any_filled_pause_spelling: bool = True,
) -> tuple[float, float, FillerDetails]:
    """(recall, precision, details) with one-to-one matching by time.

    A prediction matches a true filler of the same words within `tolerance_s` (gap between the
    two intervals; overlapping ones have gap 0); one whose words contain the other's ("yeah so"
    for a true "so") matches too. An unlabelled voiced gap ("(voiced pause)")
    matches a true filled pause of any spelling, and with `any_filled_pause_spelling` so does a
    predicted filled pause. Closest pairs are matched first. Recall is 1 when there is no true
    filler, precision 1 when nothing is predicted.
    """
    preds = [_as_filler(f) for f in pred_fillers]
    truths = [_as_filler(f) for f in truth_fillers]
    pairs = []
    for i, p in enumerate(preds):
        for j, t in enumerate(truths):
            if not _compatible(p, t, any_filled_pause_spelling):
                continue
            gap = _gap(p, t)
            if gap <= tolerance_s:
                centre = abs((p.start_s + p.end_s) - (t.start_s + t.end_s)) / 2
                exact = 0 if p.text == t.text else 1
                pairs.append((gap, exact, centre, i, j))
    pairs.sort()
    used_p: set[int] = set()
    used_t: set[int] = set()
    matched = []
    for _gap_s, _exact, _centre, i, j in pairs:
        if i in used_p or j in used_t:
            continue
        used_p.add(i)
        used_t.add(j)
        matched.append((preds[i], truths[j]))
    matched.sort(key=lambda m: m[1].start_s)
    details = FillerDetails(
        matched=tuple(matched),
        missed=tuple(t for j, t in enumerate(truths) if j not in used_t),
        false_alarms=tuple(p for i, p in enumerate(preds) if i not in used_p),
        n_pred=len(preds),
        n_truth=len(truths),
    )
    recall = len(matched) / len(truths) if truths else 1.0
    precision = len(matched) / len(preds) if preds else 1.0
    return recall, precision, details


# --- naive baseline ---------------------------------------------------------------------------

# Textbook cue phrases, as an interview guide would print them. The baseline only moves forward
# (situation -> task -> action -> result) and only on a sentence holding one of these.
NAIVE_CUES: dict[str, tuple[str, ...]] = {
    "situation": ("the situation", "situation was", "the context", "background"),
    "task": (
        "my task",
        "the task",
        "my job was",
        "my role was",
        "i was responsible",
        "i was asked to",
        "my goal",
        "the goal was",
        "my responsibility",
    ),
    "action": (
        "i decided",
        "what i did",
        "the first thing i did",
        "i started by",
        "my approach",
        "the action",
    ),
    "result": (
        "as a result",
        "the result",
        "in the end",
        "the outcome",
        "ended up",
        "resulted in",
        "what i learned",
    ),
}


def naive_cue_split(
    words: Sequence[Any], cues: Mapping[str, Sequence[str]] = NAIVE_CUES
) -> list[Span]:
    """A cue-phrase splitter for comparison: sections change only at textbook cue sentences.

    `words` have `text`, `start_s`, `end_s` (domain `Word`). Starts in Situation; a sentence
    containing a cue of a later section starts that section. A section runs to the start of
    the next one; the last ends at the last word.
    """
    from voicecoach.analysis.text import sentence_spans

    if not words:
        return []
    current = 0
    labelled: list[tuple[int, int, int]] = []  # (first, last, section rank)
    for first, last in sentence_spans(words):
        text = " " + " ".join(norm_filler(w.text) for w in words[first : last + 1]) + " "
        for rank in range(len(SECTION_ORDER) - 1, current, -1):
            if any(f" {c} " in text for c in cues.get(SECTION_ORDER[rank], ())):
                current = rank
                break
        labelled.append((first, last, current))
    spans: list[Span] = []
    for first, _last, rank in labelled:
        if not spans or spans[-1][0] != SECTION_ORDER[rank]:
            if spans:
                name, start, _ = spans[-1]
                spans[-1] = (name, start, words[first].start_s)
            spans.append((SECTION_ORDER[rank], words[first].start_s, words[first].start_s))
    name, start, _ = spans[-1]
    spans[-1] = (name, start, words[-1].end_s)
    return spans
