"""The STAR splitter: which sentences of an answer are Situation, Task, Action and Result.

Each sentence is scored for each section from cue phrases, verb classes, numbers and a weak
prior on its position in the answer (all weights in `data/star.toml`). The labelling is then
decoded as a whole: sections come in S -> T -> A -> R order, may be skipped, never revisited,
and every change of section costs a little, so one stray cue cannot pull a lone sentence out
of the section around it. Every sentence keeps a short reason a person can check.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from voicecoach.analysis import star_model
from voicecoach.analysis.text import norm, sentence_text
from voicecoach.domain import SECTION_NAMES, Section, SectionName, SectionTargets, Sentence, Word

Vec = tuple[float, float, float, float]
_ZERO: Vec = (0.0, 0.0, 0.0, 0.0)
_K = len(SECTION_NAMES)
_TITLE = {name: name.capitalize() for name in SECTION_NAMES}
_NUMBER = re.compile(r"^\$?\d[\d,.]*(k|m|x|s|th|st|nd|rd)?$")
_YEAR = re.compile(r"^(19|20)\d\d$")
# evidence worth naming in a reason; weaker pushes read as "continues ..." or "position ..."
_REASON_MIN = 0.75
# While an answer is being spoken (docs/decisions/star-splitter.md#live): each unit's scores
# are the main model's position-less log-probabilities mixed with the live model's (trained on
# answers cut short, `star_model.live_features`) at this weight ...
LIVE_MODEL_WEIGHT = 0.3
# ... and the section of the last unit heard is the one with the most probability summed over
# every labelling of the words so far (the forward algorithm), not the end of the single best
# labelling, with the unit scores tempered by this factor (they count the neighbours' words
# twice, once in each unit's context features). Both chosen leave-one-author-out on the train
# and dev authors (bench/live_text.py --oof).
LIVE_FRONT_TEMPER = 0.6


# --- lexicon -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CueGroup:
    """Phrases or patterns that, when any matches, add `weights` to a sentence's scores."""

    name: str
    weights: Vec
    start: Vec  # added on top when the match opens the sentence
    regexes: tuple[re.Pattern[str], ...]
    literal: bool  # phrases (reason says 'cue "..."') rather than patterns
    first_only: bool = False
    last_only: bool = False
    not_first: bool = False  # never counts in the answer's first sentence
    start_only: bool = False  # counts only when the match opens the sentence
    skip_if: frozenset[str] = frozenset()  # not counted when one of these groups matched


@dataclass(frozen=True)
class StarLexicon:
    cues: tuple[CueGroup, ...]
    bias: Vec
    missing: Vec  # cost of a section being absent from the answer
    switch: float  # cost of each change of section
    start_fillers: frozenset[str]
    position_weight: float
    position: tuple[tuple[float, float], ...]  # expected [from, to] share of the answer
    number_words: frozenset[str]
    number_weights: Vec
    small_number_words: frozenset[str]
    small_number_weights: Vec
    multiple_weights: Vec
    year_weights: Vec
    # a sentence opening with one of these finishes the one before (Whisper often cuts
    # "..., so a bad config gets rejected" into its own sentence): it never starts a section
    glue: tuple[re.Pattern[str], ...] = ()
    glue_min_words: int = 0  # shorter sentences (fillers aside) never start a section
    # plausible share of the answer's time for each section, and the cost per unit of share
    # outside it (a Result of half the answer is rarely what a person meant)
    duration_weight: float = 0.0
    duration: tuple[tuple[float, float], ...] = ((0.0, 1.0),) * 4
    duration_min_sentences: int = 0  # shorter answers: no duration prior at all


def _vec(d: Mapping[str, Any] | None) -> Vec:
    d = d or {}
    unknown = set(d) - set(SECTION_NAMES)
    if unknown:
        raise ValueError(f"star.toml: unknown section name(s) {sorted(unknown)}")
    s, t, a, r = (float(d.get(n, 0.0)) for n in SECTION_NAMES)
    return (s, t, a, r)


