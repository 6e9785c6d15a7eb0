"""Whisper's raw words for one stretch to the words we trust, plus the voiced gaps between them.

Whisper still invents words in silences. `clean_segments` drops them by checking the audio
itself: segments and words with nothing audible under them, unsure words spanning long silences,
and repeated n-gram loops. Word edges stretched over silence (tiny.en often extends a word to the
next one) are trimmed to the audible part, and a silence where two words meet is put between
them however Whisper shared it out, so pauses and voiced gaps are measured where they are.
`clean_stretch` then finds the hums Whisper did not write (voiced gaps), gives a written "um" its
hum's times, drops echoes of the filler prompt (including a lengthless "I mean, I" stacked on
one instant) and unsure hesitation words with no hum of their own (on a breath or noise, or
over a word that opens on a hiss), and joins hesitation words written end to end over one hum.
Thresholds: docs/decisions/transcription.md and docs/decisions/fillers.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from voicecoach.analysis.fillers import is_filled_pause
from voicecoach.analysis.text import norm
from voicecoach.analysis.voicing import (
    HESITATION_BREAK_S,
    HOP_S,
    LOOKALIKE_WORDS,
    find_voiced_gaps,
    frame_levels_db,
    hiss_beside_s,
    longest_voiced_run,
    noise_floor_db,
)
from voicecoach.domain import VoicedGap, Word

log = logging.getLogger(__name__)

RATE_HZ = 16000  # the stretches are 16 kHz mono, as Whisper takes them

# --- thresholds (see docs/decisions/transcription.md) -----------------------------------------
FRAME_S = HOP_S  # the 10 ms frames of voicing.frame_levels_db
AUDIBLE_DB_OVER_FLOOR = 10.0  # a 10 ms frame this far over the noise floor holds sound
SILENT_SEGMENT_AUDIBLE = 0.15  # a segment with less sound than this under its words ...
UNSURE_SEGMENT_LOGPROB = -0.7  # ... and low confidence or a likely "no speech" ...
UNSURE_SEGMENT_NO_SPEECH = 0.3  # ... is invented (typically the filler prompt echoed back)
WORD_CONTEXT_S = 0.25  # a word with no sound within this of its edges ...
SILENT_WORD_MAX_PROB = 0.5  # ... and lower probability than this is dropped
EDGE_TRIM_MIN_S = 0.15  # trim a word's edge when it runs over at least this much silence
PAUSE_SLIP_S = 0.15  # Whisper puts the boundary between two words this far off their pause
LONG_SILENT_WORD_MAX_PROB = 0.3  # unsure word that is mostly silence (< 20% sound): dropped
LONG_SILENT_WORD_AUDIBLE = 0.2
LOOP_MAX_REPEATS = 3  # an n-gram repeated more often than this in a row is a decoding loop
LONE_WORD_MAX_PROB = 0.3  # a word this unsure, alone in a silence, is a guess at a hum ...
LONE_WORD_ISOLATION_S = 0.5  # ... when no other word is this close on either side
SNAP_FILLER_S = 0.6  # a voiced gap this close to an "um" Whisper wrote *is* that um
DOUBLED_MAX_PROB = 0.5  # the same word twice end to end, both less sure than this ...
DOUBLED_MIN_PROB = 0.3  # ... and one of them less than this, is one word written twice
# Speech Whisper skipped: it can jump over 20 s of a stretch, writing one word stretched over it
# ("know," 45.0-66.8 s on a recorded take) or nothing at all. A word this long, or a gap between
# words this long, that holds at least UNHEARD_AUDIBLE_S of sound, is decoded again on its own.
UNHEARD_LONG_WORD_S = 2.5
UNHEARD_GAP_S = 2.5
UNHEARD_AUDIBLE_S = 1.5
UNHEARD_WORD_S = 0.8  # a pause this soon after a stretched word's start is where it ended
# Whisper skipping speech often writes the next word or two stretched as well ("I was the one
# called engineer." over 7.5 s of a recorded take, "was" 3.9 s, "the" 1.9 s): a word this long
# right after a stretched one is part of the same span.
UNHEARD_NEXT_WORD_S = 1.5
# A span is decoded again on its own, so it begins and ends between words, as stretches do: it
# ends in the first pause within this of where the stretched words end (cut mid-word, the same
# take's span came back as "I mean, I mean, ..." and lost a whole sentence) ...
UNHEARD_END_LOOK_S = 1.5
# ... and, with no pause soon after the stretched word's start to tell where it ended, it begins
# where that word does (the span's own decode writes the word again).


@dataclass(frozen=True)
class Segment:
    words: tuple[Word, ...]
    no_speech_prob: float
    avg_logprob: float


def clean_stretch(
    segments: Sequence[Segment], samples: np.ndarray, min_voiced_gap_s: float
) -> tuple[tuple[Word, ...], tuple[VoicedGap, ...]]:
    """One stretch's Whisper segments to cleaned words and voiced gaps (times in the stretch)."""
    words = clean_segments(segments, samples)
    gaps = find_voiced_gaps(samples, RATE_HZ, words, min_voiced_gap_s)
    hums = {(g.start_s, g.end_s) for g in gaps}
    words, gaps = _snap_fillers_to_gaps(words, gaps)
    kept, spoken = _drop_hesitations_without_a_hum(_drop_prompt_echoes(words), samples, hums)
    if len(kept) != len(words):
        # The echo's words held the time a real hum may be in: search that time again, but a
        # sound found to be part of a word is no hum.
        gaps = find_voiced_gaps(samples, RATE_HZ, kept, min_voiced_gap_s)
        gaps = tuple(g for g in gaps if not any(_overlap(g, s) for s in spoken))
        words, gaps = _snap_fillers_to_gaps(kept, gaps)
    return _merge_written_twice(words), _drop_gaps_of_unplaced_words(words, gaps)


