"""Voiced sound between recognised words: the "hmm", "er" and "umm" Whisper leaves out.

Whisper is trained on transcripts that omit hesitations, so it often writes nothing for them.
The audio still shows them plainly: a hesitation is *voiced* (the vocal folds vibrate, so the
waveform repeats at the pitch period, 70-400 Hz) and clearly louder than the room. Silence,
breaths, fans and hiss are either quiet or aperiodic. So in every gap between words we look for
frames that are both

- loud: frame energy at least `LOUD_DB_OVER_FLOOR` above the recording's noise floor (its 10th
  percentile frame level) and not too far below its speech level, and
- periodic: the peak of the normalised cross-correlation function (NCCF, as in RAPT pitch
  trackers) over lags of 1/400 .. 1/70 s is at least `PERIODIC_NCCF`. White noise and breath
  noise stay well below it; a hum or a held vowel sits near 0.9.

Runs of such frames lasting at least `min_gap_s` become VoicedGaps. Whisper's word times are off
by 0.1-0.2 s, so each gap is shrunk by `EDGE_MARGIN_S` at word edges: the tail of a word must not
be mistaken for a hesitation.

Pure numpy, no I/O. Cost: one FFT per 10 ms frame of gap audio (about 30 ms of CPU per minute of
gaps).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from voicecoach.domain import VoicedGap, Word

FRAME_S = 0.03  # analysis window: two periods of the lowest pitch (70 Hz)
HOP_S = 0.01
MIN_PITCH_HZ = 70.0
MAX_PITCH_HZ = 400.0
EDGE_MARGIN_S = 0.15  # keep this far from word edges (Whisper timestamps are approximate)
LOUD_DB_OVER_FLOOR = 12.0
MAX_DB_UNDER_SPEECH = 30.0  # quieter than this below the loudest speech is not a hesitation
PERIODIC_NCCF = 0.6
MIN_TROUGH_DEPTH = 0.4  # the NCCF must dip at least this far before the pitch peak
FLOOR_MIN_DB = -80.0  # digital silence: treat the floor as this, not -inf
MAX_FRAMES_PER_BATCH = 4000  # bounds memory on hour-long gaps


def find_voiced_gaps(
    samples: np.ndarray,
    rate_hz: int,
    words: Sequence[Word],
    min_gap_s: float = 0.25,
) -> tuple[VoicedGap, ...]:
    """Voiced stretches of at least `min_gap_s` in the gaps between `words` (sorted by time)."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim != 1 or len(x) < int(FRAME_S * rate_hz) * 2:
        return ()
    duration_s = len(x) / rate_hz
    floor_db, speech_db = _levels(x, rate_hz)
    min_db = max(floor_db + LOUD_DB_OVER_FLOOR, speech_db - MAX_DB_UNDER_SPEECH)
    out: list[VoicedGap] = []
    for start_s, end_s in _search_regions(words, duration_s, min_gap_s):
        out.extend(_voiced_runs(x, rate_hz, start_s, end_s, min_db, min_gap_s))
    return tuple(out)


def _search_regions(
    words: Sequence[Word], duration_s: float, min_gap_s: float
) -> list[tuple[float, float]]:
    """Gaps between words, shrunk by the edge margin, that could hold a long enough run."""
    regions: list[tuple[float, float]] = []
    prev_end = None
    for w in sorted(words, key=lambda w: w.start_s):
        lo = 0.0 if prev_end is None else prev_end + EDGE_MARGIN_S
        regions.append((lo, w.start_s - EDGE_MARGIN_S))
        prev_end = w.end_s if prev_end is None else max(prev_end, w.end_s)
    regions.append((0.0 if prev_end is None else prev_end + EDGE_MARGIN_S, duration_s))
    return [(a, min(b, duration_s)) for a, b in regions if min(b, duration_s) - a >= min_gap_s]


def _levels(x: np.ndarray, rate_hz: int) -> tuple[float, float]:
    """Noise floor (10th percentile) and speech level (95th) of 10 ms frame levels, in dBFS."""
    hop = int(HOP_S * rate_hz)
    n = len(x) // hop
    db = _db(np.mean(np.square(x[: n * hop].reshape(n, hop), dtype=np.float64), axis=1))
    floor_db = max(float(np.percentile(db, 10)), FLOOR_MIN_DB)
    return floor_db, float(np.percentile(db, 95))


