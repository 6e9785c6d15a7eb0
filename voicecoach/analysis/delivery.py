"""Delivery and content: speaking time, pace, pauses, pronouns and the content checks.

The check lexicons (outcome verbs, learning phrases, reasoning signals ...) are data in
`data/checks.toml`. Every check says where to replay its evidence (`at_s`): the start of the
words quoted in its detail line, a few words before the evidence itself so it is heard in
context.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from voicecoach.analysis.fillers import FillerLexicon, load_filler_lexicon
from voicecoach.analysis.text import join_words, norm, sentence_spans
from voicecoach.analysis.timing import clock
from voicecoach.domain import Check, Pause, Question, Word

Phrase = tuple[str, ...]

_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"^(19|20)\d\d$")
_MONEY_OR_PERCENT = re.compile(r"[%$£€¥]")
_TRAILING = re.compile(r"[\s,;:.!?\-\u2013\u2014]+$")
# Punctuation that ends a phrase: "fairly so. That automation" says no "so that", nor does
# "so, that" or "so — that". A hyphen inside a word ("trade-off", Whisper's "-off") does not.
_BREAK_AFTER = re.compile(r"[.,;:!?\u2026\u2013\u2014][\"'\u201d\u2019)\]]*$")
_BREAK_BEFORE = re.compile(r"^[,;:!?\u2026\u2013\u2014]")
CONTEXT_WORDS = 3  # quoted (and replayed) before the evidence
TAIL_WORDS = 6  # quoted after it
QUOTE_LEAD_WORDS = 8  # a headline quote longer than this before its evidence is cut after it
CHANGE_WINDOW = 4  # a change word this close to a number says what the number measures


# --- speaking time, pace, pauses ----------------------------------------------------------------


def speech_time_s(words: Sequence[Word], max_gap_s: float = 1.0) -> float:
    """Seconds spent speaking: the words plus every gap shorter than `max_gap_s`.

    Silences of `max_gap_s` or more (the pauses `find_pauses` reports) are left out, and so are
    the lead-in before the first word and the tail after the last.
    """
    spans = sorted((w.start_s, max(w.start_s, w.end_s)) for w in words)
    total = 0.0
    cur: list[float] | None = None
    for start, end in spans:
        if cur is not None and start - cur[1] < max_gap_s:
            cur[1] = max(cur[1], end)
            continue
        if cur is not None:
            total += cur[1] - cur[0]
        cur = [start, end]
    if cur is not None:
        total += cur[1] - cur[0]
    return total


def pace_wpm(words: Sequence[Word], speech_s: float, lexicon: FillerLexicon | None = None) -> float:
    """Real words per minute of speaking time.

    Filled pauses ("um", "uh") and punctuation-only tokens are not words; discourse fillers
    ("like", "you know") are, since they are spoken words that take time.
    """
    if not speech_s > 0:
        return 0.0
    lex = lexicon or load_filler_lexicon()
    n = 0
    for w in words:
        n_ = norm(w.text)
        if n_ and lex.filled_pause(n_) is None:
            n += 1
    return n * 60.0 / speech_s


def find_pauses(words: Sequence[Word], threshold_s: float, duration_s: float) -> tuple[Pause, ...]:
    """Silences of at least `threshold_s` between two words, in order.

    The lead-in before the first word and the tail after the last are not pauses (thinking
    time before answering is normal), so `after_word` is never -1 here. A pause never runs
    past `duration_s` when that is known (> 0).
    """
    out: list[Pause] = []
    end_so_far: float | None = None
    for i, w in enumerate(words):
        if end_so_far is not None:
            start, end = end_so_far, w.start_s
            if duration_s > 0:
                end = min(end, duration_s)
            gap = end - start
            if gap > 0 and gap >= threshold_s:
                out.append(Pause(start, end, i - 1))
        end_so_far = max(w.start_s, w.end_s, end_so_far if end_so_far is not None else w.end_s)
    return tuple(out)


# --- lexicon ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    name: str  # check name: "because"
    label: str  # what the user is told was missing: "No reasons (…)"
    phrases: tuple[Phrase, ...]
    min_per_two_minutes: float
    shows: str
    advice: str
    drill_advice: str = ""  # the advice for an answer timed as a whole (an explanation)

    def advice_for(self, drill: bool) -> str:
        return self.drill_advice if drill and self.drill_advice else self.advice


@dataclass(frozen=True)
class HintCoverage:
    """When the answer already covers a key point (see `[hint_coverage]` in checks.toml).

    Words are compared as concepts: a word in one of the `synonyms` groups (matched by word
    start, longest entry first) stands for its whole group, so "kept everyone posted" and "kept
    people informed" meet; any other word stands for its first `stem_chars` letters.
    """

    stem_chars: int = 5
    min_words: int = 2
    head_share: float = 0.66
    share: float = 0.5
    example_window: int = 4
    ignore: frozenset[str] = frozenset()
    synonyms: tuple[tuple[str, str], ...] = ()  # (word start, concept), longest start first
    meets: frozenset[str] = frozenset()  # checks a key point about them, once made, meets

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HintCoverage:
        pairs: list[tuple[str, str]] = []
        for group in d.get("synonyms", []):
            entries = [norm(w) for w in group if norm(w)]
            pairs += [(e, "=" + entries[0]) for e in entries]
        return cls(
            stem_chars=int(d.get("stem_chars", 5)),
            min_words=int(d.get("min_words", 2)),
            head_share=float(d.get("head_share", 0.66)),
            share=float(d.get("share", 0.5)),
            example_window=int(d.get("example_window", 4)),
            ignore=frozenset(norm(w) for w in d.get("ignore", [])),
            synonyms=tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True)),
            meets=frozenset(d.get("meets", [])),
        )

    def stem(self, word: str) -> str:
        """The concept a normalised word stands for (its synonym group, else its stem)."""
        for start, concept in self.synonyms:
            if word.startswith(start):
                return concept
        return word[: self.stem_chars]

    def content(self, text: str) -> list[str]:
        """The concepts of a text's content words (small and instruction words left out)."""
        out = []
        for w in text.split():
            n = norm(w)
            if len(n) >= 3 and n not in self.ignore:
                out.append(self.stem(n))
        return out

    def examples(self, key_point: str) -> list[list[str]]:
        """The concrete forms a key point lists after its colon, each as its concepts.

        "...: an incident channel, regular updates, a named lead" gives three examples; saying
        any one of them (all its content words, close together) makes the point.
        """
        if ":" not in key_point:
            return []
        tail = key_point.split(":", 1)[1]
        parts = re.split(r",|;|\bor\b|\band\b", tail.rstrip(" ."))
        return [c for c in (self.content(p) for p in parts) if c]

    def covered_at(self, key_point: str, said: Sequence[str]) -> int | None:
        """Where in `said` (the concept of each of the answer's words, in order) the answer makes
        this key point, or None when it does not: the point itself (before the colon) or one of
        its listed examples is said, or at least `share` of all its content words are. The
        start of the example said, else of the stretch that says most of the point."""
        said_set = frozenset(said) - {""}
        head = self.content(key_point.split(":", 1)[0])
        every = self.content(key_point)
        hits = [w for w in every if w in said_set]
        for ex in self.examples(key_point):
            if len(ex) >= self.min_words:
                at = self._near(ex, said)
                if at is not None:
                    return at
        if not every or len(hits) < min(self.min_words, len(every)):
            return None
        head_hits = sum(1 for w in head if w in said_set)
        if head and head_hits / len(head) >= self.head_share:
            want = set(head)
        elif len(hits) / len(every) >= self.share:
            want = set(every)
        else:
            return None
        # where most of the point is said together (within two example windows)
        width = 2 * self.example_window
        starts = [i for i, c in enumerate(said) if c in want]
        return max(starts, key=lambda i: (len(want & set(said[i : i + width])), -i))

    def _near(self, concepts: Sequence[str], said: Sequence[str]) -> int | None:
        """Where every concept is said within `example_window` words of one another."""
        want = set(concepts)
        for i, c in enumerate(said):
            if c in want and want <= set(said[i : i + self.example_window]):
                return i
        return None


