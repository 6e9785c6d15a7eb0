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

Runs of such frames lasting at least `min_gap_s` are candidates. Whisper's word times are off
by 0.1-0.2 s, so each gap is shrunk by `EDGE_MARGIN_S` at word edges: the tail of a word must not
be mistaken for a hesitation.

A candidate must also be *steady*. A hesitation is one held vowel or hum: its spectral envelope
barely moves (Goto, Itou & Hayamizu 1999 detect filled pauses by exactly this, "small spectral
envelope deformation"). Speech that Whisper failed to write down (tiny.en drops a phrase now and
then) is voiced too, but its formants move from syllable to syllable. Steadiness is the median,
over the run, of the frame-to-frame change of 12 cepstral coefficients (log energies in 24 bands
of 100-4000 Hz, smoothed over 70 ms); at most `MAX_STEADY_FLUX`. Measured on the synthesized
answers (docs/fixtures.md): um, uh, er and ah scored 0.9-2.0 and "hmm" (h, vowel, m) up to 2.3,
while 99% of 0.5 s windows of speech scored over 2.6, and the voiced gaps Whisper left over
dropped speech 2.2-3.3.

Whisper also hides hesitations inside words: "and" stretched from 17.7 to 18.7 s over the "er"
after it, written with low confidence. So unsure words (probability under
`STRETCHED_WORD_MAX_PROB`) far longer than any word needs (`STRETCHED_WORD_S`) are searched too,
from `WORD_HEAD_S` after their start: only a steady run there counts, so the word's own sounds do
not. A long word Whisper is sure of is left alone: it is a slow word or a span of speech tiny.en
summed up in one word. The function words a hesitation sounds like (`LOOKALIKE_WORDS`: "er"
written as "or", an "and" drawn into "uh") are searched whole when unsure and at least
`min_gap_s` long; on the dev answers every such hit was a true hesitation, while the same search
over unsure content words found held vowels of real words ("dropped", "engineer"). A held "er"
is often written with confidence as "or", "are" or "our" ("we caught our two bad merges", p 0.80,
0.53 s of steady voice): these three are searched when sure too, but there only a vowel as
steady as a hesitation's counts (`VOWEL_STEADY_FLUX`); a sure "and" is left alone, since people
draw out a linking "and".

A run in a gap between words must also stand on its own. A short word Whisper dropped
("Sure." spoken slowly) is a steady vowel as well, but it opens or closes on a consonant: so a
run with a fricative beside it (at least `CONSONANT_MIN_FRAMES` loud 10 ms frames with more
energy at 2-4 kHz than at 0.1-1 kHz, within `CONSONANT_LOOK_S`, inside the same gap) or loud
sound on both sides (a vowel in the middle of a dropped phrase) is not reported. Sonorant-only
words ("No.", "Well.") still pass: their sound is a hum's. Runs less than `HESITATION_BREAK_S`
apart are one hesitation. `longest_voiced_run` and `hiss_beside_s` give the clean-up the same
tests for a hesitation word Whisper did write. See docs/decisions/fillers.md.

Pure numpy, no I/O. Cost: one FFT per 10 ms frame of gap audio (about 30 ms of CPU per minute of
gaps).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from voicecoach.analysis.fillers import is_filled_pause
from voicecoach.analysis.text import norm
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
MAX_STEADY_FLUX = 2.4  # median cepstral change per 10 ms over a hesitation (see above)
FLUX_SMOOTH_FRAMES = 7  # 70 ms
N_BANDS = 24
N_CEPS = 12
BAND_LO_HZ, BAND_HI_HZ = 100.0, 4000.0
CONSONANT_LOOK_S = 0.12  # look this far either side of a run, inside its gap, for consonants
CONSONANT_MIN_FRAMES = 3  # 30 ms of hiss (a fricative) beside the run: a word's syllable
FRICATIVE_LO_HZ = (100.0, 1000.0)  # a fricative has more energy in the high band ...
FRICATIVE_HI_HZ = (2000.0, 4000.0)  # ... than in the low one (a vowel the other way round)
SPEECH_BOTH_SIDES_FRAMES = 4  # loud sound this long on both sides: the run sits inside speech
STRETCHED_WORD_S = 0.7  # a word this long may hide a hesitation
WORD_HEAD_S = 0.25  # ... after this much of it, which the word itself may need
STRETCHED_WORD_MAX_PROB = 0.5  # ... when Whisper is unsure of it
LOOKALIKE_WORDS = frozenset({"and", "or", "are", "our"})  # what Whisper writes for an "er"/"uh"
# ... and those of them it may write with confidence over a held "er" ("caught our two", p 0.80,
# 0.53 s of steady voice): searched even when sure, for a vowel as steady as a hesitation's
HELD_LOOKALIKE_WORDS = frozenset({"or", "are", "our"})
VOWEL_STEADY_FLUX = 2.0  # um, uh, er, ah scored 0.9-2.0 (hmm, with its "h" and "m", up to 2.3)
HESITATION_BREAK_S = 0.1  # two hesitations have at least this much break between them


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
    for start_s, end_s, between, max_flux in _search_regions(words, duration_s, min_gap_s):
        for run in _voiced_runs(x, rate_hz, start_s, end_s, min_db, min_gap_s):
            if steadiness(x, rate_hz, run.start_s, run.end_s) > max_flux:
                continue
            if between and _part_of_a_word(x, rate_hz, run, start_s, end_s, min_db):
                continue
            out.append(run)
    return _join_touching(sorted(out, key=lambda g: g.start_s))


