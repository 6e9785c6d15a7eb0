"""The labelled STAR text corpus (`corpus/star/`, format in corpus/star/FORMAT.md).

Loads answers, splits them by author, and turns an answer into timed words at a steady
speaking rate with the true section of every word, so the splitter can be scored on text in
seconds. Pure data handling: used by `bench/sections_text.py` and `tools/train_sections.py`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voicecoach.domain import SECTION_NAMES, SectionName, Word

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus" / "star"
_MARKER = re.compile(r"\[([STAR])\]")
_BY_LETTER: dict[str, SectionName] = {n[0].upper(): n for n in SECTION_NAMES}

# A steady speaking rate: ~165 words a minute with short pauses at punctuation, like a
# calm speaker (the audio benchmark uses real synthesized timing instead).
WORD_S = 0.30
GAP_S = 0.06
COMMA_PAUSE_S = 0.20
SENTENCE_PAUSE_S = 0.55


@dataclass(frozen=True)
class CorpusAnswer:
    id: str
    author: str
    split: str  # train | dev | heldout (the author's)
    style: str
    question: str
    text: str  # with [S]/[T]/[A]/[R] markers


def load_authors(corpus_dir: Path = CORPUS_DIR) -> dict[str, dict]:
    """authors.toml: author id -> {split, persona, ...}."""
    return tomllib.loads((corpus_dir / "authors.toml").read_text("utf-8"))["author"]


def load_corpus(
    splits: Iterable[str] = ("train", "dev"), corpus_dir: Path = CORPUS_DIR
) -> list[CorpusAnswer]:
    """Every answer by an author in one of `splits` (heldout only when asked for by name)."""
    wanted = set(splits)
    out: list[CorpusAnswer] = []
    for author, meta in sorted(load_authors(corpus_dir).items()):
        if meta["split"] not in wanted:
            continue
        path = corpus_dir / f"{author}.toml"
        if not path.exists():
            continue
        data = tomllib.loads(path.read_text("utf-8"))
        for a in data.get("answer", []):
            out.append(
                CorpusAnswer(
                    id=a["id"],
                    author=author,
                    split=meta["split"],
                    style=a["style"],
                    question=a["question"],
                    text=a["text"],
                )
            )
    return out


def labelled_tokens(text: str) -> list[tuple[str, SectionName]]:
    """The answer's words (as written, punctuation attached) with their true section."""
    out: list[tuple[str, SectionName]] = []
    parts = _MARKER.split(text)
    for letter, chunk in zip(parts[1::2], parts[2::2], strict=True):
        out.extend((tok, _BY_LETTER[letter]) for tok in chunk.split())
    return out


def timed_words(tokens: Sequence[str], start_s: float = 0.5) -> list[Word]:
    """Words at a steady rate, with pauses after commas and sentence ends."""
    words: list[Word] = []
    t = start_s
    for tok in tokens:
        words.append(Word(tok, round(t, 3), round(t + WORD_S, 3)))
        t += WORD_S + GAP_S
        if tok.endswith((".", "?", "!")):
            t += SENTENCE_PAUSE_S
        elif tok.endswith((",", ";", ":", "—")):
            t += COMMA_PAUSE_S
    return words


def truth_sections(
    words: Sequence[Word], labels: Sequence[SectionName]
) -> list[tuple[str, float, float]]:
    """(name, start_s, end_s): a section runs from its first word to the next section's first
    word; the last ends at its last word (as the product's sections do)."""
    runs: list[tuple[str, float]] = []
    for w, lab in zip(words, labels, strict=True):
        if not runs or runs[-1][0] != lab:
            runs.append((lab, w.start_s))
    out = []
    for i, (name, start) in enumerate(runs):
        end = runs[i + 1][1] if i + 1 < len(runs) else words[-1].end_s
        out.append((name, start, end))
    return out


# --- the dev fixtures as one more (spoken-style) author --------------------------------------

FIXTURE_AUTHOR = "fx"


def fixture_answers(split: str = "dev") -> list[CorpusAnswer]:
    """The audio fixtures' `dev` scripts (tests/fixtures/answers) as corpus answers: written by
    several helpers from one brief in a conversational style. Heldout fixtures are never read."""
    from tests.fixtures.script import load_all

    out: list[CorpusAnswer] = []
    for sc in load_all():
        if sc.split != split:
            continue
        parts: list[str] = []
        current = None
        for seg in sc.segments:
            if seg.section != current:
                parts.append(f"[{seg.section[0].upper()}]")
                current = seg.section
            parts.append(re.sub(r"\{([^{}]*)\}", r"\1", seg.text))
        out.append(
            CorpusAnswer(sc.id, FIXTURE_AUTHOR, "train", sc.shape, sc.question, " ".join(parts))
        )
    return out


# --- answers as the splitter sees them -------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """An answer as timed words with true labels, its clause units and their features."""

    answer: CorpusAnswer
    words: list[Word]
    labels: list[SectionName]  # per word
    spans: list[tuple[int, int]]
    units: list  # star_model.Unit
    feats: list  # star_model.UnitFeatures
    unit_labels: list[int]  # majority true section per unit (index into SECTION_NAMES)
    truth: list[tuple[str, float, float]]


def prepare(answer: CorpusAnswer) -> Prepared:
    from voicecoach.analysis import sections, text

    pairs = labelled_tokens(answer.text)
    words = timed_words([t for t, _ in pairs])
    labels = [lab for _, lab in pairs]
    spans = text.sentence_spans(words)
    units, feats = sections.answer_features(words, spans)
    unit_labels = []
    for u in units:
        counts = [0] * 4
        for lab in labels[u.first : u.last + 1]:
            counts[SECTION_NAMES.index(lab)] += 1
        unit_labels.append(max(range(4), key=lambda k: (counts[k], -k)))
    return Prepared(
        answer, words, labels, spans, units, feats, unit_labels, truth_sections(words, labels)
    )