@dataclass(frozen=True)
class CheckLexicon:
    i_words: frozenset[str]
    we_words: frozenset[str]
    summary_phrases: tuple[Phrase, ...]
    outcome_words: frozenset[str]
    change_words: frozenset[str]
    scene_openers: tuple[Phrase, ...]
    preface_words: frozenset[str]
    role_objects: frozenset[str]
    number_words: tuple[Phrase, ...]
    learning_phrases: tuple[Phrase, ...]
    learning_tail_fraction: float
    max_we_per_i: float
    signals: tuple[Signal, ...]
    hints: Mapping[str, tuple[Phrase, ...]]  # check name -> cues saying a key point is about it
    coverage: HintCoverage = field(default_factory=HintCoverage)
    when_after: frozenset[str] = frozenset({"ago"})  # "two years ago": when, not how much
    when_before: frozenset[str] = frozenset()  # "after two months": when, not how much

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CheckLexicon:
        def phrases(items: Sequence[str]) -> tuple[Phrase, ...]:
            out = tuple(tuple(norm(w) for w in p.split()) for p in items)
            return tuple(p for p in out if p and all(p))

        def words(items: Sequence[str]) -> frozenset[str]:
            return frozenset(norm(w) for w in items)

        signals = tuple(
            Signal(
                name=name,
                label=str(s.get("label", name)),
                phrases=phrases(s.get("phrases", [])),
                min_per_two_minutes=float(s.get("min_per_two_minutes", 1.0)),
                shows=str(s.get("shows", "")),
                advice=str(s.get("advice", "")),
                drill_advice=str(s.get("drill_advice", "")),
            )
            for name, s in d.get("signals", {}).items()
        )
        head = d.get("headline", {})
        return cls(
            i_words=words(d["pronouns"]["i"]),
            we_words=words(d["pronouns"]["we"]),
            summary_phrases=phrases(head.get("summary_phrases", [])),
            outcome_words=words(head.get("outcome_words", [])),
            change_words=words(head.get("change_words", [])),
            scene_openers=phrases(head.get("scene_openers", [])),
            preface_words=words(head.get("preface_words", [])),
            role_objects=words(head.get("role_objects", [])),
            number_words=phrases(d.get("numbers", {}).get("words", [])),
            when_after=words(d.get("numbers", {}).get("when_after", ["ago"])),
            when_before=words(d.get("numbers", {}).get("when_before", [])),
            learning_phrases=phrases(d.get("learning", {}).get("phrases", [])),
            learning_tail_fraction=float(d.get("learning", {}).get("tail_fraction", 0.4)),
            max_we_per_i=float(d.get("i_vs_we", {}).get("max_we_per_i", 1.5)),
            signals=signals,
            hints={k: tuple(_cue(c) for c in v) for k, v in d.get("hints", {}).items()},
            coverage=HintCoverage.from_dict(d.get("hint_coverage", {})),
        )


