"""The learned part of the STAR splitter: a linear model of each clause's role.

An answer is cut into clause units (a sentence, or a clause of one where a new clause opens
after a comma: "…I rolled back, and p99 fell to 110 ms"). Each unit is described by features a
linguist would name (its words and opening words, whether it opens on a verb with no subject,
tense and modality, who the subject is, figures, where it sits in the answer, and the cue
groups of `star.toml`), and a multinomial logistic regression trained by
`tools/train_sections.py` on the labelled corpus in `corpus/star/` gives the log-probability of
each section. `sections.py` decodes those with the monotonic S -> T -> A -> R dynamic program.

The weights live in `data/star_model.json` (features by name, so the file is readable and a
reason can name what weighed most). Pure numpy; no I/O besides reading that file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from voicecoach.analysis.text import norm
from voicecoach.domain import SECTION_NAMES, Word

MODEL_FILE = "star_model.json"
# The live model: trained on answers cut short as live coaching hears them (`live_features`),
# used beside the main model's position-less scores while an answer is being spoken.
LIVE_MODEL_FILE = "star_live_model.json"
FORMAT_VERSION = 1

# --- clause units ----------------------------------------------------------------------------

# A new clause may open after a comma (or ; : —) with one of these words: where a listener
# hears a section change inside a sentence ("…, and within a week the errors stopped").
_CLAUSE_OPENERS = frozenset(
    "and but so which then after before because when until while although though once since "
    "where whereas and, which, yet plus meaning".split()
)
_SUBJECTS = frozenset("i we they he she it my our the this that everyone nobody".split())
MIN_CLAUSE_WORDS = 4  # each side of a cut, so no unit is a stray "and then"


@dataclass(frozen=True)
class Unit:
    """A stretch of words the splitter labels as one: a sentence or a clause of one."""

    first: int  # word index, inclusive
    last: int  # inclusive
    sentence: int  # index of its sentence span
    opens_sentence: bool


def clause_units(words: Sequence[Word], spans: Sequence[tuple[int, int]]) -> list[Unit]:
    """Sentence spans cut further at clause boundaries (comma + opener, or ; : —)."""
    out: list[Unit] = []
    for si, (first, last) in enumerate(spans):
        start = first
        for j in range(first + MIN_CLAUSE_WORDS, last - MIN_CLAUSE_WORDS + 2):
            prev = words[j - 1].text.rstrip()
            if not prev.endswith((",", ";", ":", "—", "-")):
                continue
            nxt = norm(words[j].text)
            after = norm(words[j + 1].text) if j + 1 <= last else ""
            strong = prev.endswith((";", ":", "—"))
            opener = nxt in _CLAUSE_OPENERS or (nxt in _SUBJECTS and after not in ("of", "and"))
            if (strong or opener) and j - start >= MIN_CLAUSE_WORDS:
                out.append(Unit(start, j - 1, si, start == first))
                start = j
        out.append(Unit(start, last, si, start == first))
    return out


# --- features --------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\$?\d[\d,.]*(k|m|x|s|th|st|nd|rd|ms)?$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_IRREGULAR_PAST = frozenset(
    "built wrote ran set made took gave brought found met led sent spent told got put kept "
    "held began drew chose did went saw thought sought bought fought caught taught won lost "
    "rebuilt rewrote split shut cut paid laid sat stood understood undertook oversaw".split()
)
_NOT_VERBS = frozenset("need speed seed feed bed red shed weed hundred".split())
_TENSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(p))
    for name, p in (
        ("looking back", r"\b(would|could|should|might|i'd|we'd|you'd)( not|n't)? have\b"),
        ("would", r"\b(would|i'd|we'd|wouldn't)\b"),
        ("was ...ing", r"\b(was|were|wasn't|weren't) (\w+ )?\w+ing\b"),
        ("had + past participle", r"\bhad (been|\w+ed|\w+en|gone|done|had|become)\b"),
        (
            "has since / have done",
            r"\b(have|has|i've|we've|it's|haven't|hasn't) (\w+ )?(been|\w+ed|\w+en)\b",
        ),
        ("future", r"\b(will|i'll|we'll|won't|going to)\b"),
        ("present tense", r"\b(is|are|am|i'm|we're|it's|they're|isn't|aren't)\b"),
        ("was/were", r"\b(was|were|wasn't|weren't)\b"),
        (
            "an obligation",
            r"\b(had to|needed to|have to|has to|must|was asked to|were asked to|asked me to"
            r"|supposed to|responsible for|my job|my role|our job)\b",
        ),
        ("a goal", r"\b(goal|aim|target|objective|deadline|mandate|brief|priority)\b"),
        (
            "a lesson",
            r"\b(learned|learnt|lesson|taught me|next time|since then|ever since|now i"
            r"|these days|today)\b",
        ),
        ("passive", r"\b(was|were|been|being) \w+ed\b"),
    )
)
_POSITION_BINS = 6
_LEN_BINS = ((3, "1-3"), (7, "4-7"), (15, "8-15"), (1_000_000, "16+"))


def _shape(tok: str) -> str:
    if _YEAR.match(tok):
        return "<year>"
    if _NUMBER.match(tok):
        return "<num>"
    return tok


def _looks_past_verb(tok: str) -> bool:
    if tok in _IRREGULAR_PAST:
        return True
    return tok.endswith("ed") and len(tok) > 4 and tok not in _NOT_VERBS


@dataclass(frozen=True)
class UnitFeatures:
    """Active features of one unit (name -> value) and, for each, the words that fired it."""

    values: dict[str, float]
    shown: dict[str, str]


def unit_features(
    tokens: list[str],
    *,
    position: float | None,
    is_first: bool,
    is_last: bool,
    opens_sentence: bool,
    in_first_sentence: bool,
    in_last_sentence: bool,
    start_fillers: frozenset[str],
    cue_hits: Sequence[tuple[str, str, bool]] = (),
    number_kind: str | None = None,
    number_text: str = "",
) -> UnitFeatures:
    """Features of one unit. `cue_hits` are star.toml groups that matched: (name, text, at start).

    `position` is the unit's place in the answer's time (0-1), None while the answer is still
    being spoken: its final length is unknown then, and a guess would mislead the model.
    """
    values: dict[str, float] = {}
    shown: dict[str, str] = {}

    def add(name: str, text: str = "") -> None:
        values[name] = 1.0
        if text and name not in shown:
            shown[name] = text

    shaped = [_shape(t) for t in tokens]
    i = 0
    while i < len(tokens) and tokens[i] in start_fillers:
        i += 1
    if i > 0:
        add(f"open:{tokens[0]}", tokens[0])
    content = shaped[i:]
    for t in set(shaped):
        add(f"w:{t}", t)
    for a, b in zip(shaped, shaped[1:], strict=False):
        add(f"b:{a} {b}", f"{a} {b}")
    if content:
        add(f"f1:{content[0]}", content[0])
        if len(content) > 1:
            add(f"f2:{content[0]} {content[1]}", f"{content[0]} {content[1]}")
        if _looks_past_verb(content[0]):
            add("frag:past", tokens[i])
        elif content[0].endswith("ing") and len(content[0]) > 4:
            add("frag:ing", tokens[i])
    text = " ".join(tokens)
    for name, rx in _TENSES:
        m = rx.search(text)
        if m:
            add(f"t:{name}", m.group(0))
    for name, matched, at_start in cue_hits:
        add(f"cue:{name}", matched)
        if at_start:
            add(f"cuestart:{name}", matched)
    if number_kind:
        add(f"num:{number_kind}", number_text)
    if position is not None:  # unknown while the answer is still being spoken
        third = ("early", "middle", "late")[min(int(position * 3), 2)]
        add(f"pos:{min(int(position * _POSITION_BINS), _POSITION_BINS - 1)}")
        # the same words mean different things early and late ("I was" sets the scene at
        # the start; "we rolled it out" near the end is the outcome)
        for name in list(values):
            if name.startswith(("t:", "frag:", "f1:", "cue:", "num:", "open:")):
                values[f"{third}|{name}"] = 1.0
                if name in shown:
                    shown[f"{third}|{name}"] = shown[name]
    if is_first:
        add("first unit")
    if is_last:
        add("last unit")
    if in_first_sentence:
        add("first sentence")
    if in_last_sentence:
        add("last sentence")
    if not opens_sentence:
        add("clause inside a sentence")
    n = len(content)
    add("len:" + next(label for top, label in _LEN_BINS if n <= top))
    return UnitFeatures(values, shown)


def with_context(units: Sequence[UnitFeatures]) -> list[UnitFeatures]:
    """Each unit's features plus its neighbours' cue groups and tense (prefixed prev:/next:)."""
    out: list[UnitFeatures] = []
    for i, u in enumerate(units):
        values = dict(u.values)
        for tag, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < len(units):
                for name in units[j].values:
                    if name.startswith(("cue:", "t:", "frag:", "f1:")):
                        values[f"{tag}:{name}"] = 1.0
        out.append(UnitFeatures(values, u.shown))
    return out


_FRONT_READ = ("t:", "frag:", "f1:", "cue:", "num:", "open:")


def live_features(units: Sequence[UnitFeatures]) -> list[UnitFeatures]:
    """An answer still being spoken, as the live model reads it: the units before the last one
    as they are, and the last unit heard (the front) marked as such, without its predecessor's
    context, and with its opening, tense, cue and figure features read as a front's. Nothing
    follows the front yet, so how a section's first clause reads on its own is what counts;
    the predecessor's context would mostly say "same as before" and hold the front back."""
    if not units:
        return []
    front = units[-1]
    values = {n: v for n, v in front.values.items() if not n.startswith("prev:")}
    values["live:front"] = 1.0
    for name in front.values:
        if name.startswith(_FRONT_READ):
            values[f"front|{name}"] = 1.0
    return [*units[:-1], UnitFeatures(values, front.shown)]


