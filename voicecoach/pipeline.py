"""Headless path from an audio file to a Report: decode -> transcribe -> analyse.

Short files (an answer of a few minutes) go to the transcriber whole. Longer ones are decoded in
blocks and fed to the same `StreamingTranscriber` the app uses while recording, which cuts the
audio at pauses and transcribes stretch by stretch on its worker. Decoding waits while more than
`max_pending_s` of finished stretches wait for the worker (plus the stretch in progress, at most
`CutSettings.max_chunk_s`), so memory stays the same for a ten-minute file and a three-hour one
(figures: bench/long_file.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voicecoach.analysis import analyze
from voicecoach.audio.decode import audio_duration_s, iter_audio_blocks
from voicecoach.domain import (
    AudioError,
    OperationCancelled,
    Question,
    Report,
    SectionTargets,
    Transcript,
)
from voicecoach.settings import AnalysisSettings
from voicecoach.speech.streaming import StreamingTranscriber
from voicecoach.speech.transcriber import Transcriber

log = logging.getLogger(__name__)

RATE_HZ = 16000
STREAM_ABOVE_S = 300.0  # files longer than this are decoded and transcribed in blocks
BLOCK_S = 5.0  # decoded block size on the streaming path
MAX_PENDING_S = 60.0  # decoding waits while this much audio waits for the transcriber
WAIT_S = 0.05  # how often a waiting decoder looks at the worker and the cancel event


def analyze_file(
    path: Path,
    transcriber: Transcriber,
    question: Question | None = None,
    settings: AnalysisSettings | None = None,
    targets: SectionTargets | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Report:
    """Transcribe and measure one recorded answer. Raises VoiceCoachError subclasses."""
    transcript = transcribe_file(path, transcriber, progress=progress, cancel=cancel)
    return analyze(transcript, question, settings, targets)


def transcribe_file(
    path: Path,
    transcriber: Transcriber,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    stream_above_s: float = STREAM_ABOVE_S,
    block_s: float = BLOCK_S,
    max_pending_s: float = MAX_PENDING_S,
    on_block: Callable[[StreamingTranscriber], None] | None = None,
) -> Transcript:
    """The Transcript of an audio file, streamed in blocks when the file is long.

    `on_block(stream)` is called after each block is fed (tests watch the pending audio with it).
    Raises AudioError, ModelError, OperationCancelled.
    """
    path = Path(path)
    if not path.exists():
        raise AudioError(f"No such file: {path}")
    duration_s = audio_duration_s(path)  # also the checks: a folder, empty, unreadable ...
    if duration_s <= stream_above_s or not getattr(transcriber, "supports_streaming", False):
        return transcriber.transcribe(path, progress=progress, cancel=cancel)
    log.info("Streaming %s (%.0f s) through the transcriber in blocks", path, duration_s)
    return _transcribe_streaming(
        path, transcriber, duration_s, progress, cancel or threading.Event(), block_s,
        max_pending_s, on_block,
    )  # fmt: skip


class _Counted:
    """Passes the cancel event to every stretch and counts the seconds transcribed."""

    def __init__(self, inner: Transcriber, cancel: threading.Event) -> None:
        self._inner = inner
        self._cancel = cancel
        self.done_s = 0.0
        self.failed = threading.Event()

    def transcribe(self, audio: np.ndarray, **_: object) -> Transcript:
        try:
            part = self._inner.transcribe(audio, cancel=self._cancel)
        except BaseException:
            self.failed.set()
            raise
        self.done_s += len(audio) / RATE_HZ
        return part

    def transcribe_stretch(self, audio: np.ndarray, **_: object) -> Transcript:
        # A stretch already cut at pauses goes to the model as it is, as on the live and short
        # file paths; going through `transcribe` would cut it again in other places.
        one = getattr(self._inner, "transcribe_stretch", None)
        if one is None:
            return self.transcribe(audio)
        try:
            part = one(audio, cancel=self._cancel)
        except BaseException:
            self.failed.set()
            raise
        self.done_s += len(audio) / RATE_HZ
        return part


def _transcribe_streaming(
    path: Path,
    transcriber: Transcriber,
    duration_s: float,
    progress: Callable[[float], None] | None,
    cancel: threading.Event,
    block_s: float,
    max_pending_s: float,
    on_block: Callable[[StreamingTranscriber], None] | None,
) -> Transcript:
    counted = _Counted(transcriber, cancel)
    # No speculation: nobody is waiting for the stretch in progress of a file.
    stream = StreamingTranscriber(counted, speculate=False)  # type: ignore[arg-type]
    last = 0.0

    def report() -> None:
        nonlocal last
        if progress is not None and duration_s > 0:
            # The tail is transcribed in finish(): stay under 1 until it is done.
            fraction = min(counted.done_s / duration_s, 0.99)
            if fraction > last:
                last = fraction
                progress(fraction)

    try:
        for block in iter_audio_blocks(path, RATE_HZ, block_s):
            if cancel.is_set():
                raise OperationCancelled("Transcription cancelled.")
            stream.feed(block, RATE_HZ)
            if on_block is not None:
                on_block(stream)
            # Back-pressure: never decode far ahead of the model.
            # Only finished stretches count: the stretch in progress (up to 28 s) is cut only
            # when more audio arrives, so waiting on it would wait for ever.
            while stream.queued_s > max_pending_s and not counted.failed.is_set():
                if cancel.wait(WAIT_S):
                    raise OperationCancelled("Transcription cancelled.")
                report()
            if counted.failed.is_set():
                break  # finish() raises the worker's error
            report()
        transcript = stream.finish(getattr(transcriber, "model_name", ""))
    except BaseException:
        stream.abort()
        raise
    if cancel.is_set():
        raise OperationCancelled("Transcription cancelled.")
    if progress is not None:
        progress(1.0)
    return transcript
