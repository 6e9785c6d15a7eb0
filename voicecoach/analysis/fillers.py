"""Fillers: hesitation sounds ("um"), discourse fillers ("like,", "you know") and voiced gaps.

What counts is data: `data/fillers.toml` lists the filled-pause spellings and, for each
discourse filler, the positions where it counts and the neighbours that rule it out. This module
only knows how to read a sentence: where it starts, which words are set off by punctuation,
what comes before and after.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from voicecoach.analysis.text import ends_sentence, norm, sentence_spans
from voicecoach.domain import Filler, VoicedGap, Word

VOICED_PAUSE_TEXT = "(voiced pause)"

CONDITIONS = frozenset(
    {
        "always",
        "sentence_start",
        "answer_start",
        "mid_answer",
        "before_filler",
        "after_conjunction",
        "set_off_after",
        "sentence_end",
        "set_off_before",
        "question",
        "before_intensifier",
        "before_number",
        "pause_before",
        "pause_after",
    }
)

# A word ending in one of these is followed by a (written) pause: "like," "so -" "well..."
_PAUSE_MARK = re.compile(r"(?:[,;:\u2013\u2014\u2026-]|\.\.\.)[\"')\]]*$")
_QUESTION = re.compile(r"\?[\"')\]]*$")
_DIGIT = re.compile(r"\d")
_CONJUNCTIONS = frozenset({"and", "so", "or"})


@dataclass(frozen=True)
class DiscourseRule:
    """One discourse filler: its phrases and when they count (see the TOML header)."""

    text: str  # reported spelling: "you know"
    phrases: tuple[tuple[str, ...], ...]  # normalised word sequences: ("you", "know")
    when: tuple[frozenset[str], ...]  # alternatives, each a set of conditions that must all hold
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FillerLexicon:
    filled_pauses: tuple[tuple[str, re.Pattern[str]], ...]  # (canonical, whole-word pattern)
    discourse: tuple[DiscourseRule, ...]
    intensifiers: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    filler_followers: frozenset[str] = frozenset()
    answer_openers: frozenset[str] = frozenset()
    quantity_units: frozenset[str] = frozenset()
    pause_s: float = float("inf")  # a silence this long between two words is a spoken pause

    def filled_pause(self, word: str) -> str | None:
        """Canonical spelling ("um") if the normalised word is a hesitation sound, else None."""
        if not word:
            return None
        for canonical, pattern in self.filled_pauses:
            if pattern.fullmatch(word):
                return canonical
        return None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FillerLexicon:
        """Build from parsed TOML; raises ValueError naming the entry that is wrong."""
        filled = tuple(
            (str(canonical), re.compile(str(pattern)))
            for canonical, pattern in dict(data.get("filled_pauses", {})).items()
        )
        rules = []
        for entry in data.get("discourse", []):
            name = entry.get("text", "?")
            phrases = tuple(tuple(norm(w) for w in p.split()) for p in entry.get("phrases", []))
            if not phrases or any(not p or not all(p) for p in phrases):
                raise ValueError(f"fillers.toml: discourse entry {name!r} has an empty phrase")
            when = tuple(frozenset(alt.split("+")) for alt in entry.get("when", ["always"]))
            unknown = set().union(*when) - CONDITIONS
            if unknown:
                raise ValueError(
                    f"fillers.toml: discourse entry {name!r} has unknown conditions {unknown}"
                )
            rules.append(
                DiscourseRule(
                    text=str(name),
                    phrases=tuple(sorted(phrases, key=len, reverse=True)),
                    when=when,
                    not_after=frozenset(norm(w) for w in entry.get("not_after", [])),
                    not_before=frozenset(norm(w) for w in entry.get("not_before", [])),
                )
            )
        # longest phrases first, so "okay so" is tried before "so"
        rules.sort(key=lambda r: -len(r.phrases[0]))
        lists = data.get("lists", {})
        return cls(
            filled_pauses=filled,
            discourse=tuple(rules),
            intensifiers=frozenset(norm(w) for w in lists.get("intensifiers", [])),
            numbers=frozenset(norm(w) for w in lists.get("numbers", [])),
            filler_followers=frozenset(norm(w) for w in lists.get("filler_followers", [])),
            answer_openers=frozenset(norm(w) for w in lists.get("answer_openers", [])),
            quantity_units=frozenset(norm(w) for w in lists.get("quantity_units", [])),
            pause_s=float(data.get("pause_s", float("inf"))),
        )


@lru_cache(maxsize=1)
def load_filler_lexicon() -> FillerLexicon:
    """The packaged lexicon from `voicecoach/analysis/data/fillers.toml`."""
    raw = resources.files("voicecoach.analysis.data").joinpath("fillers.toml").read_text("utf-8")
    return FillerLexicon.from_dict(tomllib.loads(raw))


def is_filled_pause(text: str, lexicon: FillerLexicon | None = None) -> bool:
    """True for a hesitation sound as Whisper writes it: "Um," "uhh" "Hmm..."."""
    return (lexicon or load_filler_lexicon()).filled_pause(norm(text)) is not None


def find_fillers(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]] | None = None,
    voiced_gaps: Sequence[VoicedGap] = (),
    lexicon: FillerLexicon | None = None,
) -> tuple[Filler, ...]:
    """Every filler in the answer, sorted by time.

    `spans` are sentence spans from `text.sentence_spans` (computed when None). Every voiced gap
    becomes an "unlabelled" filler unless it overlaps a word already counted as a filled pause.
    """
    lex = lexicon or load_filler_lexicon()
    norms = [norm(w.text) for w in words]
    first, last = _span_bounds(len(words), sentence_spans(words) if spans is None else spans)
    found: list[Filler] = []
    used: set[int] = set()

    for i, n in enumerate(norms):
        canonical = lex.filled_pause(n)
        if canonical is not None:
            found.append(Filler(canonical, "filled_pause", words[i].start_s, words[i].end_s, i))
            used.add(i)
    pause_fillers = list(found)

    ctx = _Context(words, norms, first, last, used, lex)
    for i in range(len(words)):
        if i in used or not norms[i]:
            continue
        hit = ctx.match_at(i)
        if hit is None:
            continue
        rule, k = hit
        start = min(w.start_s for w in words[i : i + k])
        end = max(w.end_s for w in words[i : i + k])
        found.append(Filler(rule.text, "discourse", start, end, i, k))
        used.update(range(i, i + k))

    for gap in voiced_gaps:
        if any(gap.start_s < f.end_s and gap.end_s > f.start_s for f in pause_fillers):
            continue  # Whisper already wrote this hum down as "um"
        found.append(Filler(VOICED_PAUSE_TEXT, "unlabelled", gap.start_s, gap.end_s, None))

    found.sort(key=lambda f: (f.start_s, f.end_s))
    return tuple(found)


def fillers_by_word(fillers: Sequence[Filler]) -> dict[str, int]:
    """Count per filler text, most frequent first (ties in order of first use)."""
    counts: dict[str, int] = {}
    for f in fillers:
        counts[f.text] = counts.get(f.text, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def fillers_per_minute(fillers: Sequence[Filler], duration_s: float) -> float:
    """Fillers per minute of `duration_s`; 0.0 for an empty or zero-length answer."""
    if not duration_s > 0:
        return 0.0
    return len(fillers) * 60.0 / duration_s


# --- matching ----------------------------------------------------------------------------------


def _span_bounds(n: int, spans: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Per word, the first and last index of its sentence (a lone word if no span covers it)."""
    first, last = list(range(n)), list(range(n))
    for a, b in spans:
        a, b = max(0, a), min(n - 1, b)
        for i in range(a, b + 1):
            first[i], last[i] = a, b
    return first, last