_CUE_KEYS = frozenset(
    "name weights start phrases patterns first_only last_only not_first start_only skip_if".split()
)


def _phrase_regex(phrases: Sequence[str]) -> re.Pattern[str]:
    alts = sorted({" ".join(p.lower().split()) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w'])")


def parse_star_lexicon(data: Mapping[str, Any]) -> StarLexicon:
    """Build a lexicon from the parsed contents of a star.toml (the tuner passes variants)."""
    cues: list[CueGroup] = []
    for c in data.get("cue", []):
        unknown = set(c) - _CUE_KEYS
        if unknown:  # a misspelt flag would otherwise silently do nothing
            raise ValueError(
                f"star.toml: cue {c.get('name', '?')!r}: unknown key(s) {sorted(unknown)}"
            )
        phrases, patterns = c.get("phrases", []), c.get("patterns", [])
        regexes = ([_phrase_regex(phrases)] if phrases else []) + [re.compile(p) for p in patterns]
        cues.append(
            CueGroup(
                name=c["name"],
                weights=_vec(c.get("weights")),
                start=_vec(c.get("start")),
                regexes=tuple(regexes),
                literal=bool(phrases),
                first_only=bool(c.get("first_only", False)),
                last_only=bool(c.get("last_only", False)),
                not_first=bool(c.get("not_first", False)),
                start_only=bool(c.get("start_only", False)),
                skip_if=frozenset(c.get("skip_if", [])),
            )
        )
    dec, pos, num = data.get("decoder", {}), data.get("position", {}), data.get("numbers", {})
    dur = data.get("duration", {})
    return StarLexicon(
        cues=tuple(cues),
        bias=_vec(data.get("bias")),
        missing=_vec(dec.get("missing")),
        switch=float(dec.get("switch", 1.0)),
        start_fillers=frozenset(dec.get("start_fillers", [])),
        position_weight=float(pos.get("weight", 0.0)),
        position=tuple(tuple(map(float, pos.get(n, (0.0, 1.0)))) for n in SECTION_NAMES),  # type: ignore[misc]
        number_words=frozenset(num.get("words", [])),
        number_weights=_vec(num.get("weights")),
        small_number_words=frozenset(num.get("small_words", [])),
        small_number_weights=_vec(num.get("small_weights")),
        multiple_weights=_vec(num.get("multiple")),
        year_weights=_vec(num.get("year_weights")),
        glue=tuple(re.compile(p) for p in data.get("glue", {}).get("patterns", [])),
        glue_min_words=int(data.get("glue", {}).get("min_words", 0)),
        duration_weight=float(dur.get("weight", 0.0)),
        duration_min_sentences=int(dur.get("min_sentences", 0)),
        duration=tuple(
            tuple(map(float, dur.get(n, (0.0, 1.0))))  # type: ignore[misc]
            for n in SECTION_NAMES
        ),
    )


def read_star_toml() -> dict[str, Any]:
    """The bundled star.toml, parsed (a fresh dict each call, safe to modify)."""
    text = resources.files("voicecoach.analysis.data").joinpath("star.toml").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def load_star_lexicon() -> StarLexicon:
    """The bundled STAR lexicon (data/star.toml), parsed once."""
    return parse_star_lexicon(read_star_toml())


# --- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence found in a sentence and what it adds to each section's score."""

    label: str  # 'cue "my job was"', 'numbers "30 percent"'
    weights: Vec
    span: tuple[int, int] = (-1, -1)  # where in the normalised sentence text, if a cue


def _tokens(words: Sequence[Word], first: int, last: int) -> list[str]:
    out: list[str] = []
    for w in words[first : last + 1]:
        raw = w.text.lower().replace("\u2019", "'").replace("%", " percent")
        out.extend(t for t in (norm(p) for p in raw.split()) if t)
    return out


def _add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2], a[3] + k * b[3])