# --- the model -------------------------------------------------------------------------------


class StarModelError(Exception):
    """The model file is missing or unreadable (the message names the file)."""


@dataclass(frozen=True)
class DecoderParams:
    """How the decoder weighs the model against order and duration (chosen on dev authors)."""

    emission_scale: float = 1.0
    switch: float = 1.0  # cost of a change of section
    clause_switch: float = 1.0  # extra cost when the change falls inside a sentence
    missing: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    duration_weight: float = 0.0


@dataclass(frozen=True)
class StarModel:
    index: Mapping[str, int]  # feature name -> row of `weights`
    weights: np.ndarray  # (n_features, 4)
    bias: np.ndarray  # (4,)
    decoder: DecoderParams
    meta: Mapping[str, Any]

    def log_proba(self, units: Sequence[UnitFeatures]) -> np.ndarray:
        """(n_units, 4) log-probabilities of situation, task, action, result."""
        z = np.tile(self.bias, (len(units), 1))
        for r, u in enumerate(units):
            for name, v in u.values.items():
                row = self.index.get(name)
                if row is not None:
                    z[r] += v * self.weights[row]
        z -= z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def strongest(self, unit: UnitFeatures, k: int, n: int = 2) -> list[tuple[str, float]]:
        """The features that pushed this unit hardest toward section k, strongest first: each
        feature's weight for k minus its largest weight for another section."""
        names = [name for name in unit.values if name in self.index]
        if not names:
            return []
        w = self.weights[[self.index[name] for name in names]]
        v = np.array([unit.values[name] for name in names])
        push = v * (w[:, k] - np.delete(w, k, axis=1).max(axis=1))
        order = np.argsort(-push, kind="stable")[:n]
        return [(names[i], float(push[i])) for i in order if push[i] > 0]

    def to_json(self) -> dict[str, Any]:
        names = sorted(self.index, key=self.index.__getitem__)
        return {
            "format": FORMAT_VERSION,
            "sections": list(SECTION_NAMES),
            "meta": dict(self.meta),
            "decoder": {
                "emission_scale": self.decoder.emission_scale,
                "switch": self.decoder.switch,
                "clause_switch": self.decoder.clause_switch,
                "missing": list(self.decoder.missing),
                "duration_weight": self.decoder.duration_weight,
            },
            "bias": [round(float(x), 4) for x in self.bias],
            "weights": {
                n: [round(float(x), 4) for x in self.weights[self.index[n]]] for n in names
            },
        }


