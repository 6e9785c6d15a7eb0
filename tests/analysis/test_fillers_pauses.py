"""Discourse fillers set off by spoken pauses: a word said as its own unit, with a silence on
each side, counts like one between commas, even where Whisper wrote no comma."""

from __future__ import annotations

import dataclasses

import pytest

from tests.analysis.words import words_from
from voicecoach.analysis.fillers import find_fillers, load_filler_lexicon


def _found(text: str, gap_s: float = 0.05) -> list[tuple[str, int]]:
    """(filler text, word index) of the discourse fillers in `text` ("[0.24]" = a silence)."""
    words = words_from(text, gap_s=gap_s)
    return [(f.text, f.word_index) for f in find_fillers(words) if f.kind == "discourse"]


@pytest.mark.parametrize(
    ("paused", "flowing", "index", "filler"),
    [
        (
            "And my manager [0.24] actually [0.24] used it in my review.",
            "And my manager actually used it in my review.",
            3,
            "actually",
        ),
        (
            "I added a little label [0.16] like [0.26] complete or still arriving.",
            "I added a little label like complete or still arriving.",
            5,
            "like",
        ),
        (
            "It was a slow dashboard. So [0.18] we built the summary tables.",
            "It was a slow dashboard. So we built the summary tables.",
            5,
            "so",
        ),
    ],
)
def test_a_word_set_off_by_pauses_is_a_filler(paused, flowing, index, filler):
    """The same words count with a pause around the filler word and not without one."""
    assert _found(paused) == [(filler, index)]
    assert _found(flowing) == []


def test_a_pause_on_both_sides_is_needed():
    """'we [pause] actually shipped' is a hesitation before a real adverb, not a word set off."""
    assert _found("We [0.3] actually [0.3] shipped it a week later.") == [("actually", 1)]
    assert _found("We [0.3] actually shipped it a week later.") == []
    assert _found("We actually [0.3] shipped it a week later.") == []
    assert _found("It actually worked after the second try.") == []


def test_written_vetoes_win_over_pauses():
    """Verbs and comparisons ("I'd like to", "looked like") stay real words, pauses or not."""
    assert _found("It took [0.3] like [0.3] ages to build.") == [("like", 2)]
    assert _found("I'd [0.3] like [0.3] to talk about a migration.") == []
    assert _found("It looked [0.3] like [0.3] a cache to everyone.") == []


def test_the_pause_length_is_read_from_the_lexicon():
    """`pause_s` in fillers.toml sets the shortest silence that sets a word off."""
    words = words_from("And my manager [0.24] actually [0.24] used it.", gap_s=0.05)
    lex = load_filler_lexicon()
    assert lex.pause_s == pytest.approx(0.15)
    strict = dataclasses.replace(lex, pause_s=0.3)
    assert [f.text for f in find_fillers(words, lexicon=lex)] == ["actually"]
    assert find_fillers(words, lexicon=strict) == ()