def _opens(text: str, pos: int, fillers: frozenset[str]) -> bool:
    """True when only fillers ("so", "um", "you know") come before `pos`."""
    before = text[:pos].split()
    i = 0
    while i < len(before):
        if " ".join(before[i : i + 2]) in fillers:
            i += 2
        elif before[i] in fillers:
            i += 1
        else:
            return False
    return True


def _find(
    regexes: Sequence[re.Pattern[str]], text: str, start_only: bool, fillers: frozenset[str]
) -> tuple[bool, re.Match[str]] | None:
    """The first match, preferring one that opens the sentence: (at_start, match)."""
    best: tuple[bool, re.Match[str]] | None = None
    for rx in regexes:
        for m in rx.finditer(text):
            at_start = _opens(text, m.start(), fillers)
            if start_only and not at_start:
                continue
            if at_start:
                return (True, m)
            if best is None:
                best = (False, m)
    return best


def _cue_hits(
    tokens: list[str], is_first: bool, is_last: bool, lex: StarLexicon
) -> list[tuple[CueGroup, bool, re.Match[str]]]:
    """The cue groups that match (after `skip_if`): (group, match opens the sentence, match)."""
    text = " ".join(tokens)
    hits: list[tuple[CueGroup, bool, re.Match[str]]] = []
    for g in lex.cues:
        if (g.first_only and not is_first) or (g.last_only and not is_last):
            continue
        if g.not_first and is_first:
            continue
        hit = _find(g.regexes, text, g.start_only, lex.start_fillers)
        if hit is not None:
            hits.append((g, *hit))
    matched_groups = {g.name for g, _, _ in hits}
    return [h for h in hits if not (h[0].skip_if & matched_groups)]


def _numbers(tokens: list[str], lex: StarLexicon) -> tuple[list[str], list[str], list[str]]:
    """Years, measures ("percent", "half") and plain counts among the tokens."""
    years = [t for t in tokens if _YEAR.match(t)]
    measures = [t for t in tokens if t in lex.number_words]
    counts = [
        t
        for t in tokens
        if (_NUMBER.match(t) and not _YEAR.match(t)) or t in lex.small_number_words
    ]
    return years, measures, counts


def _evidence(tokens: list[str], is_first: bool, is_last: bool, lex: StarLexicon) -> list[Evidence]:
    found: list[Evidence] = []
    for g, at_start, m in _cue_hits(tokens, is_first, is_last, lex):
        w = _add(g.weights, g.start) if at_start else g.weights
        label = f'cue "{m.group(0)}"' if g.literal else f'{g.name} "{m.group(0)}"'
        found.append(Evidence(label, w, m.span()))
    years, measures, counts = _numbers(tokens, lex)
    nums = measures + counts
    if years:
        found.append(Evidence(f'year "{years[0]}"', lex.year_weights))
    if nums:
        w = lex.number_weights if measures else lex.small_number_weights
        if len(nums) > 1:
            w = _add(w, lex.multiple_weights)
        found.append(Evidence(f'numbers "{", ".join(nums[:3])}"', w))
    return found


def _glue(tokens: list[str], lex: StarLexicon) -> str | None:
    """The words showing that a sentence finishes the previous one, if it does."""
    hit = _find(lex.glue, " ".join(tokens), True, lex.start_fillers)
    if hit:
        return hit[1].group(0)
    content = [t for t in tokens if t not in lex.start_fillers]
    if len(content) < lex.glue_min_words:
        return " ".join(tokens) or "…"
    return None


def _outside(x: float, lo: float, hi: float) -> float:
    """How far x lies outside [lo, hi] (0 inside)."""
    return lo - x if x < lo else (x - hi if x > hi else 0.0)


def _position_prior(p: float, lex: StarLexicon) -> Vec:
    out = [-lex.position_weight * _outside(p, lo, hi) for lo, hi in lex.position]
    return (out[0], out[1], out[2], out[3])


