"""A silence where two words meet is put between them, however Whisper shared it out."""

from __future__ import annotations

import numpy as np

from tests.analysis.test_voicing import RATE, _hum, _speechlike
from voicecoach.domain import Word
from voicecoach.speech.cleanup import Segment, clean_segments


def _audio(*parts: tuple[str, float]) -> np.ndarray:
    """("speech" | "hum" | "silence", seconds) pieces over a faint noise floor, with a second
    of silence after them (a recording's noise floor is measured on its quietest tenth)."""
    make = {"speech": _speechlike, "hum": _hum, "silence": lambda s: np.zeros(int(s * RATE))}
    parts = (*parts, ("silence", 1.0))
    x = np.concatenate([make[kind](s).astype(np.float32) for kind, s in parts])
    rng = np.random.default_rng(3)
    return x + (0.001 * rng.standard_normal(len(x))).astype(np.float32)


def _clean(words: list[Word], x: np.ndarray) -> list[tuple[str, float, float]]:
    out = clean_segments([Segment(tuple(words), 0.0, -0.2)], x)
    return [(w.text, round(w.start_s, 2), round(w.end_s, 2)) for w in out]


def test_a_pause_shared_out_between_two_words_is_put_between_them():
    """'So' 1.0-1.18 s + silence 1.18-1.36 s + 'we': Whisper's boundary at 1.28 s leaves 0.1 s
    of the silence in each word, under the 0.15 s a single word edge needs to be trimmed."""
    x = _audio(("speech", 1.18), ("silence", 0.18), ("speech", 1.0))
    words = [Word("So", 0.0, 1.28, 0.99), Word("we", 1.28, 2.36, 0.99)]
    (so, a, b), (we, c, d) = _clean(words, x)
    assert (so, we) == ("So", "we")
    assert abs(b - 1.18) <= 0.04 and abs(c - 1.36) <= 0.04
    assert (a, d) == (0.0, 2.36)


def test_the_pause_is_found_a_little_off_the_boundary():
    """Whisper put the boundary 0.12 s into the sound before the pause: still that pause."""
    x = _audio(("speech", 1.0), ("silence", 0.2), ("speech", 1.0))
    words = [Word("manager", 0.0, 0.88, 0.99), Word("actually", 0.88, 2.2, 0.9)]
    (_m, _a, b), (_x, c, _d) = _clean(words, x)
    assert abs(b - 1.0) <= 0.04 and abs(c - 1.2) <= 0.04


def test_a_word_is_not_stretched_over_sound_beyond_the_slip():
    """A hum between the words (not a pause next to the boundary) stays outside them: 'time.'
    ends at 1.0 s, a hum runs to 1.5 s, then silence; Whisper starts 'Then' over the hum."""
    x = _audio(("speech", 1.0), ("hum", 0.5), ("silence", 0.3), ("speech", 1.0))
    words = [Word("time.", 0.0, 1.0, 0.99), Word("Then", 1.6, 2.8, 0.99)]
    assert _clean(words, x)[0] == ("time.", 0.0, 1.0)


def test_hesitation_words_keep_their_times():
    """An 'um' is timed from its hum elsewhere (snapping to voiced gaps): left as written."""
    x = _audio(("speech", 1.18), ("silence", 0.18), ("hum", 0.6))
    words = [Word("job,", 0.0, 1.28, 0.99), Word("um,", 1.28, 1.96, 0.4)]
    assert _clean(words, x) == [("job,", 0.0, 1.28), ("um,", 1.28, 1.96)]
