"""Cutting speech into stretches for the recogniser: only inside pauses, never too long."""

from __future__ import annotations

import numpy as np

from voicecoach.audio.cuts import CutSettings, stretches

RATE = 16000


def _speech(n_words: int, pause_every: int, seed: int = 0) -> tuple[np.ndarray, list]:
    rng = np.random.default_rng(seed)
    spans, t = [], 0.4
    for k in range(n_words):
        spans.append((t, t + 0.35))
        t += 0.35 + (0.7 if (k + 1) % pause_every == 0 else 0.12)
    x = (rng.standard_normal(int((t + 0.4) * RATE)) * 0.002).astype(np.float32)
    for a, b in spans:
        i, j = int(a * RATE), int(b * RATE)
        x[i:j] += 0.3 * np.sin(2 * np.pi * 150 * np.arange(j - i) / RATE).astype(np.float32)
    return x, spans


def _inside_word(cut_s: float, spans) -> bool:
    return any(a < cut_s < b for a, b in spans)


def test_stretches_cover_everything_in_order():
    """The stretches tile the audio exactly: no sample lost or repeated."""
    x, _ = _speech(200, 7)
    parts = stretches(x, RATE)
    assert parts[0][0] == 0 and parts[-1][1] == len(x)
    assert all(b == c for (_, b), (c, _) in zip(parts, parts[1:], strict=False))


def test_cuts_fall_in_pauses_and_respect_lengths():
    """Every cut is in a sentence pause; stretches are between min and max length."""
    x, spans = _speech(200, 7)
    s = CutSettings()
    parts = stretches(x, RATE, s)
    assert len(parts) > 3
    for a, b in parts[:-1]:
        assert s.min_chunk_s - 0.5 <= (b - a) / RATE <= s.max_chunk_s
        assert not _inside_word(b / RATE, spans)


def test_no_pauses_still_cut_before_a_window_fills():
    """Speech with only short gaps is cut at its quietest point before 28 s."""
    x, spans = _speech(150, 10_000)
    parts = stretches(x, RATE)
    assert len(parts) > 1
    assert all((b - a) / RATE <= CutSettings().max_chunk_s for a, b in parts)
    assert not any(_inside_word(b / RATE, spans) for _, b in parts[:-1])


def test_short_audio_is_one_stretch():
    """Audio shorter than the minimum is left whole."""
    x, _ = _speech(10, 3)
    assert stretches(x, RATE) == [(0, len(x))]
    assert stretches(np.zeros(0, dtype=np.float32), RATE) == []


def test_same_cuts_whatever_the_block_sizes():
    """A recording cut live (any block sizes) is cut exactly where its file is cut afterwards."""
    from voicecoach.audio.cuts import PauseCutter

    x, _ = _speech(220, 6, seed=5)
    whole = [b for _, b in stretches(x, RATE)[:-1]]
    rng = np.random.default_rng(1)
    for _trial in range(3):
        cutter, got, i = PauseCutter(RATE), [], 0
        while i < len(x):
            n = int(rng.integers(1, 5000))
            got += cutter.push(x[i : i + n])
            i += n
        assert got == whole