@dataclass(frozen=True)
class DecodeCosts:
    """What the decoder charges besides the sentence scores."""

    missing: Vec  # a section absent from the answer
    switch: float  # each change of section
    duration_weight: float = 0.0  # per unit of a section's share outside its plausible range
    duration: tuple[tuple[float, float], ...] = ((0.0, 1.0),) * 4
    duration_min_units: int = 0  # shorter answers: no duration prior at all

    @classmethod
    def from_lexicon(cls, lex: StarLexicon) -> DecodeCosts:
        return cls(
            lex.missing, lex.switch, lex.duration_weight, lex.duration, lex.duration_min_sentences
        )

    @classmethod
    def for_model(cls, d: star_model.DecoderParams, lex: StarLexicon) -> DecodeCosts:
        """The model's own costs, with the lexicon's plausible section shares."""
        return cls(d.missing, d.switch, d.duration_weight, lex.duration, lex.duration_min_sentences)


def _decode(
    scores: Sequence[Vec],
    costs: DecodeCosts,
    start_cost: Sequence[float] = (),
    open_end: bool = False,
    starts: Sequence[float] = (),
    end_s: float = 0.0,
) -> list[int]:
    """Best monotonic labelling: sections in S,T,A,R order, each possibly absent (see
    `_decode_ends`)."""
    return _decode_ends(scores, costs, start_cost, open_end, starts, end_s)[0]


def _decode_ends(
    scores: Sequence[Vec],
    costs: DecodeCosts,
    start_cost: Sequence[float] = (),
    open_end: bool = False,
    starts: Sequence[float] = (),
    end_s: float = 0.0,
) -> tuple[list[int], Vec]:
    """Best monotonic labelling: sections in S,T,A,R order, each possibly absent, and for each
    section k the score of the best labelling that has reached k (its last unit in k, or in an
    earlier section with k paid as missing): how well the answer so far fits ending there,
    what live coaching weighs before moving on.

    `start_cost[i]` is charged when a section starts at unit i (i > 0) on top of the switch
    cost: infinite for a sentence that finishes the one before it, a little for a clause inside
    a sentence. With `open_end` (an answer still being spoken) sections after the last one
    heard cost nothing: they are not missing, just not said yet. With unit `starts` (and the
    answer's `end_s`), a section whose share of the answer's time falls outside its plausible
    range costs `duration_weight` per unit of share outside it (not for an open end, nor for
    an answer of fewer than `duration_min_units` units). A section of one unit is never too
    long: a unit cannot be split.
    """
    n = len(scores)
    total = end_s - starts[0] if starts else 0.0
    use_dur = (
        not open_end
        and costs.duration_weight > 0
        and n >= max(1, costs.duration_min_units)
        and total > 0
    )

    def dur_cost(k: int, i: int, j: int) -> float:
        if not use_dur:
            return 0.0
        stop = starts[j] if j < n else end_s
        lo, hi = costs.duration[k]
        if j - i == 1:
            hi = math.inf  # one unit cannot be split, so it is never too long
        return costs.duration_weight * _outside((stop - starts[i]) / total, lo, hi)

    neg = -math.inf
    prefix = [[0.0] * (n + 1) for _ in range(_K)]
    for k in range(_K):
        for j in range(n):
            prefix[k][j + 1] = prefix[k][j] + scores[j][k]
    # f[k][j]: best score with sentences [0, j) labelled using sections 0..k
    f = [[neg] * (n + 1) for _ in range(_K)]
    back: list[list[int]] = [[-1] * (n + 1) for _ in range(_K)]  # start of section k, -1: absent
    for k in range(_K):
        for j in range(n + 1):
            prev = (lambda i: 0.0 if i == 0 else neg) if k == 0 else (lambda i, k=k: f[k - 1][i])
            best, arg = prev(j) - costs.missing[k], -1
            for i in range(j):
                extra = start_cost[i] if 0 < i < len(start_cost) else 0.0
                if extra == math.inf:
                    continue
                base = prev(i)
                if base == neg:
                    continue
                s = base + prefix[k][j] - prefix[k][i] - (costs.switch + extra if i > 0 else 0.0)
                s -= dur_cost(k, i, j)
                if s > best:
                    best, arg = s, i
            f[k][j], back[k][j] = best, arg
    labels = [0] * n
    j = n
    last_k = _K - 1
    if open_end:
        last_k = max(range(_K), key=lambda k: f[k][n])
    for k in range(last_k, -1, -1):
        i = back[k][j]
        if i >= 0:
            for x in range(i, j):
                labels[x] = k
            j = i
    return labels, (f[0][n], f[1][n], f[2][n], f[3][n])


