"""A sound-device layer without hardware, faithful to `voicecoach.audio.devices.DeviceLayer`.

Input streams replay a WAV file or a numpy array through the REAL callback, in blocks, from a
background thread (like PortAudio's audio thread), on a clock that can run faster than real
time. Output streams call the real output callback and keep what it wrote, so tests can check
what was played. Failure modes: no devices, a busy device, an unplug after N seconds.

    layer = FakeSoundLayer(source=samples, rate_hz=16000, speed=20, at_end="hold")
    rec = Recorder(layer, path, AudioSettings())
    rec.start(); layer.wait_input_done(); result = rec.stop()  # exactly the source

By default the microphone keeps sending silence after the source, as a real one would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import soundfile as sf

from voicecoach.audio.devices import (
    STATUS_OK,
    CallbackStop,
    DeviceInfo,
    FinishedCallback,
    StreamCallback,
    StreamStatus,
    busy_device_error,
    lost_device_error,
    resolve_device,
)
from voicecoach.domain import DeviceError

AtEnd = Literal["silence", "hold", "finish"]
UnplugMode = Literal["error", "stall"]


class FakeStream:
    """One fake stream; its thread starts on `start()` and calls the callback block by block."""

    def __init__(
        self,
        layer: FakeSoundLayer,
        kind: str,
        device: DeviceInfo,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None,
    ) -> None:
        self.layer = layer
        self.kind = kind
        self.device = device
        self.rate_hz = rate_hz
        self.channels = channels
        self.blocksize = blocksize or max(1, rate_hz // 100)
        self._callback = callback
        self._on_finished = on_finished
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: DeviceError | None = None
        self._closed = False
        self.frames_done = 0  # frames passed to / taken from the callback
        self.input_done = threading.Event()  # input: every source frame has been delivered
        self.played: list[np.ndarray] = []  # output: blocks the callback wrote

    # --- Stream protocol ---------------------------------------------------------------------

    def start(self) -> None:
        if self._closed:
            raise DeviceError("stream is closed")
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=f"fake-{self.kind}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Like PortAudio: returns when the callback will not be called again."""
        self._stop.set()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join()

    def close(self) -> None:
        self.stop()
        self._closed = True

    @property
    def active(self) -> bool:
        t = self._thread
        return t is not None and t.is_alive() and not self._finished.is_set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    @property
    def error(self) -> DeviceError | None:
        return self._error

    # --- output ------------------------------------------------------------------------------

    @property
    def output(self) -> np.ndarray:
        """Everything the output callback wrote, frames x channels."""
        if not self.played:
            return np.zeros((0, self.channels), dtype=np.float32)
        return np.concatenate(self.played)

    # --- the audio thread --------------------------------------------------------------------

    def _run(self) -> None:
        layer = self.layer
        t0 = time.monotonic()
        block_i = 0
        try:
            while not self._stop.is_set():
                # Pace: block i is due when its last frame would have been captured/played.
                if layer.speed > 0:
                    due = t0 + (block_i + 1) * self.blocksize / self.rate_hz / layer.speed
                    delay = due - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                if self.kind == "input":
                    if not self._input_step():
                        break
                elif not self._output_step():
                    break
                block_i += 1
        finally:
            self._finished.set()
            if self._on_finished is not None:
                self._on_finished()

    def _unplugged(self) -> bool:
        after = self.layer.unplug_after_s
        return after is not None and self.frames_done >= after * self.rate_hz

    def _input_step(self) -> bool:
        layer = self.layer
        if self._unplugged():
            self.input_done.set()
            if layer.unplug_mode == "stall":
                self._stop.wait()  # the device just goes quiet; only stop() ends this
                return False
            self._error = lost_device_error("input")
            return False
        src = layer.source_for(self.rate_hz, self.channels)
        start = self.frames_done
        n = self.blocksize
        block = np.zeros((n, self.channels), dtype=np.float32)
        if start < len(src):
            chunk = src[start : start + n]
            block[: len(chunk)] = chunk
        else:
            self.input_done.set()
            if layer.at_end == "hold":
                self._stop.wait()
                return False
            if layer.at_end == "finish":
                self._error = lost_device_error("input")
                return False
        if layer.unplug_after_s is not None:  # cut the last block at the unplug instant
            left = int(layer.unplug_after_s * self.rate_hz) - start
            n = max(0, min(n, left))
            block = block[:n]
        status = layer.status_at.get(layer.blocks_delivered, STATUS_OK)
        self._callback(block, len(block), None, status)
        self.frames_done += len(block)
        layer.blocks_delivered += 1
        if start + len(block) >= len(src):
            self.input_done.set()
        return True

    def _output_step(self) -> bool:
        out = np.zeros((self.blocksize, self.channels), dtype=np.float32)
        try:
            self._callback(out, self.blocksize, None, STATUS_OK)
        except CallbackStop:
            self.played.append(out.copy())
            self.frames_done += self.blocksize
            return False
        self.played.append(out.copy())
        self.frames_done += self.blocksize
        if self._unplugged():
            self._error = lost_device_error("output")
            return False
        return True


