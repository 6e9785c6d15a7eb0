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


def noise_floor_db(levels_db: np.ndarray) -> float:
    """The quietest tenth of the frames, never below FLOOR_MIN_DB."""
    if len(levels_db) == 0:
        return FLOOR_MIN_DB
    return max(float(np.percentile(levels_db, 10)), FLOOR_MIN_DB)


def next_cut(levels_db: np.ndarray, floor_db: float, s: CutSettings) -> int | None:
    """Frame index to cut at in audio starting at frame 0, or None to wait for more audio.

    The middle of the first pause of `cut_silence_s` after `min_chunk_s`; failing that, once
    `max_chunk_s` is reached, the middle of the widest quiet gap in the last third.
    """
    min_f = int(round(s.min_chunk_s / FRAME_S))
    max_f = int(round(s.max_chunk_s / FRAME_S))
    if len(levels_db) < min_f:
        return None
    quiet = levels_db[:max_f] < floor_db + s.silence_db_above_floor
    need = max(1, int(round(s.cut_silence_s / FRAME_S)))
    run = 0
    for i in range(max(0, min_f - need), len(quiet)):
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


def stretches(
    samples: np.ndarray, rate_hz: int, s: CutSettings | None = None
) -> list[tuple[int, int]]:
    """Sample ranges [a, b) covering all of `samples`, cut at pauses."""
    s = s or CutSettings()
    levels = frame_levels_db(samples, rate_hz)
    floor = noise_floor_db(levels)
    n = int(FRAME_S * rate_hz)
    out: list[tuple[int, int]] = []
    start_f = 0
    while True:
        cut = next_cut(levels[start_f:], floor, s)
        if cut is None or cut <= 0:
            break
        out.append((start_f * n, (start_f + cut) * n))
        start_f += cut
    out.append((start_f * n, len(samples)))
    return [(a, b) for a, b in out if b > a]