def _reason(k: int, sc: SentenceScore, prev_label: int | None, is_first: bool) -> str:
    name = _TITLE[SECTION_NAMES[k]]
    ev, scores = sc.evidence, sc.scores
    mine = sorted((e for e in ev if e.weights[k] >= _REASON_MIN), key=lambda e: -e.weights[k])
    if sc.glue is not None and prev_label == k and not mine:
        return f'finishes the previous sentence ("{sc.glue}") → {name}'
    if mine:
        # a second piece of evidence is named only when it is other words of the sentence
        a, b = mine[0].span
        shown = [mine[0]] + [e for e in mine[1:] if e.span[1] <= a or e.span[0] >= b]
        return " + ".join(e.label for e in shown[:2]) + f" → {name}"
    if prev_label == k:
        rival = max(range(_K), key=lambda x: scores[x])
        if rival != k:
            stray = [e for e in ev if e.weights[rival] >= _REASON_MIN]
            if stray:
                other = _TITLE[SECTION_NAMES[rival]]
                return f"continues the {name} (a lone {stray[0].label} does not start the {other})"
        return f"continues the {name} (no new cue)"
    if is_first and k == 0:
        return "opens the answer → Situation"
    return f"position in the answer → {name}"


@dataclass(frozen=True)
class SentenceScore:
    """What the decoder sees for one sentence."""

    scores: Vec  # situation, task, action, result
    evidence: tuple[Evidence, ...]
    glue: str | None  # words showing it finishes the previous sentence


def score_sentences(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]],
    lex: StarLexicon,
    expected_s: float | None = None,
) -> list[SentenceScore]:
    """Each sentence's (situation, task, action, result) scores and the evidence behind them.

    `expected_s` marks a partial answer (still being spoken): positions are measured against
    the expected length and no sentence is taken to be the last.
    """
    t0 = words[spans[0][0]].start_s
    total = words[spans[-1][1]].end_s - t0
    if expected_s is not None:
        total = max(total, expected_s)
    n = len(spans)
    out: list[SentenceScore] = []
    for idx, (first, last) in enumerate(spans):
        tokens = _tokens(words, first, last)
        ev = _evidence(tokens, idx == 0, idx == n - 1 and expected_s is None, lex)
        mid = (words[first].start_s + words[last].end_s) / 2
        p = (mid - t0) / total if total > 0 else (idx + 0.5) / n
        sc = _add(lex.bias, _position_prior(min(max(p, 0.0), 1.0), lex))
        for e in ev:
            sc = _add(sc, e.weights)
        out.append(SentenceScore(sc, tuple(ev), _glue(tokens, lex) if idx > 0 else None))
    return out


class _Bundled:
    """Marker: use the bundled section model (or the rules when it cannot be read)."""


BUNDLED = _Bundled()


def splitter_problem() -> str | None:
    """Why the bundled section model cannot be used (the splitter then falls back to the cue
    rules), or why the live model cannot (live coaching then reads the words with the main
    model alone), or None when both are fine. Shown once at start-up."""
    m = star_model.bundled_model()
    if not isinstance(m, star_model.StarModel):
        return str(m)
    live = star_model.bundled_live_model()
    if not isinstance(live, star_model.StarModel):
        return f"{live} Live coaching reads the words with the main section model alone."
    return None


