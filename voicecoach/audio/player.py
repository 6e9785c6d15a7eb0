"""Play a take: from a time, one span (a STAR section), at 0.75x .. 1.5x without a pitch change.

The whole file is decoded into memory on `load` (a 5-minute 16 kHz take is ~19 MB as float32).
`play` opens an output stream at once, so a missing speaker raises `DeviceError` right there;
at a speed other than 1 the span is time-stretched on a helper thread (about a quarter second
per minute of audio) while the stream plays silence, so the caller never waits for it.

`position_s` is always in ORIGINAL-audio seconds, so the UI can highlight the word being heard
whatever the speed. `on_finished` and `on_error` are called on an audio thread; the Qt layer
must hand them to the GUI thread (or just poll `playing` / `position_s` on a timer).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from voicecoach.audio.devices import CallbackStop, DeviceLayer, Stream, StreamStatus
from voicecoach.audio.stretch import time_stretch
from voicecoach.domain import AudioError

log = logging.getLogger(__name__)

MIN_SPEED = 0.5
MAX_SPEED = 2.0
# Silence played after a span. When an output stream completes, what is still buffered below
# PortAudio can be dropped (through ALSA's pulse plugin the last ~0.1 s of every span was lost,
# found by tests/e2e/test_real_audio.py); the tail makes what is lost silence.
TAIL_S = 0.25


@dataclass(eq=False)
class _Span:
    start_s: float
    end_s: float
    speed: float
    out_rate_hz: int
    buf: np.ndarray | None = None  # frames x channels at out_rate_hz; None while stretching
    cursor: int = 0  # frames of buf handed to the device
    seek_to: int | None = None  # picked up by the callback
    ended: bool = False  # played to the end (not stopped)
    stream: Stream | None = None

    def position_s(self) -> float:
        cursor = self.cursor if self.seek_to is None else self.seek_to
        t = self.start_s + cursor / self.out_rate_hz * self.speed
        return min(t, self.end_s)


class Player:
    def __init__(
        self,
        layer: DeviceLayer,
        *,
        device: str | int | None = None,
        block_s: float = 0.02,
        on_finished: Callable[[], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self._layer = layer
        self._device = device
        self._block_s = block_s
        self.on_finished = on_finished  # the span played to its end (audio thread)
        self.on_error = on_error  # the output device failed mid-play (audio thread)
        self._samples = np.zeros((0, 1), dtype=np.float32)
        self.rate_hz = 16000
        self._span: _Span | None = None
        self._paused = False
        self._idle_pos_s = 0.0
        self._lock = threading.Lock()  # serialises play/stop/seek from caller threads

    # --- loading -----------------------------------------------------------------------------

    def load(self, path: Path) -> float:
        """Decode `path` into memory; returns its duration. Raises `AudioError`."""
        try:
            data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        except (OSError, sf.SoundFileError, RuntimeError) as exc:
            raise AudioError(f"Cannot play {Path(path).name}: {exc}") from exc
        self.load_array(data, rate)
        return self.duration_s

    def load_array(self, samples: np.ndarray, rate_hz: int) -> None:
        """Use in-memory audio (n, or n x channels, float)."""
        self.stop()
        x = np.asarray(samples, dtype=np.float32)
        self._samples = x[:, None] if x.ndim == 1 else x
        self.rate_hz = int(rate_hz)
        self._idle_pos_s = 0.0

    @property
    def duration_s(self) -> float:
        return len(self._samples) / self.rate_hz

    # --- transport ---------------------------------------------------------------------------

    def play(self, start_s: float = 0.0, end_s: float | None = None, speed: float = 1.0) -> None:
        """Play [start_s, end_s) of the loaded audio at `speed`; replaces what is playing.

        Raises `DeviceError` when there is no usable output device.
        """
        self._play(start_s, end_s, speed, paused=False)

    def _play(self, start_s: float, end_s: float | None, speed: float, paused: bool) -> None:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(f"speed must be within {MIN_SPEED}..{MAX_SPEED}, not {speed}")
        with self._lock:
            self._stop_locked()
            dur = self.duration_s
            start_s = min(max(0.0, start_s), dur)
            end_s = dur if end_s is None else min(max(start_s, end_s), dur)
            a, b = int(round(start_s * self.rate_hz)), int(round(end_s * self.rate_hz))
            raw = self._samples[a:b]
            channels = self._samples.shape[1]
            blocksize = max(1, int(round(self.rate_hz * self._block_s)))
            span = _Span(start_s, end_s, speed, self.rate_hz)
            stream = self._layer.open_output(
                self._device,
                self.rate_hz,
                channels,
                blocksize,
                self._callback,
                lambda: self._stream_finished(span),
            )
            span.stream = stream
            span.out_rate_hz = stream.rate_hz
            self._paused = paused
            if speed == 1.0:
                buf = _fit(raw, self.rate_hz, stream.rate_hz, stream.channels)
                span.buf = _with_tail(buf, stream.rate_hz)
            else:
                threading.Thread(
                    target=self._prepare,
                    args=(span, raw, stream.channels),
                    name="player-stretch",
                    daemon=True,
                ).start()
            self._span = span
            try:
                stream.start()
            except Exception:
                self._span = None
                stream.close()
                raise

    def pause(self) -> None:
        """Hold the position; the device keeps running (silently) so resume is instant."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def seek(self, t_s: float) -> None:
        """Move the playhead. Inside the playing span it jumps; outside, the span restarts there
        (keeping speed, end and pause state); when idle it sets where `position_s` points."""
        t_s = min(max(0.0, t_s), self.duration_s)
        span = self._span
        if span is None or span.ended:
            self._idle_pos_s = t_s
            return
        if span.buf is not None and span.start_s <= t_s < span.end_s:
            span.seek_to = int(round((t_s - span.start_s) / span.speed * span.out_rate_hz))
            return
        end = span.end_s if t_s < span.end_s else None
        self._play(t_s, end, span.speed, paused=self._paused)

    def close(self) -> None:
        self.stop()

    @property
    def position_s(self) -> float:
        """Playhead in original-audio seconds (what the UI highlights)."""
        span = self._span
        if span is None:
            return self._idle_pos_s
        return span.position_s()

    @property
    def playing(self) -> bool:
        """A span is under way and not paused."""
        span = self._span
        return span is not None and not span.ended and not self._paused

    @property
    def paused(self) -> bool:
        span = self._span
        return span is not None and not span.ended and self._paused

    @property
    def speed(self) -> float:
        span = self._span
        return 1.0 if span is None else span.speed

    # --- internals ---------------------------------------------------------------------------

    def _stop_locked(self) -> None:
        span, self._span = self._span, None
        if span is None:
            return
        self._idle_pos_s = span.position_s()
        if span.stream is not None:
            span.stream.stop()
            span.stream.close()

    def _prepare(self, span: _Span, raw: np.ndarray, channels: int) -> None:
        try:
            stretched = time_stretch(raw, self.rate_hz, span.speed)
            buf = _fit(stretched, self.rate_hz, span.out_rate_hz, channels)
            span.buf = _with_tail(buf, span.out_rate_hz)
        except Exception as exc:  # never leave the stream playing silence forever
            log.exception("Time-stretch failed")
            span.buf = np.zeros((0, channels), np.float32)
            if self.on_error is not None:
                self.on_error(f"Could not change the playback speed: {exc}")

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: StreamStatus):
        span = self._span
        if span is None or span.buf is None or self._paused or span.ended:
            outdata.fill(0)
            return
        if span.seek_to is not None:
            span.cursor, span.seek_to = span.seek_to, None
        buf = span.buf
        n = max(0, min(frames, len(buf) - span.cursor))
        outdata[:n] = buf[span.cursor : span.cursor + n]
        outdata[n:] = 0
        span.cursor += n
        if span.cursor >= len(buf):
            span.ended = True
            raise CallbackStop

    def _stream_finished(self, span: _Span) -> None:
        if self._span is not span:  # stopped or replaced: not a natural end
            return
        stream = span.stream
        if span.ended:
            self._idle_pos_s = span.end_s
            if self.on_finished is not None:
                self.on_finished()
        elif stream is not None and stream.error is not None:
            span.ended = True
            if self.on_error is not None:
                self.on_error(str(stream.error))


def _with_tail(x: np.ndarray, rate_hz: int) -> np.ndarray:
    """`x` followed by TAIL_S of silence (frames x channels)."""
    tail = np.zeros((int(round(TAIL_S * rate_hz)), x.shape[1]), dtype=np.float32)
    return np.concatenate([x, tail])


def _fit(x: np.ndarray, rate_hz: int, out_rate_hz: int, channels: int) -> np.ndarray:
    """Match the device's rate (linear interpolation; fine for speech) and channel count."""
    if x.ndim == 1:
        x = x[:, None]
    if out_rate_hz != rate_hz and len(x):
        n_out = int(round(len(x) * out_rate_hz / rate_hz))
        t_in = np.arange(len(x)) / rate_hz
        t_out = np.arange(n_out) / out_rate_hz
        x = np.stack([np.interp(t_out, t_in, x[:, c]) for c in range(x.shape[1])], axis=1)
    if x.shape[1] != channels:
        x = np.repeat(x.mean(axis=1, keepdims=True), channels, axis=1)
    return np.ascontiguousarray(x, dtype=np.float32)
