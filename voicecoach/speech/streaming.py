"""Transcribe while the user speaks, so only the tail is left when they stop.

Audio blocks arrive from the recorder's writer thread (`feed`). The stream is cut at pauses into
stretches of a few seconds; each finished stretch is transcribed on one background worker and its
words, shifted to answer time, are committed. `finish` waits for the worker, transcribes the tail
and returns one Transcript for the whole answer.

Cutting only inside silences keeps every word inside one stretch, so the result matches a batch
transcription of the same audio closely (measured in bench/latency.py and tests).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from voicecoach.audio.cuts import CutSettings, PauseCutter
from voicecoach.domain import Transcript, VoicedGap, Word

if TYPE_CHECKING:
    from voicecoach.speech.transcriber import Transcriber

log = logging.getLogger(__name__)

RATE_HZ = 16000


def _to_mono_16k(block: np.ndarray, rate_hz: int) -> np.ndarray:
    x = np.asarray(block, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if rate_hz == RATE_HZ or len(x) == 0:
        return x
    # Linear interpolation is enough for speech recognition input at these rates.
    n_out = int(round(len(x) * RATE_HZ / rate_hz))
    t_in = np.arange(len(x)) / rate_hz
    t_out = np.arange(n_out) / RATE_HZ
    return np.interp(t_out, t_in, x).astype(np.float32)


class StreamingTranscriber:
    """Feed blocks while recording; `finish()` returns the whole Transcript."""

    def __init__(
        self,
        transcriber: Transcriber,
        settings: CutSettings | None = None,
        on_words: Callable[[tuple[Word, ...]], None] | None = None,
    ) -> None:
        self._transcriber = transcriber
        self._on_words = on_words
        self._lock = threading.Lock()
        self._cutter = PauseCutter(RATE_HZ, settings or CutSettings())
        self._buf: list[np.ndarray] = []  # samples not yet sent (16 kHz mono)
        self._buf_len = 0
        self._sent = 0  # samples sent to the worker so far
        self._words: list[Word] = []
        self._gaps: list[VoicedGap] = []
        self._jobs: queue.Queue[tuple[np.ndarray, float] | None] = queue.Queue()
        self._busy_s = 0.0
        self._error: BaseException | None = None
        self._finished = False
        self._worker = threading.Thread(target=self._run, name="stream-transcriber", daemon=True)
        self._worker.start()

    # --- producer side (recorder writer thread) ------------------------------------------------

    def feed(self, block: np.ndarray, rate_hz: int = RATE_HZ) -> None:
        """Add samples (frames x channels, or mono) at `rate_hz`. Never waits for the model."""
        x = _to_mono_16k(block, rate_hz)
        with self._lock:
            if self._finished:
                return
            self._buf.append(x)
            self._buf_len += len(x)
            for cut in self._cutter.push(x):
                self._send(cut - self._sent)

    def _send(self, n: int) -> None:
        data = np.concatenate(self._buf) if len(self._buf) > 1 else self._buf[0]
        chunk, rest = data[:n], data[n:]
        self._jobs.put((chunk, self._sent / RATE_HZ))
        self._sent += len(chunk)
        self._buf = [rest] if len(rest) else []
        self._buf_len = len(rest)

    # --- worker ----------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            chunk, offset_s = job
            if self._error is not None:
                continue
            t0 = time.perf_counter()
            try:
                # Audio already cut at a pause must not be cut again.
                one = getattr(self._transcriber, "transcribe_stretch", None)
                part = one(chunk) if one is not None else self._transcriber.transcribe(chunk)
            except BaseException as exc:  # noqa: BLE001 - delivered to finish()
                log.exception("Streaming transcription failed")
                self._error = exc
                continue
            finally:
                self._busy_s += time.perf_counter() - t0
            words = tuple(
                Word(w.text, w.start_s + offset_s, w.end_s + offset_s, w.probability)
                for w in part.words
            )
            gaps = [VoicedGap(g.start_s + offset_s, g.end_s + offset_s) for g in part.voiced_gaps]
            with self._lock:
                self._words.extend(words)
                self._gaps.extend(gaps)
                committed = tuple(self._words)
            if self._on_words is not None and words:
                self._on_words(committed)

    # --- consumer side ---------------------------------------------------------------------

    @property
    def committed_words(self) -> tuple[Word, ...]:
        with self._lock:
            return tuple(self._words)

    @property
    def busy_s(self) -> float:
        """Seconds the worker has spent transcribing so far."""
        return self._busy_s

    @property
    def pending_s(self) -> float:
        """Audio waiting for the worker plus the unsent tail, in seconds."""
        with self._lock:
            queued = sum(len(j[0]) for j in list(self._jobs.queue) if j is not None)
            return (queued + self._buf_len) / RATE_HZ

    def finish(self, model_name: str = "") -> Transcript:
        """Send the tail, wait for the worker and return the whole answer's Transcript."""
        with self._lock:
            self._finished = True
            if self._buf_len:
                self._send(self._buf_len)
            total_s = self._sent / RATE_HZ
        self._jobs.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error
        words = tuple(sorted(self._words, key=lambda w: w.start_s))
        return Transcript(words, total_s, tuple(self._gaps), model=model_name)

    def abort(self) -> None:
        """Stop without waiting for pending work (recording discarded)."""
        with self._lock:
            self._finished = True
        while not self._jobs.empty():
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._jobs.put(None)
