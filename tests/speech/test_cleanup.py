"""Word clean-up of one stretch: the filler prompt's echoes in pauses (no model needed)."""

from __future__ import annotations

from voicecoach.domain import Word
from voicecoach.speech.cleanup import _drop_prompt_echoes


def test_prompt_echo_in_a_pause_is_dropped():
    """A burst of lengthless, unsure prompt words in a pause was never said: it is dropped."""
    words = (
        Word("timeline.", 25.16, 25.44, 0.98),
        Word("I", 25.44, 25.44, 0.01),
        Word("mean,", 25.44, 25.44, 0.01),
        Word("uh,", 25.44, 25.44, 0.0),
        Word("uh,", 25.44, 25.44, 0.03),
        Word("hmm,", 25.44, 25.54, 0.48),
        Word("hmm,", 25.54, 25.54, 0.64),
        Word("And", 26.06, 26.3, 0.41),
    )
    assert [w.text for w in _drop_prompt_echoes(words)] == ["timeline.", "And"]


def test_real_hesitations_and_words_survive_the_echo_rule():
    """An 'um' with length, and confident words next to a dropped echo, are kept."""
    words = (
        Word("So,", 0.5, 0.9, 0.9),
        Word("um,", 1.1, 1.5, 0.06),
        Word("we", 1.6, 1.7, 0.99),
        Word("shipped.", 1.7, 2.2, 0.99),
        Word("uh,", 2.9, 2.9, 0.01),
        Word("hmm.", 2.9, 2.9, 0.1),
        Word("Like", 3.2, 3.5, 0.9),
    )
    assert [w.text for w in _drop_prompt_echoes(words)] == ["So,", "um,", "we", "shipped.", "Like"]


def test_a_lone_lengthless_hesitation_is_kept():
    """Whisper often writes a real 'uh' with no length; alone between words it is kept."""
    words = (Word("deploy,", 1.0, 1.4, 0.9), Word("uh,", 1.5, 1.5, 0.02), Word("we", 1.8, 1.9, 0.9))
    assert _drop_prompt_echoes(words) == words


def test_echoed_prompt_phrase_is_dropped():
    """'I mean, I mean, I mean' stacked on one instant with guessing probabilities is the
    prompt's echo: the stack goes, and so do the near-zero-probability words glued to it."""
    words = (
        Word("reduced", 61.0, 61.32, 0.97),
        Word("I", 62.48, 62.85, 0.0005),
        Word("mean,", 63.1, 63.52, 0.011),
        Word("I", 63.52, 63.52, 0.08),
        Word("mean,", 63.52, 63.52, 0.05),
        Word("I", 63.52, 63.52, 0.49),
        Word("mean,", 63.52, 63.52, 0.24),
        Word("The", 65.17, 65.4, 0.77),
    )
    assert [w.text for w in _drop_prompt_echoes(words)] == ["reduced", "The"]


def test_a_said_i_mean_is_kept():
    """'I mean' spoken with length and confidence, next to nothing lengthless, stays."""
    words = (
        Word("slow.", 1.0, 1.4, 0.9),
        Word("I", 1.6, 1.7, 0.6),
        Word("mean,", 1.7, 1.9, 0.7),
        Word("it", 2.0, 2.1, 0.9),
    )
    assert _drop_prompt_echoes(words) == words


def test_prompt_phrase_stacked_on_one_instant_is_dropped_whatever_its_probability():
    """'I mean, I' with no length between two sentences (p 0.67/0.62/0.92, as tiny.en wrote it
    in six dev answers) is the prompt read into the pause, not a said 'I mean': it goes, so it
    is neither a discourse filler nor a stutter in the transcript."""
    words = (
        Word("see?", 126.94, 127.2, 1.0),
        Word("I", 127.42, 127.42, 0.69),
        Word("mean,", 127.42, 127.42, 0.62),
        Word("I", 127.42, 127.42, 0.92),
        Word("What", 127.71, 127.94, 0.69),
        Word("happened?", 127.94, 128.4, 0.99),
    )
    assert [w.text for w in _drop_prompt_echoes(words)] == ["see?", "What", "happened?"]


def test_lengthless_so_before_a_real_uh_is_not_a_stacked_phrase():
    """'So, uh,' both written with no length but half a second apart is no prompt phrase: the
    lone 'uh' stays (it was a real one in a dev answer)."""
    words = (
        Word("too.", 113.8, 114.1, 0.99),
        Word("So,", 114.12, 114.12, 0.92),
        Word("uh,", 114.68, 114.68, 0.40),
        Word("after", 114.9, 115.1, 0.99),
    )
    assert _drop_prompt_echoes(words) == words


# --- speech Whisper skipped ----------------------------------------------------------------


def _talk(spans: list[tuple[float, float]], total_s: float):
    """Tone bursts over faint noise, 16 kHz: sound where the spans are, quiet elsewhere."""
    import numpy as np

    rng = np.random.default_rng(4)
    x = (rng.standard_normal(int(total_s * 16000)) * 0.001).astype(np.float32)
    for a, b in spans:
        i, j = int(a * 16000), int(b * 16000)
        x[i:j] += 0.3 * np.sin(2 * np.pi * 170 * np.arange(j - i) / 16000).astype(np.float32)
    return x