class FakeSoundLayer:
    """In-memory `DeviceLayer`.

    source: a WAV path or an array (frames, or frames x channels) replayed as microphone input.
    speed: clock factor (1 = real time, 20 = twenty times faster, 0 = as fast as possible).
    at_end: "silence" keeps feeding zeros, "hold" stops calling back but stays open (a quiet
        device), "finish" ends the stream as a device failure would.
    inputs / outputs: device names; empty lists simulate a machine with no such device.
    busy: names of devices that fail to open as busy.
    unplug_after_s: the device fails after this many seconds of audio; unplug_mode "error"
        finishes the stream with an error, "stall" just stops delivering blocks.
    status_at: {block index: StreamStatus} flags to pass with particular input blocks.
    """

    def __init__(
        self,
        source: np.ndarray | Path | str | None = None,
        rate_hz: int = 16000,
        *,
        speed: float = 1.0,
        at_end: AtEnd = "silence",
        inputs: list[str] | None = None,
        outputs: list[str] | None = None,
        busy: tuple[str, ...] = (),
        unplug_after_s: float | None = None,
        unplug_mode: UnplugMode = "error",
        supported_rates_hz: tuple[int, ...] | None = None,
        status_at: dict[int, StreamStatus] | None = None,
    ) -> None:
        if source is not None and not isinstance(source, np.ndarray):
            data, rate_hz = sf.read(str(source), dtype="float32", always_2d=True)
            source = data
        self.source = None if source is None else np.asarray(source, dtype=np.float32)
        self.source_rate_hz = rate_hz
        self.speed = speed
        self.at_end = at_end
        self.inputs = ["Fake Microphone"] if inputs is None else inputs
        self.outputs = ["Fake Speaker"] if outputs is None else outputs
        self.busy = busy
        self.unplug_after_s = unplug_after_s
        self.unplug_mode = unplug_mode
        self.supported_rates_hz = supported_rates_hz
        self.status_at = status_at or {}
        self.blocks_delivered = 0
        self._shaped: dict[int, np.ndarray] = {}
        self.input_streams: list[FakeStream] = []
        self.output_streams: list[FakeStream] = []
        self.lock = threading.Lock()

    # --- helpers for tests -------------------------------------------------------------------

    def source_for(self, rate_hz: int, channels: int) -> np.ndarray:
        """The source as frames x channels at the stream's rate (no resampling: rates match)."""
        if self.source is None:
            return np.zeros((0, channels), dtype=np.float32)
        if channels not in self._shaped:
            src = self.source if self.source.ndim == 2 else self.source[:, None]
            if src.shape[1] != channels:
                src = np.repeat(src.mean(axis=1, keepdims=True), channels, axis=1)
            self._shaped[channels] = src
        return self._shaped[channels]

    def wait_input_done(self, timeout_s: float = 30.0) -> bool:
        """Block until the newest input stream has delivered the whole source."""
        deadline = time.monotonic() + timeout_s
        while not self.input_streams:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return self.input_streams[-1].input_done.wait(max(0.0, deadline - time.monotonic()))

    @property
    def played(self) -> np.ndarray:
        """Output of the newest output stream (frames x channels)."""
        if not self.output_streams:
            return np.zeros((0, 1), dtype=np.float32)
        return self.output_streams[-1].output

    # --- DeviceLayer protocol ----------------------------------------------------------------

    def _infos(self, kind: str) -> list[DeviceInfo]:
        names = self.inputs if kind == "input" else self.outputs
        offset = 0 if kind == "input" else 100
        return [
            DeviceInfo(
                index=offset + i,
                name=n,
                max_input_channels=2 if kind == "input" else 0,
                max_output_channels=2 if kind == "output" else 0,
                default_rate_hz=self.source_rate_hz,
                is_default=(i == 0),
            )
            for i, n in enumerate(names)
        ]

    def list_input_devices(self) -> list[DeviceInfo]:
        return self._infos("input")

    def list_output_devices(self) -> list[DeviceInfo]:
        return self._infos("output")

    def default_input(self) -> DeviceInfo | None:
        devs = self._infos("input")
        return devs[0] if devs else None

    def default_output(self) -> DeviceInfo | None:
        devs = self._infos("output")
        return devs[0] if devs else None

    def open_input(
        self,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None = None,
    ) -> FakeStream:
        return self._open("input", device, rate_hz, channels, blocksize, callback, on_finished)

    def open_output(
        self,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None = None,
    ) -> FakeStream:
        return self._open("output", device, rate_hz, channels, blocksize, callback, on_finished)

    def _open(
        self,
        kind: str,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: Callable[..., Any],
        on_finished: FinishedCallback | None,
    ) -> FakeStream:
        info = resolve_device(self._infos(kind), device, kind)  # same errors as the real layer
        if info.name in self.busy:
            raise busy_device_error(kind, info.name)
        if self.supported_rates_hz is not None and rate_hz not in self.supported_rates_hz:
            rate_hz = info.default_rate_hz  # what SoundDeviceLayer does
        stream = FakeStream(self, kind, info, rate_hz, channels, blocksize, callback, on_finished)
        with self.lock:
            (self.input_streams if kind == "input" else self.output_streams).append(stream)
        return stream
