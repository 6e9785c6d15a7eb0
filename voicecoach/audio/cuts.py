"""Where to cut speech into stretches for the recogniser: inside pauses, never inside words.

Whisper decodes 30 s windows and, at a window's seam, sometimes skips a whole stretch of speech
(measured: 32 words lost in one 2-minute answer). Feeding it stretches cut at pauses, each
shorter than a window, avoids the seam, and lets the same cutting serve recordings in progress
(`speech.streaming`) and files (`speech.transcriber`), so both paths hear the same stretches.
Pure numpy, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_S = 0.02
FLOOR_MIN_DB = -70.0  # digital silence counts as this quiet, so real room noise is still "quiet"


@dataclass(frozen=True)
class CutSettings:
    min_chunk_s: float = 8.0  # never cut a stretch shorter than this (Whisper likes context)
    max_chunk_s: float = 28.0  # always cut before Whisper's 30 s window is full
    cut_silence_s: float = 0.45  # a silence this long is a safe place to cut
    silence_db_above_floor: float = 12.0  # a frame this close to the noise floor is silence


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
    `max_chunk_s` is reached, the middle of the widest quiet gap in the last third.
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
        # No pause long enough: the middle of the widest quiet gap in the last third.
        lo = max_f * 2 // 3
        best, best_len, run = -1, 0, 0
        for i in range(lo, max_f):
            run = run + 1 if quiet[i] else 0
            if run > best_len:
                best, best_len = i - run // 2, run
        return best if best_len else lo + int(np.argmin(levels_db[lo:max_f]))
    return None


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
                return cuts
            self._start += c
            cuts.append(self._start * self._n)
            del self._levels[:c], self._quiet[:c]

    def _floor_db(self) -> float:
        total = int(self._hist.sum())
        idx = int(np.searchsorted(np.cumsum(self._hist), 0.1 * total))
        return max(float(idx - 120), FLOOR_MIN_DB)


def stretches(
    samples: np.ndarray, rate_hz: int, s: CutSettings | None = None
) -> list[tuple[int, int]]:
    """Sample ranges [a, b) covering all of `samples`, cut at pauses (as PauseCutter cuts)."""
    bounds = [0, *PauseCutter(rate_hz, s).push(samples), len(samples)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