def model_from_json(d: Mapping[str, Any], source: str = MODEL_FILE) -> StarModel:
    """Build a model from its JSON form; StarModelError names `source` when it is malformed."""
    try:
        if d.get("format") != FORMAT_VERSION:
            raise ValueError(f"format {d.get('format')!r}, expected {FORMAT_VERSION}")
        if list(d["sections"]) != list(SECTION_NAMES):
            raise ValueError("sections are not situation, task, action, result")
        names = list(d["weights"])
        weights = np.array([d["weights"][n] for n in names], dtype=np.float64).reshape(-1, 4)
        bias = np.array(d["bias"], dtype=np.float64).reshape(4)
        dec = d["decoder"]
        decoder = DecoderParams(
            emission_scale=float(dec["emission_scale"]),
            switch=float(dec["switch"]),
            clause_switch=float(dec["clause_switch"]),
            missing=tuple(float(x) for x in dec["missing"]),  # type: ignore[arg-type]
            duration_weight=float(dec["duration_weight"]),
        )
        if len(decoder.missing) != 4 or not np.all(np.isfinite(weights)):
            raise ValueError("bad decoder costs or weights")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise StarModelError(f"The section model file {source} is damaged ({e}).") from e
    return StarModel({n: i for i, n in enumerate(names)}, weights, bias, decoder, dict(d["meta"]))