@lru_cache(maxsize=1)
def load_check_lexicon() -> CheckLexicon:
    """The packaged lexicon from `voicecoach/analysis/data/checks.toml`."""
    raw = resources.files("voicecoach.analysis.data").joinpath("checks.toml").read_text("utf-8")
    return CheckLexicon.from_dict(tomllib.loads(raw))


# --- pronouns --------------------------------------------------------------------------------


def count_pronouns(words: Sequence[Word], lexicon: CheckLexicon | None = None) -> dict[str, int]:
    """{"i": n, "we": n}: every first-person singular vs plural form (see checks.toml)."""
    lex = lexicon or load_check_lexicon()
    counts = {"i": 0, "we": 0}
    for w in words:
        kind = _pronoun(w, lex)
        if kind:
            counts[kind] += 1
    return counts


def _pronoun(w: Word, lex: CheckLexicon) -> str | None:
    n = norm(w.text)
    if n in lex.i_words:
        return "i"
    if n in lex.we_words and not (n == "us" and "US" in w.text):  # the country
        return "we"
    return None


# --- content checks --------------------------------------------------------------------------


# Which checks an answer timed as a whole (a drill: explain a concept, a follow-up) gets. It
# tells no story, so "open with what you did and the result", a number on the result, a lesson
# and "I" against "we" are not asked of it; reasons, examples and trade-offs are. A number, a
# lesson or "I" is asked of a drill whose own key points ask for it ("Give the actual number,
# before and after", "Use 'I' …"); the headline never is: it looks for a story's point.
DRILL_CHECKS = ("because", "for_example", "but")
DRILL_CHECKS_IF_ASKED = ("quantified_result", "learning", "i_vs_we")