def _drop_gaps_of_unplaced_words(
    words: tuple[Word, ...], gaps: tuple[VoicedGap, ...]
) -> tuple[VoicedGap, ...]:
    """Drop a voiced gap when the word right before or right after it, within VOICE_LOOK_S, is
    one Whisper wrote with no length.

    Such a word was heard but not placed ("fix, over, over a variable name": the first "over,"
    written at 52.60-52.60 s, its sound found as a voiced gap at 51.93-52.35 s; "Finance" at
    27.68-27.68 s after a voiced gap at 27.22-27.51 s): the voiced sound beside it is most likely
    the word itself. Only the neighbours count: "restaurant. [uh] I'm looking", with "looking"
    lengthless after "I'm", is a real hesitation. The lookalikes of a hesitation ("or", "and")
    are left out: Whisper writes a hum it half-hears as a lengthless "Or" beside it.
    """
    spoken = [w for w in words if not is_filled_pause(w.text) and norm(w.text)]
    kept = []
    for g in gaps:
        before = [w for w in spoken if w.start_s < g.start_s][-1:]
        after = [w for w in spoken if w.start_s >= g.start_s][:1]
        near = [
            w
            for w in before + after
            if w.end_s - w.start_s < PHANTOM_MAX_S
            and norm(w.text) not in LOOKALIKE_WORDS
            and g.start_s - VOICE_LOOK_S <= w.end_s
            and w.start_s <= g.end_s + VOICE_LOOK_S
        ]
        if near:
            log.debug("Dropping voiced gap at %.2f s: the sound of %r", g.start_s, near[0].text)
            continue
        kept.append(g)
    return tuple(kept)


def _overlap(a: VoicedGap, b: VoicedGap) -> bool:
    return a.start_s < b.end_s and b.start_s < a.end_s


