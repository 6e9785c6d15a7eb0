"""Build Whisper-like Word tuples from plain text for analysis tests."""

from __future__ import annotations

import re

from voicecoach.domain import Word

_SILENCE = re.compile(r"^\[(\d+(?:\.\d+)?)\]$")


def words_from(
    text: str, start_s: float = 0.0, word_s: float = 0.3, gap_s: float = 0.1
) -> tuple[Word, ...]:
    """Words as Whisper writes them ("So," "um," "10%."), each `word_s` long, `gap_s` apart.

    A token like "[2.5]" is not a word: it makes the gap before the next word 2.5 s.
    """
    out: list[Word] = []
    t = start_s
    pending_gap: float | None = None
    for token in text.split():
        m = _SILENCE.match(token)
        if m:
            pending_gap = float(m.group(1))
            continue
        if out:
            t += gap_s if pending_gap is None else pending_gap
        elif pending_gap is not None:
            t += pending_gap
        pending_gap = None
        out.append(Word(token, round(t, 3), round(t + word_s, 3)))
        t += word_s
    return tuple(out)


def texts(words: tuple[Word, ...], first: int, n: int = 1) -> str:
    """The words first .. first+n-1 joined, for readable assertions."""
    return " ".join(w.text for w in words[first : first + n])