# The verdict of the "I" vs "we" check in the words every view shows (the check's line and the
# review's and export's tile), so the two can never disagree.
I_VS_WE_PASS = "your own part comes through"
I_VS_WE_FAIL = "say more about what you did yourself"
I_VS_WE_NOT_JUDGED = "not judged for an answer timed as a whole"


def i_vs_we_verdict(checks: Sequence[Check]) -> str:
    """The "I" vs "we" verdict of a report's checks: the i_vs_we check's, or, for an answer
    with no such check (a drill, a follow-up), that it was not judged."""
    c = next((c for c in checks if c.name == "i_vs_we"), None)
    if c is None:
        return I_VS_WE_NOT_JUDGED
    return I_VS_WE_PASS if c.passed else I_VS_WE_FAIL


def content_checks(
    words: Sequence[Word],
    spans: Sequence[tuple[int, int]] | None,
    sections_by_sentence: Sequence[str | None] | None,
    question: Question | None,
    duration_s: float,
    lexicon: CheckLexicon | None = None,
) -> tuple[Check, ...]:
    """headline, quantified_result, learning, i_vs_we, because, for_example, but.

    `sections_by_sentence` is parallel to `spans` (STAR section name per sentence) or None.
    Drill questions (explain a concept, a follow-up: timed as a whole) get `DRILL_CHECKS`, with
    advice worded for an explanation, and those of `DRILL_CHECKS_IF_ASKED` that one of the
    question's key points is about. No words, no checks.
    """
    if not words:
        return ()
    lex = lexicon or load_check_lexicon()
    a = _Answer(words, sentence_spans(words) if spans is None else spans, duration_s)
    drill = question is not None and question.kind == "drill"
    wanted = {"quantified_result", "learning", "i_vs_we"}
    if drill and question is not None:
        names = [*DRILL_CHECKS_IF_ASKED, *DRILL_CHECKS]
        asked = {key_point_check(kp, names, lex) for kp in question.key_points}
        wanted &= asked
    checks: list[Check] = [] if drill else [_headline(a, lex)]
    if "quantified_result" in wanted:
        checks.append(_quantified_result(a, lex, sections_by_sentence))
    if "learning" in wanted:
        checks.append(_learning(a, lex))
    if "i_vs_we" in wanted:
        checks.append(_i_vs_we(a, lex, sections_by_sentence))
    checks += [_signal(a, s, drill) for s in lex.signals]
    if question is not None and question.key_points:
        checks = _with_hints(checks, question.key_points, a, lex)
    return tuple(checks)


