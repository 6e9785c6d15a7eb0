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
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from voicecoach.audio.cuts import FLOOR_MIN_DB, FRAME_S, CutSettings, frame_levels_db, next_cut
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
        self._s = settings or CutSettings()
        self._on_words = on_words
        self._lock = threading.Lock()
        self._buf: list[np.ndarray] = []  # samples not yet sent (16 kHz mono)
        self._buf_len = 0
        self._sent_s = 0.0  # answer time where the unsent buffer starts
        self._carry = np.zeros(0, dtype=np.float32)  # samples not yet making a whole frame
        self._frame_db: list[float] = []  # frame levels of the unsent buffer
        # 1-dB histogram of every frame level so far; its 10th percentile is the noise floor.
        self._hist = np.zeros(121, dtype=np.int64)  # bins for -120 .. 0 dBFS
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
            self._update_levels(x)
            cut = self._find_cut()
            if cut is not None:
                self._send(cut)

    def _update_levels(self, x: np.ndarray) -> None:
        n = int(FRAME_S * RATE_HZ)
        data = np.concatenate([self._carry, x]) if len(self._carry) else x
        whole = len(data) // n
        if whole:
            db = frame_levels_db(data[: whole * n], RATE_HZ)
            self._frame_db.extend(db.tolist())
            bins = np.clip(np.round(db).astype(int) + 120, 0, 120)
            self._hist += np.bincount(bins, minlength=121)
        self._carry = data[whole * n :].copy()

    @property
    def _floor_db(self) -> float:
        """Noise floor so far: 10th percentile of frame levels, never below FLOOR_MIN_DB."""
        total = int(self._hist.sum())
        if total == 0:
            return FLOOR_MIN_DB
        idx = int(np.searchsorted(np.cumsum(self._hist), 0.1 * total))
        return max(float(idx - 120), FLOOR_MIN_DB)

    def _find_cut(self) -> int | None:
        """Sample index in the buffer to cut at, or None to keep collecting."""
        cut = next_cut(np.asarray(self._frame_db), self._floor_db, self._s)
        return None if cut is None or cut <= 0 else cut * int(FRAME_S * RATE_HZ)

    def _send(self, cut: int) -> None:
        data = np.concatenate(self._buf)
        chunk, rest = data[:cut], data[cut:]
        self._jobs.put((chunk, self._sent_s))
        self._sent_s += len(chunk) / RATE_HZ
        self._buf = [rest] if len(rest) else []
        self._buf_len = len(rest)
        frames_cut = cut // int(FRAME_S * RATE_HZ)
        self._frame_db = self._frame_db[frames_cut:]

    # --- worker ----------------------------------------------------------------------------

    def _run(self) -> None:
        import time

        while True:
            job = self._jobs.get()
            if job is None:
                return
            chunk, offset_s = job
            if self._error is not None:
                continue
            t0 = time.perf_counter()
            try:
                part = self._transcriber.transcribe(chunk)
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
            total_s = self._sent_s
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
