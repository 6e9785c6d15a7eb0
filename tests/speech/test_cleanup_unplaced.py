"""A voiced gap beside a word Whisper wrote with no length is that word's sound, not a hum."""

from __future__ import annotations

from voicecoach.domain import VoicedGap, Word
from voicecoach.speech.cleanup import _drop_gaps_of_unplaced_words

GAP = VoicedGap(51.93, 52.35)


def test_the_sound_of_an_unplaced_word_is_not_a_hum():
    """'fix, [over,] over a variable name': the first 'over,' written at one instant 0.25 s
    after the voiced sound; that sound is the word."""
    words = (
        Word("fix,", 51.2, 51.61, 0.98),
        Word("over,", 52.6, 52.6, 0.97),
        Word("over", 52.78, 53.14, 0.98),
    )
    assert _drop_gaps_of_unplaced_words(words, (GAP,)) == ()
    placed = (words[0], Word("over,", 52.45, 52.62, 0.97), words[2])
    assert _drop_gaps_of_unplaced_words(placed, (GAP,)) == (GAP,)


def test_only_the_words_beside_the_gap_count():
    """'restaurant. [uh] I'm looking': the lengthless 'looking' comes after a placed 'I'm'."""
    words = (
        Word("restaurant.", 51.2, 51.5, 0.98),
        Word("I'm", 52.5, 52.58, 0.93),
        Word("looking", 52.58, 52.6, 1.0),
    )
    assert _drop_gaps_of_unplaced_words(words, (GAP,)) == (GAP,)


def test_a_lengthless_lookalike_is_the_hesitation_itself():
    """Whisper writes a half-heard 'er' as a lengthless 'Or' beside its hum: the hum stays."""
    words = (Word("slow.", 51.2, 51.6, 1.0), Word("Or", 52.52, 52.52, 0.32))
    assert _drop_gaps_of_unplaced_words(words, (GAP,)) == (GAP,)
    words = (Word("slow.", 51.2, 51.6, 1.0), Word("Then", 52.52, 52.52, 0.32))
    assert _drop_gaps_of_unplaced_words(words, (GAP,)) == ()


def test_a_word_further_than_a_hesitation_is_placed_is_left_alone():
    """Whisper places words up to 0.4 s off their sound: a lengthless word 0.6 s away is not
    this sound's."""
    words = (Word("fix,", 51.2, 51.61, 0.98), Word("over,", 52.95, 52.95, 0.97))
    assert _drop_gaps_of_unplaced_words(words, (GAP,)) == (GAP,)