class _Answer:
    """Words with their normal forms, sentences and timing, shared by the checks."""

    def __init__(
        self, words: Sequence[Word], spans: Sequence[tuple[int, int]], duration_s: float
    ) -> None:
        self.words = words
        self.norms = [norm(w.text) for w in words]
        n = len(words)
        self.spans = [(max(0, s), min(n - 1, e)) for s, e in spans if s <= e and s < n and e >= 0]
        self.sentence_of = [-1] * n
        for k, (s, e) in enumerate(self.spans):
            for i in range(s, e + 1):
                self.sentence_of[i] = k
        # breaks[i]: a phrase may not run from word i on to word i + 1 (a sentence ends there,
        # or punctuation stands between them)
        self.breaks = [
            i + 1 >= n
            or self.sentence_of[i] != self.sentence_of[i + 1]
            or bool(_BREAK_AFTER.search(words[i].text.strip()))
            or bool(_BREAK_BEFORE.match(words[i + 1].text.strip()))
            for i in range(n)
        ]
        self.t0 = min(w.start_s for w in words)
        self.t1 = max(max(w.start_s, w.end_s) for w in words)
        self.length_s = duration_s if duration_s > 0 else self.t1 - self.t0

    def bounds(self, i: int) -> tuple[int, int]:
        k = self.sentence_of[i]
        return self.spans[k] if k >= 0 else (i, i)

    def quote(self, i: int, k: int = 1) -> tuple[str, float]:
        """A short quote around words i..i+k-1 within their sentence, and where it starts."""
        lo, hi = self.bounds(i)
        a = max(lo, i - CONTEXT_WORDS)
        b = min(hi, i + k - 1 + TAIL_WORDS)
        text = _TRAILING.sub("", join_words(w.text for w in self.words[a : b + 1]))
        return f"\u201c{text}\u201d", self.words[a].start_s

    def quote_sentence(self, i: int, k: int = 1) -> tuple[str, float]:
        """The sentence holding words i..i+k-1, quoted from its first word to a few words past
        them (the part in between left out when long), and where the sentence starts."""
        lo, hi = self.bounds(i)
        b = min(hi, i + k - 1 + TAIL_WORDS)
        if i - lo <= QUOTE_LEAD_WORDS:
            text = join_words(w.text for w in self.words[lo : b + 1])
        else:
            head = join_words(w.text for w in self.words[lo : lo + CONTEXT_WORDS + 1])
            tail = join_words(w.text for w in self.words[i - CONTEXT_WORDS : b + 1])
            text = f"{_TRAILING.sub('', head)} \u2026 {tail}"
        return f"\u201c{_TRAILING.sub('', text)}\u201d", self.words[lo].start_s

    def find(self, phrases: Sequence[Phrase], idx: Sequence[int]) -> list[tuple[int, int]]:
        """Non-overlapping (index, length) matches of phrases starting within `idx`, each said
        as one run of words: no sentence end or breaking punctuation inside it."""
        by_first: dict[str, list[Phrase]] = {}
        for p in sorted(phrases, key=len, reverse=True):  # longest match wins
            by_first.setdefault(p[0], []).append(p)
        out: list[tuple[int, int]] = []
        skip_to = -1
        for i in sorted(set(idx)):
            if i < skip_to or not 0 <= i < len(self.norms):
                continue
            for p in by_first.get(self.norms[i], ()):
                j = i + len(p)
                if (
                    j <= len(self.norms)
                    and tuple(self.norms[i:j]) == p
                    and not any(self.breaks[i : j - 1])
                ):
                    out.append((i, len(p)))
                    skip_to = j
                    break
        return out

    def tail(self, fraction: float) -> list[int]:
        """Indexes of the words starting in the last `fraction` of the spoken answer."""
        cut = self.t1 - fraction * (self.t1 - self.t0)
        return [i for i, w in enumerate(self.words) if w.start_s >= cut]

    def in_section(self, sections: Sequence[str | None] | None, name: str) -> list[int]:
        if not sections:
            return []
        return [
            i
            for k, (s, e) in enumerate(self.spans)
            if k < len(sections) and sections[k] == name
            for i in range(s, e + 1)
        ]

    def numbers(self, lex: CheckLexicon, idx: Sequence[int]) -> list[tuple[int, int]]:
        """Numbers that can measure something: not bare years, not ones that only say when
        ("two years ago", "after two months")."""
        out = [(i, 1) for i in idx if _DIGIT.search(self.norms[i]) and not self._year(i)]
        out += self.find(lex.number_words, idx)
        return sorted(
            (i, k)
            for i, k in out
            if not lex.when_after.intersection(self.norms[i + k : i + k + 2])
            and not (i > 0 and self.norms[i - 1] in lex.when_before)
        )

    def _year(self, i: int) -> bool:
        return bool(_YEAR.match(self.norms[i])) and not _MONEY_OR_PERCENT.search(self.words[i].text)


