"""Unsure hesitation words need a hum of their own: echoes on noise and dropped words go."""

from __future__ import annotations

import numpy as np
import pytest

from tests.analysis.test_voicing import RATE, _hum, _speechlike
from voicecoach.domain import Word
from voicecoach.speech.cleanup import Segment, _drop_hesitations_without_a_hum, clean_stretch


def _hiss(seconds: float, rng: np.random.Generator, level: float = 0.15) -> np.ndarray:
    """A fricative ("sh", "s"): noise with its energy at 2-4 kHz."""
    n = int(seconds * RATE)
    spec = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spec[(freqs < 2000) | (freqs > 4000)] = 0
    y = np.fft.irfft(spec, n)
    return (level * y / np.abs(y).max()).astype(np.float32)


def _breath(seconds: float, rng: np.random.Generator) -> np.ndarray:
    n = int(seconds * RATE)
    y = 0.03 * np.diff(rng.standard_normal(n + 1)) * np.sin(np.pi * np.arange(n) / n) ** 2
    return y.astype(np.float32)


def _between_words(middle: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """word (1 s) | 0.3 s silence | middle | 0.3 s silence | word (1 s); returns the audio and
    where the middle starts."""
    sil = np.zeros(int(0.3 * RATE), np.float32)
    x = np.concatenate([_speechlike(1.0), sil, middle, sil, _speechlike(1.0)])
    return x + (0.001 * rng.standard_normal(len(x))).astype(np.float32), 1.3


def _words(x: np.ndarray, hesitation: Word) -> tuple[Word, ...]:
    end = len(x) / RATE
    return (Word("first", 0.0, 1.0, 0.9), hesitation, Word("last,", end - 1.0, end, 0.9))


def test_an_unsure_um_on_a_breath_is_dropped_and_one_on_a_hum_is_kept():
    """Whisper's lengthless 'Um,' (p 0.05) over a breath has no voiced sound of its own: it is
    the filler prompt read into the pause. The same word over a hum is a real hesitation."""
    rng = np.random.default_rng(0)
    x, t = _between_words(_breath(0.6, rng), rng)
    um = Word("Um,", t + 0.2, t + 0.2, 0.05)
    assert "Um," not in [w.text for w in _drop_hesitations_without_a_hum(_words(x, um), x)[0]]
    x, t = _between_words(_hum(0.6), rng)
    assert "Um," in [w.text for w in _drop_hesitations_without_a_hum(_words(x, um), x)[0]]


def test_a_sure_hesitation_word_is_not_checked():
    """Only unsure hesitation words are checked: a sure 'Um,' stays even over a breath."""
    rng = np.random.default_rng(1)
    x, t = _between_words(_breath(0.6, rng), rng)
    words = _words(x, Word("Um,", t + 0.2, t + 0.2, 0.8))
    assert _drop_hesitations_without_a_hum(words, x) == (words, ())


def test_an_unsure_hesitation_mistimed_by_whisper_keeps_its_hum():
    """Whisper places a hesitation word up to a few tenths of a second off its sound (a
    synthesized 'uh' at 100.95-101.32 s was written at 101.42 s): the hum is still its own.
    Placed the same way after a breath, the word goes."""
    rng = np.random.default_rng(2)
    for middle, kept in ((_hum(0.35), True), (_breath(0.35, rng), False)):
        x, t = _between_words(middle, rng)
        uh = Word("Uh,", t + 0.45, t + 0.45, 0.05)  # 0.1 s after the sound ends
        assert (
            "Uh," in [w.text for w in _drop_hesitations_without_a_hum(_words(x, uh), x)[0]]
        ) is kept


def test_er_written_over_a_word_that_opens_on_a_fricative_is_dropped():
    """'Er,' (p 0.01) written over a spoken 'Sure': the vowel opens on a hiss, so it is a word
    Whisper could not make out, not a hesitation. The same vowel with no hiss is one."""
    rng = np.random.default_rng(3)
    x, t = _between_words(np.concatenate([_hiss(0.15, rng), _hum(0.4)]), rng)
    er = Word("Er,", t + 0.15, t + 0.55, 0.01)
    assert "Er," not in [w.text for w in _drop_hesitations_without_a_hum(_words(x, er), x)[0]]
    x, t = _between_words(np.concatenate([np.zeros(int(0.15 * RATE), np.float32), _hum(0.4)]), rng)
    assert "Er," in [w.text for w in _drop_hesitations_without_a_hum(_words(x, er), x)[0]]


@pytest.mark.parametrize("p", [0.02, 0.3])
def test_clean_stretch_drops_the_echo_and_keeps_the_hesitation(p):
    """Through the stretch clean-up: an unsure 'uh' on a breath goes (the words stay, and the
    breath is no voiced gap either); the same word on a hum stays, placed on the hum."""
    rng = np.random.default_rng(4)
    x, t = _between_words(_breath(0.6, rng), rng)
    seg = Segment(_words(x, Word("uh,", t + 0.3, t + 0.3, p)), 0.1, -0.3)
    words, gaps = clean_stretch([seg], x, 0.25)
    assert [w.text for w in words] == ["first", "last,"]
    assert gaps == ()
    x, t = _between_words(_hum(0.5), rng)
    seg = Segment(_words(x, Word("uh,", t + 0.1, t + 0.1, p)), 0.1, -0.3)
    words, _gaps = clean_stretch([seg], x, 0.25)
    uh = [w for w in words if w.text == "uh,"]
    assert len(uh) == 1 and t <= uh[0].start_s < uh[0].end_s <= t + 0.55


def test_er_over_a_spoken_sure_goes_and_a_spoken_uh_stays():
    """On synthesized speech (piper): Whisper's unsure 'Er,' over a slow 'Sure.' is dropped,
    the same word over a spoken 'uh' is kept."""
    pytest.importorskip("piper")
    from tests.analysis.test_voicing import _fixed, _hesitate, _say, _to_16k, _voice

    v = _voice()
    a = np.concatenate(
        [c.audio_float_array for c in v.synthesize("Sure.", syn_config=_fixed(length_scale=2.5))]
    )
    y = _to_16k(a, v.config.sample_rate)
    loud = np.flatnonzero(np.abs(y) > 0.002)
    sure = y[loud[0] : loud[-1] + 1]
    first, last = _say("We shipped the release two weeks late."), _say("Then we cut the scope.")
    sil = np.zeros(RATE // 2, np.float32)
    rng = np.random.default_rng(6)
    for middle, kept in ((sure, False), (_hesitate("ˈʌː"), True)):
        x = np.concatenate([sil, first, sil, middle, sil, last, sil])
        x = x + (0.001 * rng.standard_normal(len(x))).astype(np.float32)
        t1 = 0.5 + len(first) / RATE
        t2 = t1 + 0.5 + len(middle) / RATE
        words = (
            Word("late.", 0.5, t1, 0.9),
            Word("Er,", t1 + 0.5, t2, 0.01),
            Word("Then", t2 + 0.5, t2 + 0.5 + len(last) / RATE, 0.9),
        )
        out = [w.text for w in _drop_hesitations_without_a_hum(words, x)[0]]
        assert ("Er," in out) is kept


def test_a_sound_found_to_be_a_word_is_not_reported_as_a_voiced_gap_instead():
    """When 'er,' is dropped because its sound opens on a hiss (the 's' Whisper gave to the word
    before: 'it's A' written 'it er'), searching the freed time again must not report the same
    vowel as an '(hmm?)'."""
    rng = np.random.default_rng(7)
    x, t = _between_words(np.concatenate([_hiss(0.2, rng), _hum(0.4)]), rng)
    end = len(x) / RATE
    words = (
        Word("it", 0.0, t + 0.1, 0.9),  # stretched over the start of the hiss
        Word("er,", t + 0.2, t + 0.6, 0.11),
        Word("T", end - 1.0, end, 0.9),
    )
    out, gaps = clean_stretch([Segment(words, 0.1, -0.3)], x, 0.25)
    assert [w.text for w in out] == ["it", "T"]
    assert gaps == ()