def unheard_spans(words: Sequence[Word], samples: np.ndarray) -> list[tuple[float, float]]:
    """Spans of a stretch (seconds) with sound Whisper wrote no words for: under a word stretched
    past any spoken length (from where that word most likely ended, through the stretched words
    right after it, to the next pause), or between words (or the stretch's edges) far apart,
    each holding at least UNHEARD_AUDIBLE_S of sound."""
    loud = _Loudness(samples)
    if not len(loud.audible):
        return []
    end = len(samples) / RATE_HZ
    spans: list[tuple[float, float]] = []
    prev = 0.0
    listed = [*words, Word("", end, end)]
    for i, w in enumerate(listed):
        if w.start_s - prev >= UNHEARD_GAP_S:
            spans.append((prev, w.start_s))
        if w.end_s - w.start_s >= UNHEARD_LONG_WORD_S:
            a = loud.pause_within(w.start_s, UNHEARD_WORD_S)
            b = w.end_s
            for nxt in listed[i + 1 :]:  # stretched words right after it
                if nxt.end_s - nxt.start_s < UNHEARD_NEXT_WORD_S or nxt.start_s > b + FRAME_S:
                    break
                b = nxt.end_s
            b = loud.pause_at_or_after(b, UNHEARD_END_LOOK_S)
            spans.append((w.start_s if a is None else a, b))
        prev = max(prev, w.end_s)
    merged: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + FRAME_S:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return [(a, b) for a, b in merged if loud.fraction(a, b) * (b - a) >= UNHEARD_AUDIBLE_S]


class _Loudness:
    """Which 10 ms frames of the recording hold sound (over the noise floor)."""

    def __init__(self, samples: np.ndarray) -> None:
        db = frame_levels_db(samples, RATE_HZ)
        if len(db) == 0:
            self.audible = np.zeros(0, dtype=bool)
            return
        self.audible = db >= noise_floor_db(db) + AUDIBLE_DB_OVER_FLOOR

    def _idx(self, t: float) -> int:
        return min(max(int(round(t / FRAME_S)), 0), len(self.audible))

    def fraction(self, start_s: float, end_s: float) -> float:
        a, b = self._idx(start_s), self._idx(end_s)
        if b <= a:
            b = min(a + 1, len(self.audible))
            a = max(b - 1, 0)
        return float(self.audible[a:b].mean()) if b > a else 0.0

    def pause_within(self, start_s: float, within_s: float, pause_s: float = 0.06) -> float | None:
        """Where the first pause of `pause_s` begins after a word's first 0.15 s, if within
        `within_s` of `start_s`; else None."""
        a, b = self._idx(start_s + 0.15), self._idx(start_s + within_s)
        need, run = max(1, int(round(pause_s / FRAME_S))), 0
        for i in range(a, b):
            run = 0 if self.audible[i] else run + 1
            if run >= need:
                return (i - run + 1) * FRAME_S
        return None

    def pause_at_or_after(self, t_s: float, within_s: float, pause_s: float = 0.06) -> float:
        """The middle of the first pause of `pause_s` or more that reaches past `t_s` and
        begins within `within_s` of it (`t_s` itself when already in such a pause's first
        half); `t_s` when there is none."""
        n = len(self.audible)
        need = max(1, int(round(pause_s / FRAME_S)))
        i, last = self._idx(t_s), min(self._idx(t_s + within_s), n)
        while i > 0 and not self.audible[i - 1] and i < n and not self.audible[i]:
            i -= 1  # t_s is inside a pause: from its start
        while i < last:
            if self.audible[i]:
                i += 1
                continue
            j = i
            while j < n and not self.audible[j]:
                j += 1
            if j - i >= need:
                return max((i + j) / 2 * FRAME_S, t_s)
            i = j
        return t_s

    def longest_silence(self, a_s: float, b_s: float) -> tuple[float, float] | None:
        """The longest silent run with a frame between a_s and b_s, as far as it reaches."""
        n = len(self.audible)
        lo, hi = self._idx(a_s), min(self._idx(b_s), n)
        best: tuple[int, int] | None = None
        k = lo
        while k < hi:
            if self.audible[k]:
                k += 1
                continue
            s = k
            while s > 0 and not self.audible[s - 1]:
                s -= 1
            e = k
            while e < n and not self.audible[e]:
                e += 1
            if best is None or e - s > best[1] - best[0]:
                best = (s, e)
            k = e
        return None if best is None else (best[0] * FRAME_S, best[1] * FRAME_S)

    def audible_span(self, start_s: float, end_s: float) -> tuple[float, float] | None:
        a, b = self._idx(start_s), self._idx(end_s)
        hits = np.flatnonzero(self.audible[a:b])
        if len(hits) == 0:
            return None
        return (a + hits[0]) * FRAME_S, (a + hits[-1] + 1) * FRAME_S


