"""Cutting speech into stretches for the recogniser: only inside pauses, never too long."""

from __future__ import annotations

import numpy as np
import pytest

from voicecoach.audio.cuts import CutSettings, PauseCutter, stretches

RATE = 16000


def _speech(
    n_words: int, pause_every: int, seed: int = 0, pause_s: float = 0.7
) -> tuple[np.ndarray, list]:
    rng = np.random.default_rng(seed)
    spans, t = [], 0.4
    for k in range(n_words):
        spans.append((t, t + 0.35))
        t += 0.35 + (pause_s if (k + 1) % pause_every == 0 else 0.12)
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
    for a, b in parts[:-2]:  # the last stretch is split at its tail split point
        assert s.min_chunk_s - 0.5 <= (b - a) / RATE <= s.max_chunk_s
    assert not any(_inside_word(b / RATE, spans) for _, b in parts[:-1])


def test_no_pauses_still_cut_before_a_window_fills():
    """Speech with only short gaps is cut at its quietest point before 28 s."""
    x, spans = _speech(150, 10_000)
    parts = stretches(x, RATE)
    assert len(parts) > 1
    assert all((b - a) / RATE <= CutSettings().max_chunk_s for a, b in parts)
    assert not any(_inside_word(b / RATE, spans) for _, b in parts[:-1])


def test_short_audio_is_one_stretch():
    """Audio shorter than the minimum is left whole (when it ends in speech: see below for a
    final pause)."""
    x, spans = _speech(6, 3)
    x = x[: int((spans[-1][1] + 0.1) * RATE)]
    assert stretches(x, RATE) == [(0, len(x))]
    assert stretches(np.zeros(0, dtype=np.float32), RATE) == []


def test_same_cuts_whatever_the_block_sizes():
    """A recording cut live (any block sizes) is cut exactly where its file is cut afterwards."""
    from voicecoach.audio.cuts import PauseCutter

    x, _ = _speech(220, 6, seed=5)
    whole = [b for _, b in stretches(x, RATE)[:-1]]  # (its last stretch is too short to split)
    rng = np.random.default_rng(1)
    for _trial in range(3):
        cutter, got, i = PauseCutter(RATE), [], 0
        while i < len(x):
            n = int(rng.integers(1, 5000))
            got += cutter.push(x[i : i + n])
            i += n
        assert got == whole


def test_last_stretch_split_in_a_pause_before_the_guard_whatever_the_blocks():
    """The last stretch is split in a pause at least split_guard_s before the end, and a cutter
    fed block by block (live) finds the same split point as the whole file (batch)."""
    s = CutSettings()
    for n_words in (33, 70, 101):  # 0.3 s pauses: too short to cut at, long enough to split
        x, spans = _speech(n_words, 4, seed=n_words, pause_s=0.3)
        x = x[: int((spans[-1][1] + 0.1) * RATE)]  # stopped just after a word
        parts = stretches(x, RATE, s)
        cutter = PauseCutter(RATE, s)
        for i in range(0, len(x), 737):
            cutter.push(x[i : i + 737])
        split = cutter.tail_split(len(x))
        assert split is not None and parts[-1][0] == split
        assert not _inside_word(split / RATE, spans)
        assert len(x) - split >= s.split_guard_s * RATE
        start = parts[-2][0]
        assert split - start >= s.split_every_s * RATE
        assert len(x) - split < s.split_guard_s * RATE + s.split_every_s * RATE + 2 * RATE


def _cuts_and_split_points(x) -> tuple[list[int], set[int]]:
    """Cut `x` live in 50 ms blocks: the cuts, and every split point offered on the way."""
    cutter = PauseCutter(RATE)
    seen: set[int] = set()
    cuts: list[int] = []
    for i in range(0, len(x), 800):
        cuts += cutter.push(x[i : i + 800])
        seen |= set(cutter.splits)
    return cuts, seen


def test_a_split_point_in_a_pause_that_grows_into_a_cut_is_that_cut():
    """A split point sits where a cut in its pause would fall, so the stretch transcribed ahead
    up to it is exactly the finished stretch when the pause turns out long enough to cut."""
    x, _ = _speech(60, 5, seed=3)
    cuts, seen = _cuts_and_split_points(x)
    assert cuts and any(c in seen for c in cuts)