def _join_touching(gaps: list[VoicedGap]) -> tuple[VoicedGap, ...]:
    """Runs less than HESITATION_BREAK_S apart are one hesitation (a hum split where a word's
    search region ends, or by a flicker of the pitch tracker): one voiced gap spanning both."""
    out: list[VoicedGap] = []
    for g in gaps:
        if out and g.start_s - out[-1].end_s < HESITATION_BREAK_S:
            out[-1] = VoicedGap(out[-1].start_s, max(out[-1].end_s, g.end_s))
        else:
            out.append(g)
    return tuple(out)


def longest_voiced_run(
    samples: np.ndarray,
    rate_hz: int,
    start_s: float,
    end_s: float,
    outside: Sequence[tuple[float, float]] = (),
) -> VoicedGap | None:
    """The longest run of voiced sound (loud and periodic 10 ms frames, as a hesitation is)
    inside [start_s, end_s] and outside the `outside` spans (other words' own sound)."""
    x = np.asarray(samples, dtype=np.float32)
    start_s = max(start_s, 0.0)
    if x.ndim != 1 or len(x) < int(FRAME_S * rate_hz) * 2 or end_s <= start_s:
        return None
    floor_db, speech_db = _levels(x, rate_hz)
    min_db = max(floor_db + LOUD_DB_OVER_FLOOR, speech_db - MAX_DB_UNDER_SPEECH)
    # 10 ms steps over the window; a step is voiced when a voiced run covers its centre
    n = max(int(round((end_s - start_s) / HOP_S)), 0)
    centres = start_s + HOP_S / 2 + np.arange(n) * HOP_S
    voiced = np.zeros(n, dtype=bool)
    for run in _voiced_runs(x, rate_hz, start_s, end_s + FRAME_S, min_db, HOP_S):
        voiced |= (centres >= run.start_s) & (centres < run.end_s)
    for a, b in outside:
        voiced &= ~((centres >= a) & (centres < b))
    runs = _runs(voiced)
    if not runs:
        return None
    first, last = max(runs, key=lambda r: r[1] - r[0])
    return VoicedGap(round(start_s + first * HOP_S, 3), round(start_s + (last + 1) * HOP_S, 3))


def _part_of_a_word(
    x: np.ndarray, rate_hz: int, run: VoicedGap, lo_s: float, hi_s: float, min_db: float
) -> bool:
    """True when the run has a word's consonants beside it, inside the same gap between words.

    A hesitation is a vowel or a hum on its own: what lies beside it is pause (or the edge of
    a written word). A short word Whisper dropped ("Sure." "Fine.") is a steady vowel too, but it
    opens or closes on a consonant: a fricative (hiss with more energy at 2-4 kHz than at
    0.1-1 kHz) right before or after the vowel; and a dropped phrase has loud sound on both
    sides of each vowel.
    """
    sides = _beside(x, rate_hz, run, lo_s, hi_s, min_db)
    if any(hiss >= CONSONANT_MIN_FRAMES for hiss, _loud in sides):
        return True
    return min(loud for _hiss, loud in sides) >= SPEECH_BOTH_SIDES_FRAMES


def hiss_beside_s(
    samples: np.ndarray, rate_hz: int, run: VoicedGap, lo_s: float, hi_s: float
) -> float:
    """Seconds of loud hiss (a fricative: more energy at 2-4 kHz than at 0.1-1 kHz) within
    CONSONANT_LOOK_S before or after the run, inside [lo_s, hi_s]: the larger side."""
    x = np.asarray(samples, dtype=np.float32)
    floor_db, speech_db = _levels(x, rate_hz)
    min_db = max(floor_db + LOUD_DB_OVER_FLOOR, speech_db - MAX_DB_UNDER_SPEECH)
    return round(
        max(hiss for hiss, _loud in _beside(x, rate_hz, run, lo_s, hi_s, min_db)) * HOP_S, 3
    )