def _headline(a: _Answer, lex: CheckLexicon) -> Check:
    """Whether the opening states the point. Its quote is the opening sentence that was judged,
    from its first word, so what is shown as "the opening" is what the answer opened with."""
    idx = opening_words(a, lex)
    found = a.find(lex.summary_phrases, idx)
    if not found:
        found = [
            (i, 1)
            for i in idx
            if a.norms[i] in lex.outcome_words
            and any(_pronoun(a.words[x], lex) for x in range(max(a.bounds(i)[0], i - 3), i))
            and not _leads_a_group(a, i, lex)
        ]
    if not found:
        for i, k in a.numbers(lex, idx):
            lo, hi = a.bounds(i)
            if any(a.norms[x] in lex.role_objects for x in range(max(lo, i - 2), i)):
                continue  # the size of a team ("a team of six"), not a result
            lo, hi = max(lo, i - CHANGE_WINDOW), min(hi, i + k - 1 + CHANGE_WINDOW)
            # only a word saying what changed makes a number a result: "ran the three
            # rehearsals" counts work done, "from 40 to 4 minutes" measures a change
            if set(a.norms[lo : hi + 1]) & lex.change_words:
                found = [(i, k)]
                break
    if found:
        i, k = found[0]
        quote, at = a.quote_sentence(i, k)
        return Check("headline", True, f"You opened with the point: {quote}.", at)
    # the scene may be set after a filler or two ("Um, so this was at my last job")
    first = idx[0] if idx else 0
    lead = first
    while lead < len(a.norms) - 1 and a.norms[lead] in lex.preface_words:
        lead += 1
    scene = a.find(lex.scene_openers, list(range(first, lead + 1)))
    if scene:
        i, k = scene[0]
        quote, at = a.quote_sentence(i, k)
        return Check(
            "headline",
            False,
            f"You opened by setting the scene ({quote}). Start with the point — what you did "
            "and how it ended — then tell the story.",
            at,
        )
    return Check(
        "headline",
        False,
        "Your opening doesn't say what you did or how it ended. Lead with one sentence: "
        "what you did and the result.",
        None,
    )


def _leads_a_group(a: _Answer, i: int, lex: CheckLexicon) -> bool:
    """ "I led a team of six", "we ran the platform group": the verb names a role (setting the
    scene), not something done, when a team or group is its object."""
    nxt = a.norms[i + 1 : min(i + 4, a.bounds(i)[1] + 1)]
    return any(w in lex.role_objects for w in nxt)


def _opening(a: _Answer, lex: CheckLexicon) -> list[tuple[int, int]]:
    """The opening: the first sentence with three or more real words ("Sure." does not count),
    and the next one too when that first sentence is only a preface ("Sure, that one is easy.":
    every word of it in `preface_words`).

    "My part was the data migration." is the whole opening: a point made in the second
    sentence after a sentence about something else was not the opening, and quoting it as one
    would contradict the transcript.
    """
    out: list[tuple[int, int]] = []
    for s, e in a.spans[:4]:
        real = [n for n in a.norms[s : e + 1] if n]
        if len(real) < 3:
            continue
        out.append((s, e))
        if len(out) == 2 or not all(n in lex.preface_words for n in real):
            break
    return out or a.spans[:1]


def opening_words(a: _Answer, lex: CheckLexicon) -> list[int]:
    """Indexes of the opening's words (what the headline check and its key points judge)."""
    return [i for s, e in _opening(a, lex) for i in range(s, e + 1)]