def test_a_cut_forced_by_the_window_limit_falls_on_a_split_point():
    """With no pause long enough to cut at, the cut made at 28 s lands on the split point of the
    gap it chose, so what was transcribed ahead up to that point is the finished stretch. It
    used to fall in the gap's middle, a frame or two off, and the stretch was decoded again."""
    x, _ = _speech(120, 4, seed=5, pause_s=0.3)  # 0.3 s pauses: split points, never a cut
    cuts, seen = _cuts_and_split_points(x)
    assert cuts, "no forced cut happened"
    assert all(c in seen for c in cuts)


def test_a_cut_forced_at_the_window_limit_lands_on_a_split_point():
    """With no pause long enough to cut at, the cut forced before 28 s lands on the last split
    point of the stretch's last third, so the stretch transcribed ahead of time up to it is the
    finished stretch (a cut in another gap meant decoding the whole stretch again)."""
    s = CutSettings()
    x, spans = _speech(200, 4, seed=11, pause_s=0.3)  # 0.3 s pauses: split, never cut
    cuts, seen = _cuts_and_split_points(x)
    assert len(cuts) >= 3
    assert all(c in seen for c in cuts)
    assert not any(_inside_word(c / RATE, spans) for c in cuts)
    starts = [0, *cuts]
    assert all(
        s.max_chunk_s * 2 / 3 <= (b - a) / RATE <= s.max_chunk_s
        for a, b in zip(starts, cuts, strict=False)
    )


def test_last_stretch_split_at_a_final_pause_whatever_the_blocks():
    """Stopped in a pause after the last words: the last stretch is split at the split point in
    that pause (its head is what the stream guessed as the pause began; the rest holds no
    words), live and batch alike. Stopped sooner, or with sound after it, the guard rule holds."""
    s = CutSettings()
    x, spans = _speech(32, 8, seed=3, pause_s=0.3)  # 0.3 s pauses ~3.9 s apart: split points
    room = np.random.default_rng(4).standard_normal(2 * RATE).astype(np.float32) * 0.002
    x = np.concatenate([x, room])  # room noise after the last words, long enough for any stop
    end_speech = spans[-1][1]
    for pause_s, expect_final in ((0.3, False), (0.6, False), (0.8, True), (1.5, True)):
        y = x[: int((end_speech + pause_s) * RATE)]
        cutter, cuts = PauseCutter(RATE, s), []
        for i in range(0, len(y), 800):
            cuts += cutter.push(y[i : i + 800])
        split = cutter.tail_split(len(y))
        last_start = split if split is not None else (cuts[-1] if cuts else 0)
        assert stretches(y, RATE, s)[-1][0] == last_start  # batch splits where live does
        in_final_pause = split is not None and split / RATE > end_speech
        assert in_final_pause == expect_final, (pause_s, split / RATE if split else None)
        if expect_final:
            assert split == cutter.splits[-1]
            assert split / RATE - end_speech == pytest.approx(0.2, abs=0.03)
        elif split is not None:
            assert len(y) - split >= s.split_guard_s * RATE
    # a sound after the final split point (a word, not a click): the guard rule again
    y = x[: int((end_speech + 1.5) * RATE)].copy()
    a = int((end_speech + 1.0) * RATE)
    y[a : a + int(0.2 * RATE)] += 0.3 * np.sin(np.arange(int(0.2 * RATE)) * 0.06).astype(np.float32)
    cutter = PauseCutter(RATE, s)
    cutter.push(y)
    split = cutter.tail_split(len(y))
    assert split is not None and len(y) - split >= s.split_guard_s * RATE


def test_answer_ending_in_the_pause_of_a_cut_splits_the_stretch_that_cut_ended():
    """A stretch of 20 s or more is cut in the pause after its last words. If the answer ends
    there, that stretch is split at its own tail split point (its head was transcribed ahead
    long before), live and batch alike; if speech follows, it stays whole."""
    s = CutSettings()
    x, spans = _speech(44, 8, seed=6, pause_s=0.3)  # ~21.7 s of speech: cut in the final pause
    room = np.random.default_rng(8).standard_normal(2 * RATE).astype(np.float32) * 0.002
    end_speech = spans[-1][1]
    y = np.concatenate([x[: int((end_speech + 0.3) * RATE)], room[: int(0.6 * RATE)]])
    cutter, cuts = PauseCutter(RATE, s), []
    for i in range(0, len(y), 800):
        cuts += cutter.push(y[i : i + 800])
    assert len(cuts) == 1 and cuts[0] / RATE == pytest.approx(end_speech + 0.2, abs=0.03)
    assert cutter.ended_at_cut()
    split = cutter.cut_split(len(y))
    assert split is not None and len(y) - split >= s.split_guard_s * RATE
    assert not _inside_word(split / RATE, spans)
    parts = stretches(y, RATE, s)
    assert [b for _, b in parts] == [split, cuts[0], len(y)]
    # a word after the pause: the cut stretch is whole
    z = np.concatenate([y, x[int(spans[0][0] * RATE) : int((spans[0][1] + 0.1) * RATE)]])
    c2 = PauseCutter(RATE, s)
    c2.push(z)
    assert not c2.ended_at_cut()
    assert [b for _, b in stretches(z, RATE, s)][0] == cuts[0]