def clean_segments(segments: Sequence[Segment], samples: np.ndarray) -> tuple[Word, ...]:
    """Drop invented words, trim word edges stretched over silence, cut decoding loops."""
    loud = _Loudness(samples)
    kept: list[Word] = []
    for seg in segments:
        if not seg.words:
            continue
        start, end = seg.words[0].start_s, seg.words[-1].end_s
        unsure = (
            seg.avg_logprob < UNSURE_SEGMENT_LOGPROB
            or seg.no_speech_prob > UNSURE_SEGMENT_NO_SPEECH
        )
        if unsure and loud.fraction(start, end) < SILENT_SEGMENT_AUDIBLE:
            log.debug("Dropping segment over silence: %s", " ".join(w.text for w in seg.words))
            continue
        for w in seg.words:
            fixed = _fix_word(w, loud)
            if fixed is not None:
                kept.append(fixed)
    return _split_pauses(_drop_lone_guesses(_drop_loops(kept)), loud)


def _fix_word(w: Word, loud: _Loudness) -> Word | None:
    """The word with silent edges trimmed, or None when it is not under any sound."""
    # Whisper places hesitation words worst of all (often zero length, a few tenths of a second
    # off their hum), so they get a wider look around before being called silent.
    ctx = WORD_CONTEXT_S * (2 if is_filled_pause(w.text) else 1)
    near = loud.fraction(w.start_s - ctx, w.end_s + ctx)
    if near == 0.0 and w.probability < SILENT_WORD_MAX_PROB:
        log.debug("Dropping %r at %.2f s: no sound near it", w.text, w.start_s)
        return None
    span = loud.audible_span(w.start_s, w.end_s)
    if span is None:
        return w  # sound nearby but not inside: a mistimed real word; leave it
    if (
        w.probability < LONG_SILENT_WORD_MAX_PROB
        and loud.fraction(w.start_s, w.end_s) < LONG_SILENT_WORD_AUDIBLE
        and w.end_s - w.start_s > 2 * EDGE_TRIM_MIN_S
    ):
        log.debug("Dropping %r at %.2f s: mostly silence", w.text, w.start_s)
        return None
    start, end = w.start_s, w.end_s
    if span[0] - start >= EDGE_TRIM_MIN_S:
        start = span[0]
    if end - span[1] >= EDGE_TRIM_MIN_S:
        end = span[1]
    if (start, end) == (w.start_s, w.end_s):
        return w
    return Word(w.text, round(start, 3), round(end, 3), w.probability)


def _split_pauses(words: tuple[Word, ...], loud: _Loudness) -> tuple[Word, ...]:
    """A silence of at least EDGE_TRIM_MIN_S where two words meet is the pause between them,
    however Whisper shared it out and wherever within PAUSE_SLIP_S of its boundary it put it.

    "So" 85.26-85.68 s and "we" 85.68-86.00 s over a silence at 85.62-85.79 s become "So" ending
    at 85.62 and "we" starting at 85.79; "manager" 116.38-116.84 s and "actually" 116.84-117.76 s
    over a silence at 116.89-117.10 s: "manager" ends at 116.89; "customers" 76.62-77.08 s and
    "like" 77.08-77.80 s over a silence at 77.23-77.42 s. (`_fix_word` trims a word's own silent
    edge only when that edge alone is EDGE_TRIM_MIN_S long.)"""
    out = list(words)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        run = loud.longest_silence(a.end_s - PAUSE_SLIP_S, b.start_s + PAUSE_SLIP_S)
        if run is None or run[1] - run[0] < EDGE_TRIM_MIN_S:
            continue
        if (
            is_filled_pause(a.text)
            or is_filled_pause(b.text)
            or not a.start_s < run[0] <= a.end_s + PAUSE_SLIP_S
            or not b.start_s - PAUSE_SLIP_S <= run[1] < b.end_s
            or run == (a.end_s, b.start_s)
        ):
            continue
        out[i] = Word(a.text, a.start_s, round(run[0], 3), a.probability)
        out[i + 1] = Word(b.text, round(run[1], 3), b.end_s, b.probability)
    return tuple(out)