def _quantified_result(
    a: _Answer, lex: CheckLexicon, sections: Sequence[str | None] | None
) -> Check:
    idx = a.in_section(sections, "result")
    where = "your result"
    if not idx:  # no Result section known: the last third is where the result usually is
        idx = a.tail(1 / 3)
        where = "the end of your answer"
    nums = a.numbers(lex, idx)
    if nums:
        quote, at = a.quote(*nums[0])
        return Check(
            "quantified_result",
            True,
            f"You put a number on the result: {quote}.",
            at,
            float(len(nums)),
        )
    earlier = a.numbers(lex, range(len(a.words)))
    if earlier:
        quote, at = a.quote(*earlier[0])
        return Check(
            "quantified_result",
            False,
            f"No number in {where} — you gave one earlier ({quote}); restate what changed "
            "at the end.",
            at,
            0.0,
        )
    return Check(
        "quantified_result",
        False,
        f"No number in {where}. Say what changed: minutes saved, % fewer errors.",
        None,
        0.0,
    )


def _learning(a: _Answer, lex: CheckLexicon) -> Check:
    found = a.find(lex.learning_phrases, a.tail(lex.learning_tail_fraction))
    if found:
        quote, at = a.quote(*found[0])
        return Check("learning", True, f"You closed with a lesson: {quote}.", at, float(len(found)))
    return Check(
        "learning",
        False,
        "No lesson at the end. Close with what you learned or would do differently next time.",
        None,
        0.0,
    )


def _i_vs_we(a: _Answer, lex: CheckLexicon, sections: Sequence[str | None] | None) -> Check:
    kinds = [_pronoun(w, lex) for w in a.words]
    i_n, we_n = kinds.count("i"), kinds.count("we")
    share = i_n / (i_n + we_n) if i_n + we_n else None
    if i_n + we_n == 0:
        return Check(
            "i_vs_we",
            False,
            f'You never said "I" or "we": {I_VS_WE_FAIL}.',
            None,
            None,
        )
    passed = i_n > 0 and we_n <= lex.max_we_per_i * i_n
    # The forms counted are named ("I"/"my" 17×), so each count can be checked by replaying.
    i_said = _said([a.norms[i] for i, k in enumerate(kinds) if k == "i"])
    we_said = _said([a.norms[i] for i, k in enumerate(kinds) if k == "we"])
    # Replay the first "I" when it passes; when it fails, the first "we" — in the Action if known.
    want = "i" if passed else "we"
    action = set(a.in_section(sections, "action"))
    hits = [i for i, k in enumerate(kinds) if k == want]
    hits = [i for i in hits if i in action] or hits
    at = a.quote(hits[0])[1] if hits else None
    if passed:
        we_part = f"{we_said} {we_n}×" if we_n else '"we" never'
        detail = f"You said {i_said} {i_n}× and {we_part}: {I_VS_WE_PASS}."
    else:
        only = f"{i_said} only {i_n}×" if i_n else '"I" never'
        detail = (
            f"You said {we_said} {we_n}× and {only}: {I_VS_WE_FAIL} "
            "(\u201cI wrote…\u201d, \u201cI decided…\u201d)."
        )
    return Check("i_vs_we", passed, detail, at, share)


def _signal(a: _Answer, sig: Signal, drill: bool = False) -> Check:
    """A reasoning signal: the detail names each phrase counted with its own count ("because"
    once, "so that" once), so every count and the quote can be checked by replaying."""
    found = a.find(sig.phrases, range(len(a.words)))
    length = max(a.length_s, 1.0)
    rate = len(found) * 120.0 / length
    if not found:
        listed = ", ".join(f'"{" ".join(p)}"' for p in sig.phrases[:3])
        more = ", …" if len(sig.phrases) > 3 else ""
        advice = sig.advice_for(drill)
        return Check(sig.name, False, f"No {sig.label} ({listed}{more}) — {advice}.", None, 0.0)
    quote, at = a.quote(*found[0])
    counts = Counter(" ".join(a.norms[i : i + k]) for i, k in found)  # in the order first said
    said = ", ".join(f'"{p}" {_times(n)}' for p, n in counts.items())
    total = f"{len(found)} in all, " if len(counts) > 1 else ""
    if rate >= sig.min_per_two_minutes:
        detail = f"You said {said} ({total}{rate:.1f} per two minutes): {sig.shows}, as in {quote}."
        return Check(sig.name, True, detail, at, rate)
    only = f"only {said}" if len(counts) == 1 else f"only {said} ({len(found)} in all)"
    detail = (
        f"You said {only} in {clock(length)} ({rate:.1f} per two minutes) — "
        f"{sig.advice_for(drill)}."
    )
    return Check(sig.name, False, detail, at, rate)


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n}×"