def read_model(path: Path | None = None, name: str = MODEL_FILE) -> StarModel:
    """The bundled model `name` (or the one at `path`). Raises StarModelError naming the file."""
    src = path or resources.files("voicecoach.analysis.data").joinpath(name)
    try:
        raw = src.read_text("utf-8")
    except OSError as e:
        raise StarModelError(f"The section model file {src} is missing ({e}).") from e
    except UnicodeDecodeError as e:
        raise StarModelError(f"The section model file {src} is damaged ({e}).") from e
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise StarModelError(f"The section model file {src} is damaged ({e}).") from e
    if not isinstance(data, dict):
        raise StarModelError(f"The section model file {src} is damaged (not an object).")
    return model_from_json(data, str(src))


@lru_cache(maxsize=1)
def bundled_model() -> StarModel | StarModelError:
    """The bundled model, read once; the error instead when it cannot be used."""
    try:
        return read_model()
    except StarModelError as e:
        return e


@lru_cache(maxsize=1)
def bundled_live_model() -> StarModel | StarModelError:
    """The bundled live model, read once; the error instead when it cannot be used (live
    coaching then reads the words with the main model alone)."""
    try:
        return read_model(name=LIVE_MODEL_FILE)
    except StarModelError as e:
        return e


def softmax_rows(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --- plain-language reasons ------------------------------------------------------------------

_TENSE_WORDS = {
    "looking back": "looking back",
    "would": "what would happen",
    "was ...ing": "background (was …ing)",
    "had + past participle": "before the story (had …)",
    "has since / have done": "where things stand now",
    "future": "the future",
    "present tense": "the present tense",
    "was/were": "was/were (a state, not a step)",
    "an obligation": "an obligation or role",
    "a goal": "a goal",
    "a lesson": "a lesson or aftermath",
    "passive": "something done (passive)",
}
_CUE_WORDS = {
    "someone else as subject": 'opens with "{text}", not "I" or "we"',
    "I/we doing something": '"{text}…": I or we doing something',
}
_POSITION_FEATURES = ("pos:", "first unit", "last unit", "first sentence", "last sentence")


def is_position(name: str) -> bool:
    """A feature that is only about where the unit sits in the answer."""
    return name.startswith(_POSITION_FEATURES)


_POSITION_WORDS = ("at the start", "early on", "early on", "later on", "later on", "near the end")


def describe(name: str, shown: Mapping[str, str]) -> str | None:
    """A feature in words a user understands, or None for ones not worth naming."""
    when, bar, inner = name.partition("|")
    if bar:  # a feature read against its place in the answer ("early|t:was/were")
        return describe(inner, {inner: shown[name]} if name in shown else {})
    kind, _, rest = name.partition(":")
    text = shown.get(name, rest)
    if kind in ("w", "b"):
        return f'"{text}"'
    if kind in ("f1", "f2", "open"):
        return f'opens with "{text}"'
    if kind == "frag":
        return f'starts on a verb, no subject ("{text} …")'
    if kind == "t":
        return (
            f'{_TENSE_WORDS.get(rest, rest)} ("{text}")'
            if text != rest
            else _TENSE_WORDS.get(rest, rest)
        )
    if kind in ("cue", "cuestart"):
        if rest in _CUE_WORDS:
            return _CUE_WORDS[rest].format(text=text)
        return f'{rest} "{text}"'
    if kind == "num":
        return f'a figure ("{text}")' if text else "a figure"
    if kind == "pos":
        return _POSITION_WORDS[min(int(rest), len(_POSITION_WORDS) - 1)]
    if kind in ("prev", "next"):
        return None  # context: named through "continues …" instead
    return {
        "first unit": "opens the answer",
        "last unit": "ends the answer",
        "first sentence": "in the first sentence",
        "last sentence": "in the last sentence",
    }.get(name)