def assign_sections(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]],
    lexicon: StarLexicon | None = None,
    *,
    expected_s: float | None = None,
    model: star_model.StarModel | _Bundled | None = BUNDLED,
    live_model: star_model.StarModel | _Bundled | None = BUNDLED,
) -> tuple[Sentence, ...]:
    """Place each sentence span, or clause of one, in a STAR section, with the reason why.

    With a model (the bundled one by default) the answer is cut into clause units and each is
    scored by the learned model; with `model=None`, or when the bundled model cannot be read,
    whole sentences are scored by the cue rules of star.toml. Either way the labels are decoded
    together in S -> T -> A -> R order. Pass `expected_s` (the target answer length) for an
    answer still being spoken: sections not reached yet are then not treated as missing, and
    positions are not stretched to fit; the units are then also read by `live_model` (the
    bundled live model by default; None: the main model alone).
    """
    return _assign(words, spans, lexicon, expected_s, model, live_model)[0]


@dataclass(frozen=True)
class PartialReading:
    """What the splitter makes of an answer still being spoken (`read_partial`)."""

    sentences: tuple[Sentence, ...]
    fit: Vec  # per section: the decoder's best score for an answer that has reached it
    # the last unit heard on its own, before the decoder weighs its neighbours: the model's
    # log-probabilities (or the cue rules' scores when the model cannot be used)
    front: Vec


def read_partial(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]],
    expected_s: float,
    lexicon: StarLexicon | None = None,
    *,
    model: star_model.StarModel | _Bundled | None = BUNDLED,
    live_model: star_model.StarModel | _Bundled | None = BUNDLED,
) -> PartialReading:
    """An answer still being spoken: its sentences as `assign_sections(expected_s=...)` places
    them; for each section how well the words so far fit an answer that has reached it and no
    further (the decoder's best score ending there; the largest is the section of the last
    sentence: live coaching moves on only when the next section wins by a margin); and how the
    last unit heard reads on its own. The decoder may keep that unit in the set-up for its
    neighbours' sake while its own words already sound like the Action: live coaching then
    holds back a set-up nudge."""
    sentences, fit, front = _assign(words, spans, lexicon, expected_s, model, live_model)
    return PartialReading(sentences, fit, front)


def _assign(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]],
    lexicon: StarLexicon | None,
    expected_s: float | None,
    model: star_model.StarModel | _Bundled | None,
    live_model: star_model.StarModel | _Bundled | None = None,
) -> tuple[tuple[Sentence, ...], Vec, Vec]:
    """Sentences, the decoder's per-section fit, and the last unit's own scores."""
    if not spans:
        return (), _ZERO, _ZERO
    lex = lexicon or load_star_lexicon()
    if isinstance(model, _Bundled):
        found = star_model.bundled_model()
        model = found if isinstance(found, star_model.StarModel) else None
    if expected_s is None:
        live_model = None  # a finished answer is the main model's alone
    elif isinstance(live_model, _Bundled):
        found_live = star_model.bundled_live_model()
        live_model = found_live if isinstance(found_live, star_model.StarModel) else None
    if model is not None:
        return _assign_learned(words, spans, lex, model, expected_s, live_model)
    scored = score_sentences(words, spans, lex, expected_s)
    labels, ends = _decode_ends(
        [x.scores for x in scored],
        DecodeCosts.from_lexicon(lex),
        [math.inf if x.glue is not None else 0.0 for x in scored],
        open_end=expected_s is not None,
        starts=[words[first].start_s for first, _ in spans],
        end_s=words[spans[-1][1]].end_s,
    )
    out: list[Sentence] = []
    for idx, (first, last) in enumerate(spans):
        k = labels[idx]
        prev = labels[idx - 1] if idx > 0 else None
        out.append(_sentence(words, first, last, k, _reason(k, scored[idx], prev, idx == 0)))
    return tuple(out), ends, scored[-1].scores


def _log_normalise(z: np.ndarray) -> np.ndarray:
    """Rows of scores -> rows of log-probabilities."""
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _logsumexp(xs: Sequence[float]) -> float:
    top = max(xs)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(x - top) for x in xs))


