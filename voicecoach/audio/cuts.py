"""Where to cut speech into stretches for the recogniser: inside pauses, never inside words.

Whisper decodes 30 s windows and, at a window's seam, sometimes skips a whole stretch of speech
(measured: 32 words lost in one 2-minute answer). Feeding it stretches cut at pauses, each
shorter than a window, avoids the seam, and lets the same cutting serve recordings in progress
(`speech.streaming`) and files (`speech.transcriber`), so both paths hear the same stretches.

Whisper pads every stretch to a full 30 s window and the window's encoding costs the same however
little of it is speech, so stretches are long: at least `min_chunk_s` = 20 s, cut at the first
good pause after that, before 28 s. On a 106 s answer, with one window per stretch, that is 5
windows, as plain faster-whisper on the whole file: 0.89x its CPU time (bench/speed.py; with
8 s stretches and the extra window after each it was 2.7x; docs/decisions/transcription.md).

The last stretch of an answer is split once more, at a short pause a couple of seconds before
the end (`PauseCutter.tail_split`). While recording, the stretch in progress is transcribed ahead
of time up to such pauses (speculatively, `speech.streaming`), so at Stop only the last seconds are
new; the file path splits the last stretch at the same place, so both still hear the same audio.
Pure numpy, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FRAME_S = 0.02
FLOOR_MIN_DB = -70.0  # digital silence counts as this quiet, so real room noise is still "quiet"


@dataclass(frozen=True)
class CutSettings:
    min_chunk_s: float = 20.0  # never cut a stretch shorter than this (see the module doc)
    max_chunk_s: float = 28.0  # always cut before Whisper's 30 s window is full
    cut_silence_s: float = 0.45  # a silence this long is a safe place to cut
    silence_db_above_floor: float = 12.0  # a frame this close to the noise floor is silence
    # Split points inside the stretch in progress (where it may be transcribed ahead of time):
    split_pause_s: float = 0.2  # a pause this long (at least) is a safe place to split ...
    split_every_s: float = 3.0  # ... at most one split point per this much audio ...
    split_guard_s: float = 2.0  # ... and the last stretch is split at the last one this far
    # before its end, so its head had time to be transcribed before the user stopped; or at the
    # last one when at least `tail_pause_s` of pause follows it (the head's guess, started as
    # the pause began, is then well on its way) with at most `tail_sound_max_s` of sound in it
    # (a click, a breath's edge).
    tail_pause_s: float = 0.5
    tail_sound_max_s: float = 0.06
    # A stretch cut in the pause after the answer's last words is split at a split point at
    # least this far before the cut: its head's guess was offered at least this long before the
    # pause's own guess (the whole stretch) took its place (`PauseCutter.cut_split`).
    cut_split_lead_s: float = 1.0


def frame_levels_db(x: np.ndarray, rate_hz: int) -> np.ndarray:
    """RMS level of each whole 20 ms frame, in dBFS."""
    n = int(FRAME_S * rate_hz)
    whole = len(x) // n
    if whole == 0:
        return np.zeros(0)
    frames = np.asarray(x[: whole * n], dtype=np.float64).reshape(whole, n)
    return 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-9)


def next_cut(levels_db: np.ndarray, quiet: np.ndarray, s: CutSettings) -> int | None:
    """Frame index to cut at in audio starting at frame 0, or None to wait for more audio.

    The middle of the first pause of `cut_silence_s` after `min_chunk_s`; failing that, once
    `max_chunk_s` is reached, the last split point in the last third (`split_points`: the
    stretch in progress has most likely been transcribed ahead of time up to it, so the
    finished stretch costs no decode more), or with none there the widest quiet gap in it.
    """
    min_f = int(round(s.min_chunk_s / FRAME_S))
    max_f = int(round(s.max_chunk_s / FRAME_S))
    if len(levels_db) < min_f:
        return None
    need = max(1, int(round(s.cut_silence_s / FRAME_S)))
    run = 0
    for i in range(max(0, min_f - need), min(len(quiet), max_f)):
        run = run + 1 if quiet[i] else 0
        if run >= need:
            return i - run // 2
    if len(levels_db) >= max_f:
        lo = max_f * 2 // 3
        late = [f for f in split_points(quiet[:max_f], s) if f >= lo]
        if late:
            return late[-1]
        at = need - 1 - need // 2
        best, best_len, run = -1, 0, 0
        for i in range(lo, max_f):
            run = run + 1 if quiet[i] else 0
            if run > best_len:
                start = i - run + 1
                best, best_len = (start + at if run > at else start + run // 2), run
        return best if best_len else lo + int(np.argmin(levels_db[lo:max_f]))
    return None


def split_points(quiet: Sequence[bool], s: CutSettings) -> list[int]:
    """Split points of a stretch (frame indices from its start, given its quiet frames so far).

    In a pause of `split_pause_s` or more, where a cut in that pause would fall (so if the pause
    grows into a cut, what was transcribed ahead up to it is the finished stretch), at least
    `split_every_s` after the stretch start and the previous point, and every such pause once a
    cut is possible. A pause of `tail_pause_s` past where it would be cut is a split point
    whatever the spacing: the answer may have ended there. (Shorter pauses, once ended, were
    tried as split points too: they shortened the tail decoded at Stop a little, but put the
    last seam inside phrases; in one test run tiny.en then wrote "the bill. Felt" for "the bill
    fell", which such a seam can cause, so they were dropped.) Each point depends only on the
    frames up to it, so the points of a prefix are the first points of the whole.
    """
    cut_need = max(1, int(round(s.cut_silence_s / FRAME_S)))
    at = cut_need - 1 - cut_need // 2  # frames into a pause where next_cut cuts it
    need = max(int(round(s.split_pause_s / FRAME_S)), at + 1)
    every = int(round(s.split_every_s / FRAME_S))
    # Past this, any pause may become the cut: each is a split point, whatever the spacing.
    may_cut = int(round(s.min_chunk_s / FRAME_S)) - cut_need
    # A pause this long may be the end of the answer (`PauseCutter.tail_split`): a split point
    # whatever the spacing from the previous one, so the words before it are being transcribed
    # when the user stops. (Not in a stretch's first `split_every_s`: a recording's first frames
    # are all quiet against the noise floor known so far.)
    long_need = at + int(round(s.tail_pause_s / FRAME_S))
    out: list[int] = []
    last = run = 0
    for f, q in enumerate(quiet):
        run = run + 1 if q else 0
        if run not in (need, long_need):
            continue
        point = f - run + 1 + at
        if out and out[-1] == point:
            continue  # this pause already has its split point
        spaced = point - last >= every or point >= may_cut
        if spaced or (run == long_need and point >= every):
            out.append(point)
            last = point
    return out


class PauseCutter:
    """Finds cut points in audio that arrives in blocks.

    Whether a frame is quiet is decided against the noise floor of the audio up to that frame
    (a running 10th percentile, never below FLOOR_MIN_DB), so the same audio is cut in the same
    places whatever the block sizes: a recording cut live and its file cut afterwards match.
    """

    def __init__(self, rate_hz: int = 16000, settings: CutSettings | None = None) -> None:
        self._rate_hz = rate_hz
        self._n = int(FRAME_S * rate_hz)
        self._s = settings or CutSettings()
        self._carry = np.zeros(0, dtype=np.float32)
        self._hist = np.zeros(121, dtype=np.int64)  # 1-dB bins, -120 .. 0 dBFS
        self._levels: list[float] = []  # frames since the current stretch began
        self._quiet: list[bool] = []
        self._start = 0  # frame index where the current stretch began
        self._splits: list[int] = []  # split points in the current stretch (sample offsets)
        self._cut_points: tuple[int, ...] = ()  # the split points of the stretch cut off last
        self._cut_at = 0  # where that cut fell (sample offset)

    def push(self, x: np.ndarray) -> list[int]:
        """Add mono samples; returns the sample offsets (from the very start) of new cuts."""
        data = np.concatenate([self._carry, x]) if len(self._carry) else np.asarray(x)
        whole = len(data) // self._n
        self._carry = data[whole * self._n :].copy()
        threshold = self._s.silence_db_above_floor
        for level in frame_levels_db(data[: whole * self._n], self._rate_hz).tolist():
            self._hist[min(max(int(round(level)) + 120, 0), 120)] += 1
            self._levels.append(level)
            self._quiet.append(level < self._floor_db() + threshold)
        cuts: list[int] = []
        while True:
            c = next_cut(np.asarray(self._levels), np.asarray(self._quiet), self._s)
            if c is None or c <= 0:
                break
            self._cut_points = tuple(
                (self._start + f) * self._n for f in split_points(self._quiet[:c], self._s)
            )
            self._cut_at = (self._start + c) * self._n
            self._start += c
            cuts.append(self._start * self._n)
            del self._levels[:c], self._quiet[:c]
            self._splits = []
        self._scan_splits()
        return cuts

    def _scan_splits(self) -> None:
        """The split points of the stretch in progress (`split_points`) so far."""
        self._splits = [(self._start + f) * self._n for f in split_points(self._quiet, self._s)]

    @property
    def stretch_start(self) -> int:
        """Sample offset where the stretch in progress began."""
        return self._start * self._n

    @property
    def splits(self) -> tuple[int, ...]:
        """Split points found so far in the stretch in progress (sample offsets)."""
        return tuple(self._splits)

    def tail_split(self, end: int) -> int | None:
        """Where to split the stretch in progress if the audio ended at sample `end`: at the
        last split point when `tail_pause_s` or more of pause follows it (the user stopped in a
        pause after their last words: the head was transcribed ahead, or is well on its way,
        and the pause holds no words), else at the last one at least `split_guard_s` before the
        end (a guess of the head that began only just before Stop would cost more than it
        saves)."""
        last = self._splits[-1] if self._splits else None
        if last is not None and end - last >= self._s.tail_pause_s * self._rate_hz:
            if self._only_pause_after(last):
                return last
        return self._guarded(self._splits, end)

    def _guarded(self, points: Sequence[int], end: int) -> int | None:
        """The last of the split points `points` at least `split_guard_s` before `end`."""
        guard = int(round(self._s.split_guard_s * self._rate_hz))
        fit = [p for p in points if p <= end - guard]
        return fit[-1] if fit else None

    def ended_at_cut(self) -> bool:
        """Whether only pause has followed the last cut (at most `tail_sound_max_s` of sound):
        if the audio ends here, the answer ended in the pause that was cut."""
        return self._start > 0 and self._only_pause_after(self._start * self._n)

    @property
    def cut_points(self) -> tuple[int, ...]:
        """The split points of the stretch the last cut ended (sample offsets)."""
        return self._cut_points

    def cut_split(self, end: int | None = None) -> int | None:
        """Where to split the stretch the last cut ended, should the answer end in that pause
        with the audio ending at sample `end`: at its last split point at least
        `split_guard_s` before `end` (as `tail_split` guards the stretch in progress), so only
        the seconds after it are new at Stop and the head was transcribed ahead.

        The guard counts from the end of the audio, not from the cut: the pause after the cut
        is time the head's guess had too. (Counted from the cut, an answer whose last sentences
        had no pause of `split_pause_s` fell back to a split point 16 s before the cut, and
        those 16 s were decoded after Stop: a newcomer's drills, 2.4-4.6 s to the review.) And
        the point is at least `cut_split_lead_s` before the cut, so the guess of the head was
        offered in time to be made. `end=None`: the split for a Stop however late."""
        lead = int(round(self._s.cut_split_lead_s * self._rate_hz))
        points = [p for p in self._cut_points if p <= self._cut_at - lead]
        return points[-1] if end is None and points else self._guarded(points, end or 0)

    def _only_pause_after(self, point: int) -> bool:
        first = point // self._n - self._start  # frames of the stretch in progress
        loud = len(self._quiet[first:]) - sum(self._quiet[first:])
        return loud * FRAME_S <= self._s.tail_sound_max_s + 1e-9

    def _floor_db(self) -> float:
        total = int(self._hist.sum())
        idx = int(np.searchsorted(np.cumsum(self._hist), 0.1 * total))
        return max(float(idx - 120), FLOOR_MIN_DB)


def stretches(
    samples: np.ndarray, rate_hz: int, s: CutSettings | None = None
) -> list[tuple[int, int]]:
    """Sample ranges [a, b) covering all of `samples`, cut at pauses (as PauseCutter cuts),
    the last stretch split at its tail split point (as the streaming transcriber splits it);
    when the audio ends in the pause of the last cut, the stretch that cut ended is split at
    its own tail split point instead (`PauseCutter.cut_split`)."""
    cutter = PauseCutter(rate_hz, s)
    cuts = cutter.push(samples)
    cut_split = cutter.cut_split(len(samples)) if cuts and cutter.ended_at_cut() else None
    if cut_split is not None:
        cuts.insert(len(cuts) - 1, cut_split)  # the answer ended in the pause cut last
    split = cutter.tail_split(len(samples))
    bounds = [0, *cuts, *([split] if split is not None else []), len(samples)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