def _beside(
    x: np.ndarray, rate_hz: int, run: VoicedGap, lo_s: float, hi_s: float, min_db: float
) -> list[tuple[int, int]]:
    """(loud hiss frames, loud frames) within CONSONANT_LOOK_S before and after the run,
    inside [lo_s, hi_s]."""
    before = _frames(x, rate_hz, max(lo_s, run.start_s - CONSONANT_LOOK_S), run.start_s)
    after = _frames(x, rate_hz, run.end_s, min(hi_s, run.end_s + CONSONANT_LOOK_S))
    out = []
    for frames in (before, after):
        if frames is None:
            out.append((0, 0))
            continue
        power = np.mean(frames * frames, axis=1)
        loud = _db(power) >= min_db
        spec = np.abs(np.fft.rfft(frames * np.hanning(frames.shape[1]), axis=1)) ** 2
        freqs = np.fft.rfftfreq(frames.shape[1], 1 / rate_hz)
        low = spec[:, (freqs >= FRICATIVE_LO_HZ[0]) & (freqs < FRICATIVE_LO_HZ[1])].sum(axis=1)
        high = spec[:, (freqs >= FRICATIVE_HI_HZ[0]) & (freqs < FRICATIVE_HI_HZ[1])].sum(axis=1)
        out.append((int(np.sum(loud & (high > low))), int(loud.sum())))
    return out