def front_section(scores: Sequence[Vec], costs: DecodeCosts, start_cost: Sequence[float]) -> int:
    """The section of the last unit of an answer still being spoken: the one with the most
    probability summed over every S -> T -> A -> R labelling of the units so far (the forward
    algorithm, with the decoder's costs for a change of section, a change inside a sentence
    and a section skipped; none for sections not reached yet). The best single labelling's
    last section can differ: one strong path against many slightly weaker ones that agree."""
    alpha = [-sum(costs.missing[:k]) + scores[0][k] for k in range(_K)]
    for j in range(1, len(scores)):
        change = costs.switch + (start_cost[j] if j < len(start_cost) else 0.0)
        alpha = [
            _logsumexp(
                [alpha[k]] + [alpha[b] - change - sum(costs.missing[b + 1 : k]) for b in range(k)]
            )
            + scores[j][k]
            for k in range(_K)
        ]
    return max(range(_K), key=lambda k: alpha[k])


def _sentence(words: Sequence[Word], first: int, last: int, k: int, reason: str) -> Sentence:
    return Sentence(
        first_word=first,
        last_word=last,
        start_s=words[first].start_s,
        end_s=words[last].end_s,
        text=sentence_text(words, first, last),
        section=SECTION_NAMES[k],
        reason=reason,
    )


def answer_features(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]],
    lex: StarLexicon | None = None,
    expected_s: float | None = None,
) -> tuple[list[star_model.Unit], list[star_model.UnitFeatures]]:
    """The clause units of an answer and the model's features for each (training uses this too,
    so what the model learns from is exactly what it sees in use)."""
    lex = lex or load_star_lexicon()
    units = star_model.clause_units(words, spans)
    t0 = words[units[0].first].start_s
    total = words[units[-1].last].end_s - t0
    n, n_sent = len(units), len(spans)
    feats: list[star_model.UnitFeatures] = []
    for idx, u in enumerate(units):
        tokens = _tokens(words, u.first, u.last)
        is_last = idx == n - 1 and expected_s is None
        hits = [
            (g.name, m.group(0), at_start)
            for g, at_start, m in _cue_hits(tokens, idx == 0, is_last, lex)
        ]
        if u.sentence > 0 and u.opens_sentence and _glue(tokens, lex) is not None:
            hits.append(("finishes the sentence before", " ".join(tokens[:3]), True))
        years, measures, counts = _numbers(tokens, lex)
        kind = "measure" if measures else "count" if counts else "year" if years else None
        shown_number = (measures or counts or years or [""])[0]
        mid = (words[u.first].start_s + words[u.last].end_s) / 2
        p = (mid - t0) / total if total > 0 else (idx + 0.5) / n
        feats.append(
            star_model.unit_features(
                tokens,
                position=None if expected_s is not None else min(max(p, 0.0), 1.0),
                is_first=idx == 0,
                is_last=is_last,
                opens_sentence=u.opens_sentence,
                in_first_sentence=u.sentence == 0,
                in_last_sentence=u.sentence == n_sent - 1 and expected_s is None,
                start_fillers=lex.start_fillers,
                cue_hits=hits,
                number_kind=kind,
                number_text=shown_number,
            )
        )
    return units, star_model.with_context(feats)