class _Context:
    """Reads the neighbourhood of a candidate phrase within its sentence."""

    def __init__(
        self,
        words: Sequence[Word],
        norms: list[str],
        first: list[int],
        last: list[int],
        used: set[int],
        lex: FillerLexicon,
    ) -> None:
        self.words, self.norms, self.first, self.last = words, norms, first, last
        self.used, self.lex = used, lex

    def match_at(self, i: int) -> tuple[DiscourseRule, int] | None:
        for rule in self.lex.discourse:
            for phrase in rule.phrases:
                k = len(phrase)
                j = i + k - 1
                if j > self.last[i] or any(x in self.used for x in range(i, j + 1)):
                    continue
                if tuple(self.norms[i : j + 1]) != phrase:
                    continue
                if self._counts(rule, i, j):
                    return rule, k
        return None

    def _counts(self, rule: DiscourseRule, i: int, j: int) -> bool:
        if self._restart(i, j):
            return False
        prev = self._prev(i)
        nxt = self._next(j)
        if prev is not None and not self._pause(prev, i) and self.norms[prev] in rule.not_after:
            return False
        if nxt is not None and not self._pause(j, nxt) and self.norms[nxt] in rule.not_before:
            return False
        return any(all(self._holds(c, i, j, prev, nxt) for c in alt) for alt in rule.when)

    def _holds(self, cond: str, i: int, j: int, prev: int | None, nxt: int | None) -> bool:
        if cond == "always":
            return True
        if cond == "sentence_start":
            return all(x in self.used or not self.norms[x] for x in range(self.first[i], i))
        if cond == "mid_answer":
            return not self._holds("answer_start", i, j, prev, nxt)
        if cond == "answer_start":
            return all(
                x in self.used or not self.norms[x] or self.norms[x] in self.lex.answer_openers
                for x in range(0, i)
            )
        if cond == "after_conjunction":
            return prev is not None and self.norms[prev] in _CONJUNCTIONS
        if cond == "before_filler":
            return nxt is not None and (
                self.norms[nxt] in self.lex.filler_followers
                or is_filled_pause(self.norms[nxt], self.lex)
            )
        if cond == "set_off_after":
            return nxt is None or self._pause(j, nxt) or ends_sentence(self.words[j].text)
        if cond == "sentence_end":
            return nxt is None
        if cond == "set_off_before":
            return prev is not None and self._pause(prev, i)
        if cond == "pause_after":
            return self._holds("set_off_after", i, j, prev, nxt) or self._silence_after(j)
        if cond == "pause_before":
            return (prev is not None and self._pause(prev, i)) or self._silence_before(i)
        if cond == "question":
            return bool(_QUESTION.search(self.words[j].text.strip()))
        if cond == "before_intensifier":
            return nxt is not None and self.norms[nxt] in self.lex.intensifiers
        if cond == "before_number":
            return nxt is not None and (self._number(nxt) or self._a_unit(nxt))
        return False

    def _restart(self, i: int, j: int) -> bool:
        """The phrase is a stutter before a fresh start, not a filler: "I mean, I My job was"
        (the speaker began "I", stopped and restarted). It is followed by its own first word,
        cut off: the word after that opens a new sentence (a capital, not "I") with nothing
        between them."""
        k = j + 1
        if k + 1 >= len(self.words) or self.norms[k] != self.norms[i]:
            return False
        cut = self.words[k].text.strip()
        if not cut or not cut[-1].isalnum():
            return False  # "I mean, I." / "I mean, I -": punctuation, not a restart we can see
        fresh = self.words[k + 1].text.strip()
        return fresh[:1].isupper() and self.norms[k + 1] != "i"

    def _silence_before(self, i: int) -> bool:
        """A spoken pause right before word i: the answer's start, the end of the sentence
        before, or a silence of the lexicon's `pause_s` after the word before."""
        if i == 0 or ends_sentence(self.words[i - 1].text):
            return True
        return self.words[i].start_s - self.words[i - 1].end_s >= self.lex.pause_s

    def _silence_after(self, j: int) -> bool:
        """A silence of the lexicon's `pause_s` between word j and the next word."""
        if j + 1 >= len(self.words):
            return True
        return self.words[j + 1].start_s - self.words[j].end_s >= self.lex.pause_s

    def _number(self, x: int) -> bool:
        return bool(_DIGIT.search(self.norms[x])) or self.norms[x] in self.lex.numbers

    def _a_unit(self, x: int) -> bool:
        """'a year', 'an hour', 'a couple': an amount said with the article."""
        after = self._next(x)
        return (
            self.norms[x] in ("a", "an")
            and after is not None
            and self.norms[after] in self.lex.quantity_units
        )

    def _pause(self, a: int, b: int) -> bool:
        """Written pause punctuation between words a and b: "like," "well -" "so ... then"."""
        if _PAUSE_MARK.search(self.words[a].text.strip()):
            return True
        return any(not self.norms[x] and self.words[x].text.strip() for x in range(a + 1, b))

    def _prev(self, i: int) -> int | None:
        """The previous word with letters or digits in the same sentence, if any."""
        x = i - 1
        while x >= self.first[i] and not self.norms[x]:
            x -= 1
        return x if x >= self.first[i] else None

    def _next(self, j: int) -> int | None:
        x = j + 1
        while x <= self.last[j] and not self.norms[x]:
            x += 1
        return x if x <= self.last[j] else None