_KEY = re.compile(r"[^\w']+")


def _drop_loops(words: list[Word]) -> tuple[Word, ...]:
    """Remove repeats past LOOP_MAX_REPEATS of any 1-8 word n-gram (Whisper decoding loops)."""
    keys = [_KEY.sub("", w.text.lower()) for w in words]
    out_w: list[Word] = []
    out_k: list[str] = []
    for w, k in zip(words, keys, strict=True):
        out_w.append(w)
        out_k.append(k)
        for n in range(1, 9):
            reps = LOOP_MAX_REPEATS + 1
            if len(out_k) < n * reps:
                break
            tail = out_k[-n:]
            if all(out_k[-n * (r + 1) : len(out_k) - n * r] == tail for r in range(1, reps)):
                del out_w[-n:]
                del out_k[-n:]
                log.debug("Dropping decoding loop of %r", " ".join(tail))
                break
    return tuple(out_w)


def _drop_lone_guesses(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Drop very unsure words standing alone in a silence ("Hmm." heard as "Then,").

    Such a word is Whisper's guess at a hum or a noise; once dropped, the voicing search sees the
    gap and reports the hum as a voiced gap instead. Hesitation words ("um") are kept: the
    filler prompt makes them unsure by nature.
    """
    # Hesitation words do not break the silence: "Damn. Um," over one hum is still a lone guess.
    real = [i for i, w in enumerate(words) if not is_filled_pause(w.text)]
    drop: set[int] = set()
    for k, i in enumerate(real):
        w = words[i]
        alone = (k == 0 or words[real[k - 1]].end_s <= w.start_s - LONE_WORD_ISOLATION_S) and (
            k == len(real) - 1 or words[real[k + 1]].start_s >= w.end_s + LONE_WORD_ISOLATION_S
        )
        if alone and w.probability < LONE_WORD_MAX_PROB:
            log.debug("Dropping lone unsure %r at %.2f s", w.text, w.start_s)
            drop.add(i)
    return tuple(w for i, w in enumerate(words) if i not in drop)


# The filler prompt is sometimes "heard" in a pause: a burst of hesitation and prompt words
# stacked on one instant ("I mean, uh, uh, hmm, hmm", or "I mean, I mean, I mean"), no length,
# near-zero probability.
PHANTOM_MAX_S = 0.06  # a hesitation word shorter than this, not placed on a hum, was not said
ECHO_NEIGHBOUR_MAX_S = 0.2  # ... and neither were these unsure words glued to it
ECHO_NEIGHBOUR_MAX_PROB = 0.5
ECHO_GUESS_MAX_PROB = 0.05  # a prompt word this unsure, glued to an echo, goes whatever its length
_ECHO_WORDS = frozenset({"i", "mean", "you", "know", "like", "so", "okay", "ok", "right", "well"})
# The prompt's phrases. Said, a phrase takes time; written with no length at one instant it is
# the prompt read into a pause ("workers. I mean, I We split": all three words at 43.22-43.48 s,
# on six dev answers, while every spoken "I mean" lasted 0.2-0.5 s with p(mean) >= 0.99).
_ECHO_PHRASES = (("i", "mean"), ("you", "know"))


def _drop_prompt_echoes(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Drop bursts of lengthless hesitation or prompt words (a real hesitation has been given
    its hum's times by `_snap_fillers_to_gaps`) together with the short, unsure filler-like
    words stuck to them. A single lengthless word on its own is kept."""
    n = len(words)
    hes = [is_filled_pause(w.text) for w in words]
    echo = [h or norm(w.text) in _ECHO_WORDS for w, h in zip(words, hes, strict=True)]
    lengthless = [(w.end_s - w.start_s) < PHANTOM_MAX_S for w in words]
    drop = [
        lengthless[i] and (hes[i] or (echo[i] and w.probability < ECHO_NEIGHBOUR_MAX_PROB))
        for i, w in enumerate(words)
    ]
    for i in _stacked_phrases(words, lengthless):
        drop[i] = True
    changed = any(drop)
    while changed:
        changed = False
        for i, w in enumerate(words):
            if drop[i] or not echo[i]:
                continue
            glued = (i > 0 and drop[i - 1]) or (i + 1 < n and drop[i + 1])
            short_unsure = (
                w.probability < ECHO_NEIGHBOUR_MAX_PROB
                and (w.end_s - w.start_s) < ECHO_NEIGHBOUR_MAX_S
            )
            if glued and (short_unsure or w.probability < ECHO_GUESS_MAX_PROB):
                drop[i] = changed = True
    # An echo is a burst: a lone lengthless "uh" between real words is usually a real one.
    i = 0
    while i < n:
        j = i
        while j < n and drop[j]:
            j += 1
        if j - i == 1:
            drop[i] = False
        i = max(j, i + 1)
    return tuple(w for w, d in zip(words, drop, strict=True) if not d)


# A hesitation is a held vowel or hum standing on its own. An unsure hesitation word with no
# voiced sound of its own near it was read into a pause, a breath or line noise (the prompt's
# echo); one whose voiced sound opens or closes on a fricative is a syllable of a word Whisper
# could not make out ("Er," written over a spoken "Sure").
HESITATION_CHECK_MAX_PROB = 0.5  # only hesitation words Whisper is unsure of are checked
VOICE_LOOK_S = 0.4  # Whisper places hesitation words up to this far off their sound
VOICE_MIN_S = 0.1  # the shortest voiced run that can be a hesitation
WORD_CORE_MARGIN_S = 0.05  # another word's own sound is its span less this at each end
HISS_MAX_S = 0.1  # this much loud hiss right beside the voiced run: a fricative, so a word


def _drop_hesitations_without_a_hum(
    words: tuple[Word, ...], samples: np.ndarray, hums: Collection[tuple[float, float]] = ()
) -> tuple[tuple[Word, ...], tuple[VoicedGap, ...]]:
    """Drop unsure hesitation words with no voiced run of VOICE_MIN_S within VOICE_LOOK_S of
    them outside the other words' own sound, or with a fricative beside that run. A word
    already placed on a voiced gap (its span is in `hums`) has its hum. Returns the words kept
    and the voiced runs found to be part of a word."""
    cores = [
        (w.start_s + WORD_CORE_MARGIN_S, w.end_s - WORD_CORE_MARGIN_S)
        for w in words
        if not is_filled_pause(w.text) and w.end_s - w.start_s > 2 * WORD_CORE_MARGIN_S
    ]
    out = []
    spoken = []
    for w in words:
        if (
            is_filled_pause(w.text)
            and w.probability < HESITATION_CHECK_MAX_PROB
            and (w.start_s, w.end_s) not in hums
        ):
            lo, hi = w.start_s - VOICE_LOOK_S, w.end_s + VOICE_LOOK_S
            run = longest_voiced_run(samples, RATE_HZ, lo, hi, cores)
            if run is None or run.end_s - run.start_s < VOICE_MIN_S:
                log.debug("Dropping %r at %.2f s: no voiced sound of its own", w.text, w.start_s)
                continue
            # the hiss must lie between the neighbouring words' own sound
            lo = max([b for a, b in cores if b <= run.start_s] + [lo])
            hi = min([a for a, b in cores if a >= run.end_s] + [hi])
            if hiss_beside_s(samples, RATE_HZ, run, lo, hi) >= HISS_MAX_S:
                log.debug("Dropping %r at %.2f s: a fricative beside its sound", w.text, w.start_s)
                spoken.append(run)
                continue
        out.append(w)
    return tuple(out), tuple(spoken)


def _stacked_phrases(words: tuple[Word, ...], lengthless: list[bool]) -> list[int]:
    """Indices of the words of prompt phrases ("I mean") written with no length at one instant."""
    keys = [norm(w.text) for w in words]
    out: set[int] = set()
    for phrase in _ECHO_PHRASES:
        k = len(phrase)
        for i in range(len(words) - k + 1):
            span = range(i, i + k)
            if (
                tuple(keys[i : i + k]) == phrase
                and all(lengthless[j] for j in span)
                and words[i + k - 1].start_s - words[i].end_s < PHANTOM_MAX_S
            ):
                out.update(span)
    # The lengthless prompt words stuck to such a phrase came with it ("I mean, I").
    grow = list(out)
    while grow:
        i = grow.pop()
        for j in (i - 1, i + 1):
            if 0 <= j < len(words) and j not in out and lengthless[j] and keys[j] in _ECHO_WORDS:
                out.add(j)
                grow.append(j)
    return sorted(out)


def _merge_written_twice(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """One sound Whisper wrote twice end to end becomes one word spanning both:

    - touching hesitation words: one hum ("Um. Um. Um," over 75.40-75.78 s of a real call, where
      the speaker hummed once); two hesitations said one after the other have a breath or a
      pause between them (HESITATION_BREAK_S). The merged word keeps the surer probability.
    - the same word twice, both times unsure ("First." 19.96-20.54 s, p 0.40, then "First."
      20.54-20.76 s, p 0.16, on a recorded take where it was said once). A word really said
      twice has a break between the two, or Whisper is sure of them: those stay
      (DOUBLED_MAX_PROB, DOUBLED_MIN_PROB). The merged word keeps the first one's probability.
    """
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is None or w.start_s - prev.end_s >= HESITATION_BREAK_S:
            out.append(w)
        elif is_filled_pause(prev.text) and is_filled_pause(w.text):
            log.debug("Merging %r into %r at %.2f s", w.text, prev.text, prev.start_s)
            out[-1] = _spanning(prev, w, max(prev.probability, w.probability))
        elif (
            norm(prev.text) == norm(w.text) != ""
            and max(prev.probability, w.probability) < DOUBLED_MAX_PROB
            and min(prev.probability, w.probability) < DOUBLED_MIN_PROB
        ):
            log.debug("Merging doubled %r at %.2f s", w.text, prev.start_s)
            out[-1] = _spanning(prev, w, prev.probability)
        else:
            out.append(w)
    return tuple(out)


def _spanning(first: Word, second: Word, probability: float) -> Word:
    return Word(first.text, first.start_s, max(first.end_s, second.end_s), probability)


def _snap_fillers_to_gaps(
    words: tuple[Word, ...], gaps: tuple[VoicedGap, ...]
) -> tuple[tuple[Word, ...], tuple[VoicedGap, ...]]:
    """Give an "um" Whisper wrote the times of the hum beside it, and drop that voiced gap.

    Whisper times hesitation words badly (often zero length, or over the next word), so the hum
    it *did* write down also shows up as a voiced gap next to it: counted twice, heard at the
    wrong place on replay. A gap within SNAP_FILLER_S of a neighbouring filled-pause word is
    that word.
    """
    if not gaps:
        return words, gaps
    out = list(words)
    starts = [w.start_s for w in words]
    kept_gaps = []
    snapped: set[int] = set()
    for g in gaps:
        # The words right before and after the gap (gaps lie between words).
        j = int(np.searchsorted(starts, g.start_s))
        best, best_d = None, SNAP_FILLER_S
        for i in (j - 1, j):
            if 0 <= i < len(out) and i not in snapped and is_filled_pause(out[i].text):
                d = max(out[i].start_s - g.end_s, g.start_s - out[i].end_s, 0.0)
                if d <= best_d:
                    best, best_d = i, d
        if best is None:
            kept_gaps.append(g)
            continue
        w = out[best]
        out[best] = Word(w.text, g.start_s, g.end_s, w.probability)
        snapped.add(best)
    out.sort(key=lambda w: w.start_s)
    return tuple(out), tuple(kept_gaps)