def _db(power: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(np.maximum(power, 1e-12))


def _voiced_runs(
    x: np.ndarray, rate_hz: int, start_s: float, end_s: float, min_db: float, min_gap_s: float
) -> list[VoicedGap]:
    win = int(FRAME_S * rate_hz)
    hop = int(HOP_S * rate_hz)
    lag_lo = int(rate_hz / MAX_PITCH_HZ)
    lag_hi = int(np.ceil(rate_hz / MIN_PITCH_HZ))
    a = int(start_s * rate_hz)
    b = min(int(end_s * rate_hz), len(x))
    span = win + lag_hi + 1  # window plus the longest lag looked at (one past the range)
    n_frames = (b - a - span) // hop + 1
    if n_frames <= 0:
        return []
    voiced = np.zeros(n_frames, dtype=bool)
    for i in range(0, n_frames, MAX_FRAMES_PER_BATCH):
        k = min(MAX_FRAMES_PER_BATCH, n_frames - i)
        seg = x[a + i * hop : a + (i + k - 1) * hop + span]
        voiced[i : i + k] = _voiced_frames(seg, win, hop, lag_lo, lag_hi, k, min_db)
    voiced = _close_holes(voiced)
    out: list[VoicedGap] = []
    for first, last in _runs(voiced):
        # A frame covers [t, t + win); report the span from the first to the last voiced frame.
        t0 = start_s + first * HOP_S
        t1 = min(start_s + last * HOP_S + FRAME_S, end_s)
        if t1 - t0 >= min_gap_s:
            out.append(VoicedGap(round(t0, 3), round(t1, 3)))
    return out


def _voiced_frames(
    seg: np.ndarray, win: int, hop: int, lag_lo: int, lag_hi: int, k: int, min_db: float
) -> np.ndarray:
    """Loud-and-periodic flag for each of `k` frames starting every `hop` samples in `seg`."""
    span = win + lag_hi + 1
    ext = np.lib.stride_tricks.sliding_window_view(seg, span)[::hop][:k].astype(np.float64)
    ext = ext - ext[:, :win].mean(axis=1, keepdims=True)  # drop DC / rumble offset
    w = ext[:, :win]
    power = np.mean(w * w, axis=1)
    loud = _db(power) >= min_db
    if not loud.any():
        return loud
    # Cross-correlation of each window with its own continuation, for every lag, via FFT.
    nfft = 1 << int(np.ceil(np.log2(span + win)))
    xc = np.fft.irfft(np.conj(np.fft.rfft(w, nfft)) * np.fft.rfft(ext, nfft), nfft)
    lags = np.arange(1, lag_hi + 2)
    # Energy of ext[lag : lag + win] for every lag, from a running sum of squares.
    cs = np.concatenate([np.zeros((k, 1)), np.cumsum(ext * ext, axis=1)], axis=1)
    e_lag = cs[:, lags + win] - cs[:, lags]
    e0 = power[:, None] * win
    nccf = xc[:, lags] / np.sqrt(np.maximum(e0 * e_lag, 1e-20))
    # A pitch period is a *peak* of the NCCF inside the pitch range that rises out of a trough.
    # Low-frequency noise (rumble, mic handling, wind) correlates strongly at short lags too,
    # but its NCCF only falls away from lag 0: no peak, no trough.
    inner = nccf[:, 1:-1]
    is_peak = (inner >= nccf[:, :-2]) & (inner >= nccf[:, 2:])
    in_range = (lags[1:-1] >= lag_lo) & (lags[1:-1] <= lag_hi)
    trough = np.minimum.accumulate(nccf, axis=1)[:, :-2]  # lowest value at shorter lags
    ok = is_peak & in_range[None, :] & (inner - trough >= MIN_TROUGH_DEPTH)
    peak = np.where(ok, inner, -1.0).max(axis=1)
    return loud & (peak >= PERIODIC_NCCF)


def _close_holes(flags: np.ndarray, max_hole: int = 3) -> np.ndarray:
    """Fill gaps of up to `max_hole` frames inside voiced runs (pitch trackers flicker)."""
    out = flags.copy()
    idx = np.flatnonzero(flags)
    if len(idx) < 2:
        return out
    jumps = np.diff(idx)
    for j in np.flatnonzero((jumps > 1) & (jumps <= max_hole + 1)):
        out[idx[j] : idx[j + 1]] = True
    return out


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True."""
    d = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