def _assign_learned(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]],
    lex: StarLexicon,
    model: star_model.StarModel,
    expected_s: float | None,
    live_model: star_model.StarModel | None = None,
) -> tuple[tuple[Sentence, ...], Vec, Vec]:
    units, feats = answer_features(words, spans, lex, expected_s)
    logp = model.log_proba(feats)
    if live_model is not None:  # an answer still being spoken (see LIVE_MODEL_WEIGHT)
        live = live_model.log_proba(star_model.live_features(feats))
        logp = _log_normalise((1 - LIVE_MODEL_WEIGHT) * logp + LIVE_MODEL_WEIGHT * live)
    d = model.decoder
    costs = DecodeCosts.for_model(d, lex)
    scores = [tuple(float(x) for x in d.emission_scale * row) for row in logp]
    start_cost = [0.0 if u.opens_sentence else d.clause_switch for u in units]
    labels, ends = _decode_ends(
        scores,  # type: ignore[arg-type]
        costs,
        start_cost,
        open_end=expected_s is not None,
        starts=[words[u.first].start_s for u in units],
        end_s=words[units[-1].last].end_s,
    )
    if live_model is not None:
        front_k = front_section(
            [tuple(LIVE_FRONT_TEMPER * x for x in row) for row in scores],  # type: ignore[misc]
            costs,
            start_cost,
        )
        labels = [min(k, front_k) for k in labels[:-1]] + [front_k]
    out: list[Sentence] = []
    for idx, u in enumerate(units):
        k = labels[idx]
        prev = labels[idx - 1] if idx > 0 else None
        reason = _learned_reason(k, feats[idx], logp[idx], model, prev)
        out.append(_sentence(words, u.first, u.last, k, reason))
    front = tuple(float(x) for x in logp[-1])
    return tuple(out), ends, front  # type: ignore[return-value]


def _learned_reason(
    k: int,
    feats: star_model.UnitFeatures,
    logp: Sequence[float],
    model: star_model.StarModel,
    prev_label: int | None,
) -> str:
    """Why a unit landed in section k, in words: the words or grammar that weighed most, its
    place in the answer when that counted too, and how sure the model was."""
    name = _TITLE[SECTION_NAMES[k]]
    own = max(range(_K), key=lambda j: logp[j])
    sure = round(100 * math.exp(logp[k]))

    def named(j: int) -> tuple[list[str], str | None]:
        said: list[str] = []
        where: str | None = None
        for f, _ in model.strongest(feats, j, n=8):
            d = star_model.describe(f, feats.shown)
            if d is None:
                continue
            if star_model.is_position(f):
                where = where or d
            elif d not in said:
                said.append(d)
        return said[:2], where

    if own != k and prev_label == k:
        other = _TITLE[SECTION_NAMES[own]]
        said, where = named(own)
        why = said[0] if said else where
        return (
            f"continues the {name} (alone it would read as {other}: {why})"
            if why
            else (f"continues the {name}")
        )
    said, where = named(k)
    if not said and not where:
        return f"continues the {name}" if prev_label == k else f"position in the answer → {name}"
    text = " + ".join(said) if said else f"its place in the answer ({where})"
    if said and where:
        text += f" ({where})"
    return f"{text} → {name} ({sure}% sure)"


# --- sections ------------------------------------------------------------------------------


def build_sections(
    sentences: Sequence[Sentence], targets: SectionTargets
) -> tuple[tuple[Section, ...], tuple[SectionName, ...]]:
    """Contiguous sections in spoken order, and the names of the sections not found.

    A section runs from its first sentence's start to the next section's start; the last one
    ends at its last word. A sentence placed in an earlier section than the one before it
    (only possible with hand-edited labels) is counted in the running section, so sections
    never overlap.
    """
    runs: list[tuple[SectionName, float, float]] = []  # name, start, end of last sentence
    current = -1
    for s in sentences:
        k = max(current, SECTION_NAMES.index(s.section))
        if k != current:
            runs.append((SECTION_NAMES[k], s.start_s, s.end_s))
            current = k
        else:
            name, start, _ = runs[-1]
            runs[-1] = (name, start, s.end_s)
    found: list[Section] = []
    for i, (name, start, end) in enumerate(runs):
        stop = runs[i + 1][1] if i + 1 < len(runs) else end
        found.append(Section(name, start, stop, targets.for_section(name)))
    present = {s.name for s in found}
    missing = tuple(n for n in SECTION_NAMES if n not in present)
    return tuple(found), missing


def word_sections(sentences: Sequence[Sentence], n_words: int) -> tuple[SectionName | None, ...]:
    """The section of every word (None for words outside any sentence)."""
    out: list[SectionName | None] = [None] * n_words
    for s in sentences:
        for i in range(max(s.first_word, 0), min(s.last_word + 1, n_words)):
            out[i] = s.section
    return tuple(out)