def _said(norms: Sequence[str]) -> str:
    """The forms said, most said first, quoted as spoken: '"I"/"my"'."""
    forms = [n for n, _count in Counter(norms).most_common()]
    shown = ["I" + n[1:] if n == "i" or n.startswith("i'") else n for n in forms]
    return "/".join(f'"{f}"' for f in shown)


def _cue(text: str) -> Phrase:
    """A hint cue's words, normalised; a trailing "*" (any word starting so) is kept."""
    return tuple(norm(w.rstrip("*")) + ("*" if w.endswith("*") else "") for w in text.split())


def key_point_check(key_point: str, names: Sequence[str], lex: CheckLexicon) -> str | None:
    """The check among `names` that `key_point` is about, or None (no cue, or a tie).

    Only the point itself is read (before its first colon): "Give the before number and the
    goal: p99 latency, monthly cost" is about numbers, not about the cost in its examples."""
    words = [norm(w) for w in key_point.split(":", 1)[0].split()]
    scores = {name: sum(1 for c in lex.hints.get(name, ()) if _says(words, c)) for name in names}
    best = max(scores.values(), default=0)
    top = [name for name, score in scores.items() if score == best]
    return top[0] if best and len(top) == 1 else None


def _says(words: Sequence[str], cue: Phrase) -> bool:
    def same(word: str, want: str) -> bool:
        return word.startswith(want[:-1]) if want.endswith("*") else word == want

    k = len(cue)
    return any(all(same(words[i + j], cue[j]) for j in range(k)) for i in range(len(words) - k + 1))


def _with_hints(
    checks: Sequence[Check], key_points: Sequence[str], a: _Answer, lex: CheckLexicon
) -> list[Check]:
    """Key points and the checks they are about (`key_point_check`, over every check of the
    answer, passed or not).

    A key point the answer already makes is never offered back as advice. A point about the
    opening (the headline check) is made only if the opening makes it. When the answer makes a
    key point about a failed check named in `[hint_coverage] meets` (the question's own words
    for what that check asks), the check is met, and its line quotes where: "name a trade-off"
    is never said to an answer that named the one the question expects. Otherwise each failed
    check ends with the first open key point about it; a point about none of them, or about a
    check that passed, is offered under none."""
    cov = lex.coverage
    said = [cov.stem(n) if n else "" for n in a.norms]
    everywhere = list(range(len(a.norms)))
    opening = opening_words(a, lex)
    names = [c.name for c in checks]
    about: dict[str, str] = {}
    made: dict[str, tuple[str, int]] = {}
    for kp in key_points:
        name = key_point_check(kp, names, lex)
        if name is None:
            continue
        idx = opening if name == "headline" else everywhere
        at = cov.covered_at(kp, [said[i] for i in idx])
        if at is not None:
            made.setdefault(name, (kp, idx[at]))
        else:
            about.setdefault(name, kp)
    out = []
    for c in checks:
        if c.passed:
            out.append(c)
        elif c.name in made and c.name in cov.meets:
            kp, i = made[c.name]
            quote, at = a.quote_sentence(i) if c.name == "headline" else a.quote(i)
            point = " ".join(kp.split(":", 1)[0].split()).rstrip(".")
            detail = f"You made the question\u2019s key point \u201c{point}\u201d: {quote}."
            out.append(Check(c.name, True, detail, at, c.value))
        elif c.name in about:
            point = " ".join(about[c.name].split()).rstrip(".")
            out.append(Check(c.name, False, f"{c.detail} Key point: {point}.", c.at_s, c.value))
        else:
            out.append(c)
    return out