def _words_with_pauses(ends_s: list[float], pauses: dict[float, float], tail_s: float):
    """Words of 0.35 s with 0.12 s gaps (too short for a split point) from 0.4 s, a pause of
    `pauses[t]` after the word ending nearest each `t`, speech until `ends_s[-1]`, then
    `tail_s` of room noise."""
    rng = np.random.default_rng(11)
    spans, t = [], 0.4
    marks = sorted(pauses)
    while t + 0.35 <= ends_s[-1]:
        spans.append((t, t + 0.35))
        t += 0.35
        if marks and t >= marks[0]:
            t += pauses[marks.pop(0)]
        else:
            t += 0.12
    end = spans[-1][1]
    x = (rng.standard_normal(int((end + tail_s) * RATE)) * 0.002).astype(np.float32)
    for a, b in spans:
        i, j = int(a * RATE), int(b * RATE)
        x[i:j] += 0.3 * np.sin(2 * np.pi * 150 * np.arange(j - i) / RATE).astype(np.float32)
    return x, spans


def test_answer_ending_in_a_cut_splits_at_the_last_point_the_stop_leaves_time_for():
    """A newcomer's drill: its last 14 s had no pause of 0.22 s but one 1.8 s before the final
    pause, which became a cut. Stopped 1.6 s after the cut, the stretch was split 16 s back
    (the guard counted from the cut), and all 16 s were decoded after Stop. The guard counts
    from the end of the audio: the split point 3.4 s before Stop is used, live and batch alike;
    stopped at once after the cut, the earlier point still is."""
    s = CutSettings()
    x, spans = _words_with_pauses([21.6], {6.0: 0.3, 19.8: 0.38}, tail_s=2.0)
    end_speech = spans[-1][1]
    cutter, cuts = PauseCutter(RATE, s), []
    for i in range(0, len(x), 800):
        cuts += cutter.push(x[i : i + 800])
    assert len(cuts) == 1 and cuts[0] / RATE == pytest.approx(end_speech + 0.2, abs=0.03)
    assert cutter.ended_at_cut()
    late = [p for p in cutter.cut_points if p / RATE > 19.0]
    assert late and cuts[0] - late[-1] < s.split_guard_s * RATE  # within the guard of the cut
    stop = int((cuts[0] / RATE + 1.6) * RATE)
    assert cutter.cut_split(stop) == late[-1]
    assert [b for _, b in stretches(x[:stop], RATE, s)][:2] == [late[-1], cuts[0]]
    soon = int((cuts[0] / RATE + 0.3) * RATE)  # stopped just after the cut: the earlier point
    early = cutter.cut_split(soon)
    assert early is not None and early / RATE < 10.0
    assert [b for _, b in stretches(x[:soon], RATE, s)][:2] == [early, cuts[0]]


def test_a_split_point_just_before_the_cut_is_not_used_for_it():
    """A split point less than `cut_split_lead_s` before the cut: the pause's own guess (the
    whole stretch) replaced its head's guess almost at once, so at Stop that head would be
    decoded whole; the point before it is used, however late the Stop."""
    s = CutSettings()
    x, spans = _words_with_pauses([22.2], {6.0: 0.3, 21.0: 0.3}, tail_s=3.0)
    cutter, cuts = PauseCutter(RATE, s), []
    for i in range(0, len(x), 800):
        cuts += cutter.push(x[i : i + 800])
    assert len(cuts) == 1 and cutter.ended_at_cut()
    near = cutter.cut_points[-1]
    assert 0 < cuts[0] - near < s.cut_split_lead_s * RATE
    split = cutter.cut_split(len(x))
    assert split is not None and split < near and split == cutter.cut_split()
    assert [b for _, b in stretches(x, RATE, s)][:2] == [split, cuts[0]]