def _every_half_second(a: float, b: float) -> list[tuple[float, float]]:
    out, t = [], a
    while t + 0.35 <= b:
        out.append((t, t + 0.35))
        t += 0.5
    return out


def test_a_word_stretched_over_skipped_speech_is_a_span_to_decode_again():
    """Whisper wrote 'know,' over 22 s of speech it skipped: the span from where that word
    ended (its first pause) to the pause after its end is sound with no words."""
    from voicecoach.speech.cleanup import unheard_spans

    x = _talk(_every_half_second(0.5, 29.5), 30.0)
    words = [Word(f"w{i}", a, b) for i, (a, b) in enumerate(_every_half_second(0.5, 5.0))]
    words.append(Word("know,", 5.0, 27.0))
    words += [Word("end", 27.0, 27.35), Word("now.", 27.5, 27.85)]
    ((a, b),) = unheard_spans(words, x)
    assert 5.3 <= a <= 5.5  # the burst under "know," ends at 5.35
    assert 27.35 <= b <= 27.5  # in the pause after the burst "know," ends in (27.0-27.35)


def test_stretched_words_in_a_row_are_one_span_from_word_to_pause():
    """A recorded interview answer lost its first sentence: Whisper wrote 'I was the one called
    engineer.' over 7.5 s, 'was' 3.9 s and 'the' 1.9 s long. The span ended where 'was' did,
    in the middle of a word, and its own decode came back as 'I mean, I mean, ...' (dropped).
    The span runs through the stretched words right after it and ends in the next pause; with
    no pause to tell where 'was' itself ended, it begins where 'was' begins."""
    from voicecoach.speech.cleanup import unheard_spans

    talk = [(0.0, 0.5), (0.55, 7.5), (7.8, 8.2), (8.3, 8.9)]  # speech with hardly a pause
    x = _talk(talk, 10.0)
    words = [Word("I", 0.0, 0.58, 0.05), Word("was", 0.58, 4.52, 0.10)]
    words += [Word("the", 4.52, 6.44, 0.29), Word("one", 6.44, 6.70, 0.15)]
    words += [Word("called", 6.70, 6.96), Word("engineer.", 6.96, 7.46)]
    words += [Word("So", 7.8, 8.2), Word("my", 8.3, 8.9)]
    ((a, b),) = unheard_spans(words, x)
    assert a == 0.58  # no pause under 'was' to tell where it ended: from its start
    assert 7.5 <= b <= 7.8  # through 'the' (1.9 s) to the pause after the speech under it


def test_a_long_gap_full_of_sound_is_a_span_but_a_quiet_one_or_a_hum_is_not():
    from voicecoach.speech.cleanup import unheard_spans

    x = _talk([*_every_half_second(0.5, 4.0), (5.0, 7.0), *_every_half_second(10.0, 18.0)], 24.0)
    words = [Word("w", a, b) for a, b in _every_half_second(0.5, 4.0)]
    words.append(Word("um", 5.0, 7.0))  # a 2 s hum: long, but a word can be
    # 7-10 s: quiet, no words (a pause); 10-18 s: speech, no words; 18-24 s: quiet to the end
    assert unheard_spans(words, x) == [(7.0, 24.0)]
    x2 = _talk([*_every_half_second(0.5, 4.0), (5.0, 7.0)], 24.0)
    assert unheard_spans(words, x2) == []  # only quiet after the hum


def test_a_word_written_twice_end_to_end_and_unsure_is_one_word():
    """'First.' was said once at a section start and shown twice (p 0.40 and 0.16, touching)."""
    from voicecoach.speech.cleanup import _merge_written_twice

    words = (
        Word("releases.", 19.2, 19.8, 0.95),
        Word("First.", 19.96, 20.54, 0.40),
        Word("First.", 20.54, 20.76, 0.16),
        Word("I", 21.3, 21.4, 0.9),
    )
    out = _merge_written_twice(words)
    assert [w.text for w in out] == ["releases.", "First.", "I"]
    assert (out[1].start_s, out[1].end_s) == (19.96, 20.76)


def test_a_word_really_said_twice_stays_twice():
    """A repeat with a break between, or one Whisper is sure of, is what the speaker said."""
    from voicecoach.speech.cleanup import _merge_written_twice

    sure = (Word("the", 1.0, 1.2, 0.9), Word("the", 1.2, 1.4, 0.8))
    apart = (Word("no,", 1.0, 1.2, 0.4), Word("no,", 1.5, 1.7, 0.2))
    assert len(_merge_written_twice(sure)) == 2 and len(_merge_written_twice(apart)) == 2


def test_one_hum_written_as_touching_hesitations_is_one_word():
    """'Um. Um. Um,' end to end over 75.40-75.78 s of a real call was one hum; two hums with a
    breath between them stay two."""
    from voicecoach.speech.cleanup import _merge_written_twice

    hum = (
        Word("Um.", 75.40, 75.52, 0.1),
        Word("Um.", 75.52, 75.64, 0.6),
        Word("Um,", 75.66, 75.78, 0.2),
    )
    (one,) = _merge_written_twice(hum)
    assert (one.start_s, one.end_s, one.probability) == (75.40, 75.78, 0.6)
    two = (Word("um", 1.0, 1.3, 0.9), Word("uh", 1.6, 1.9, 0.9))
    assert len(_merge_written_twice(two)) == 2