def _frames(x: np.ndarray, rate_hz: int, start_s: float, end_s: float) -> np.ndarray | None:
    """The 30 ms frames every 10 ms that start in [start_s, end_s), as float64 rows."""
    win = int(FRAME_S * rate_hz)
    hop = int(HOP_S * rate_hz)
    a = max(int(start_s * rate_hz), 0)
    b = int(end_s * rate_hz)
    seg = np.asarray(x[a : b + win], dtype=np.float64)
    n = min((b - a) // hop, (len(seg) - win) // hop + 1) if len(seg) >= win else 0
    if n <= 0:
        return None
    frames = np.lib.stride_tricks.sliding_window_view(seg, win)[::hop][:n]
    return frames - frames.mean(axis=1, keepdims=True)


def _search_regions(
    words: Sequence[Word], duration_s: float, min_gap_s: float
) -> list[tuple[float, float, bool, float]]:
    """Gaps between words, shrunk by the edge margin, that could hold a long enough run, and
    the tails of stretched words: (start, end, is a gap between words, steadiness needed)."""
    regions: list[tuple[float, float, bool, float]] = []
    prev_end = None
    for w in sorted(words, key=lambda w: w.start_s):
        lo = 0.0 if prev_end is None else prev_end + EDGE_MARGIN_S
        regions.append((lo, w.start_s - EDGE_MARGIN_S, True, MAX_STEADY_FLUX))
        if _lookalike(w, min_gap_s):
            regions.append((w.start_s, w.end_s, False, MAX_STEADY_FLUX))
        elif _held_lookalike(w, min_gap_s):
            regions.append((w.start_s, w.end_s, False, VOWEL_STEADY_FLUX))
        elif _may_hide_hesitation(w):
            regions.append((w.start_s + WORD_HEAD_S, w.end_s, False, MAX_STEADY_FLUX))
        prev_end = w.end_s if prev_end is None else max(prev_end, w.end_s)
    end = 0.0 if prev_end is None else prev_end + EDGE_MARGIN_S
    regions.append((end, duration_s, True, MAX_STEADY_FLUX))
    return [
        (a, min(b, duration_s), gap, flux)
        for a, b, gap, flux in regions
        if min(b, duration_s) - a >= min_gap_s
    ]


def _held_lookalike(w: Word, min_gap_s: float) -> bool:
    """An "or"/"are"/"our" long enough to hold a hesitation, however sure Whisper is of it.
    Said in passing these take 0.1-0.25 s; a steady vowel of min_gap_s or more in one is an "er"
    (the dev answers: all five such were; confident "our" held 0.26-0.32 s in real phrases
    moved more, 2.2-2.3). "and" is left to `_lookalike`: people draw out a linking "and"
    ("has been confirmed. And how about ...", 0.46 s at 1.7 on a real call, no hesitation in
    the reference)."""
    return w.end_s - w.start_s >= min_gap_s and norm(w.text) in HELD_LOOKALIKE_WORDS


def _lookalike(w: Word, min_gap_s: float) -> bool:
    """An unsure "or"/"and" long enough to be a hesitation Whisper wrote as a word."""
    return (
        w.probability < STRETCHED_WORD_MAX_PROB
        and w.end_s - w.start_s >= min_gap_s
        and norm(w.text) in LOOKALIKE_WORDS
    )


def _may_hide_hesitation(w: Word) -> bool:
    """A long, unsure word that is not itself a hesitation word."""
    return (
        w.end_s - w.start_s >= STRETCHED_WORD_S
        and w.probability < STRETCHED_WORD_MAX_PROB
        and not is_filled_pause(w.text)
    )


def steadiness(x: np.ndarray, rate_hz: int, start_s: float, end_s: float) -> float:
    """Median smoothed cepstral change per 10 ms over [start_s, end_s]: low for a held sound."""
    win = int(FRAME_S * rate_hz)
    hop = int(HOP_S * rate_hz)
    pad = (FLUX_SMOOTH_FRAMES // 2 + 1) * hop  # context so the smoothing sees whole windows
    a = max(int(start_s * rate_hz) - pad, 0)
    b = min(int(end_s * rate_hz) + pad, len(x))
    seg = np.asarray(x[a:b], dtype=np.float64)
    n = (len(seg) - win) // hop + 1
    if n < FLUX_SMOOTH_FRAMES + 1:
        return float("inf")
    frames = np.lib.stride_tricks.sliding_window_view(seg, win)[::hop][:n] * np.hanning(win)
    nfft = 1 << int(np.ceil(np.log2(win)))
    power = np.abs(np.fft.rfft(frames, nfft)) ** 2
    band = _band_index(rate_hz, nfft)
    energies = np.stack([power[:, band == i].sum(axis=1) for i in range(N_BANDS)], axis=1)
    ceps = np.log(energies + 1e-10) @ _dct_matrix().T
    flux = np.linalg.norm(np.diff(ceps, axis=0), axis=1)
    smooth = np.convolve(flux, np.ones(FLUX_SMOOTH_FRAMES) / FLUX_SMOOTH_FRAMES, mode="valid")
    # smooth[k] covers frames k .. k+FLUX_SMOOTH_FRAMES; keep those centred inside the run
    centre_s = (a + (np.arange(len(smooth)) + FLUX_SMOOTH_FRAMES / 2) * hop + win / 2) / rate_hz
    inside = smooth[(centre_s >= start_s) & (centre_s <= end_s)]
    return float(np.median(inside)) if len(inside) else float("inf")


@cache
def _band_index(rate_hz: int, nfft: int) -> np.ndarray:
    """Band (0..N_BANDS-1, log-spaced over BAND_LO_HZ..BAND_HI_HZ) of each FFT bin, -1 outside."""
    freqs = np.fft.rfftfreq(nfft, 1 / rate_hz)
    edges = np.geomspace(BAND_LO_HZ, BAND_HI_HZ, N_BANDS + 1)
    idx = np.digitize(freqs, edges) - 1
    idx[(freqs < BAND_LO_HZ) | (freqs >= BAND_HI_HZ)] = -1
    return idx


@cache
def _dct_matrix() -> np.ndarray:
    """Orthonormal DCT-II rows 1..N_CEPS (row 0, overall level, is left out)."""
    k = np.arange(N_BANDS)
    rows = np.arange(1, N_CEPS + 1)
    return np.cos(np.pi / N_BANDS * (k[None, :] + 0.5) * rows[:, None]) * np.sqrt(2 / N_BANDS)


def frame_levels_db(x: np.ndarray, rate_hz: int) -> np.ndarray:
    """Level of each whole 10 ms frame, in dBFS."""
    hop = int(HOP_S * rate_hz)
    n = len(x) // hop
    return _db(np.mean(np.square(x[: n * hop].reshape(n, hop), dtype=np.float64), axis=1))


def noise_floor_db(levels_db: np.ndarray) -> float:
    """The recording's noise floor: its 10th-percentile frame level, never below FLOOR_MIN_DB."""
    return max(float(np.percentile(levels_db, 10)), FLOOR_MIN_DB)


def _levels(x: np.ndarray, rate_hz: int) -> tuple[float, float]:
    """Noise floor (10th percentile) and speech level (95th) of 10 ms frame levels, in dBFS."""
    db = frame_levels_db(x, rate_hz)
    return noise_floor_db(db), float(np.percentile(db, 95))


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
