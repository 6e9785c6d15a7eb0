"""Text primitives shared by the analysis modules: word normalisation and sentence spans."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from voicecoach.domain import Word

_EDGE_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")
_SENTENCE_END = re.compile(r"[.?!]+[\"')\]]*$")

# A gap this long between words ends a sentence even without punctuation (Whisper sometimes
# runs sentences together with commas). Only applied when the sentence already has this many
# words, so a hesitation inside a short clause does not split it.
BREAK_GAP_S = 1.2
MIN_WORDS_BEFORE_GAP_BREAK = 4
# Very long unpunctuated runs are cut at their longest internal gap.
MAX_SENTENCE_WORDS = 45


def norm(text: str) -> str:
    """Lower-case word without surrounding punctuation: ' So,' -> 'so', "I'm" -> "i'm"."""
    return _EDGE_PUNCT.sub("", text.strip().lower().replace("\u2019", "'"))


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.strip()))


def sentence_spans(words: Sequence[Word]) -> list[tuple[int, int]]:
    """Split words into sentences: (first, last) inclusive index pairs covering every word.

    Uses Whisper's punctuation first, then long silences, then cuts overlong runs at their
    widest gap.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(words)
    for i in range(n):
        last = i == n - 1
        gap_after = 0.0 if last else words[i + 1].start_s - words[i].end_s
        long_enough = i - start + 1 >= MIN_WORDS_BEFORE_GAP_BREAK
        if last or ends_sentence(words[i].text) or (gap_after >= BREAK_GAP_S and long_enough):
            spans.append((start, i))
            start = i + 1
    out: list[tuple[int, int]] = []
    for first, lastw in spans:
        out.extend(_cut_long(words, first, lastw))
    return out


def _cut_long(words: Sequence[Word], first: int, last: int) -> list[tuple[int, int]]:
    if last - first + 1 <= MAX_SENTENCE_WORDS:
        return [(first, last)]
    # cut after a comma-ended word with the widest following gap, else the widest gap
    lo, hi = first + 5, last - 5
    best, best_score = lo, -1.0
    for i in range(lo, hi + 1):
        gap = words[i + 1].start_s - words[i].end_s
        score = gap + (0.5 if words[i].text.strip().endswith(",") else 0.0)
        if score > best_score:
            best, best_score = i, score
    return _cut_long(words, first, best) + _cut_long(words, best + 1, last)


def sentence_text(words: Sequence[Word], first: int, last: int) -> str:
    return join_words(w.text for w in words[first : last + 1])


_CLITICS = {"s", "re", "ve", "ll", "d", "m", "t"}


def attaches(text: str) -> bool:
    """Whether a word, as Whisper writes it, belongs to the word before it with no space: the
    pieces it splits off ("mid" "-sized", "1" ".8" "%", "it" "'s") and closing punctuation."""
    t = text.strip()
    if not t:
        return False
    if t[0] in "%,;:!?)" or all(c in ".,;:!?…)" for c in t):
        return True
    if t[0] in "-." and len(t) > 1 and t[1].isalnum():
        return True
    return t[0] in "'’" and t[1:].lower() in _CLITICS


def join_words(texts: Iterable[str]) -> str:
    """Words as one line of text, spaced as written ("mid-sized", "1.8%"), not "mid -sized"."""
    out: list[str] = []
    for t in texts:
        t = " ".join(t.split())  # no line breaks or runs of spaces inside a word either
        if t:
            out.append(t if not out or attaches(t) else " " + t)
    return "".join(out)
