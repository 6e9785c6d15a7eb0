"""Record the microphone to a WAV file that is valid on disk while recording.

Threads (see docs/architecture.md):

- the audio callback copies each block onto an unbounded queue, counts frames and offers the
  block's level to a size-1 queue (the newest level replaces an unread one). Nothing in it can
  block, so a slow consumer never makes the device drop audio;
- the writer thread owns the sound file, opened before the stream starts. It writes blocks as
  they arrive and every `flush_every_s` rewrites the WAV header sizes and fsyncs, so a killed
  process leaves a playable file missing at most the blocks still queued (`repair_wav` also
  recovers the samples written after the last header update). A sentinel stops it;
- the optional `on_block` tap (e.g. the streaming transcriber) runs on its own thread behind its
  own unbounded queue, so a slow tap delays neither the device nor the file. It is given each
  block as it reads back from the file (`as_saved`). `stop()` returns once the tap has seen
  every block.

The queues are unbounded on purpose: a stalled writer grows memory (16 kHz mono float32 is
~3.8 MB a minute) rather than losing the answer.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from voicecoach.audio.devices import DeviceLayer, Stream, StreamStatus
from voicecoach.domain import AudioError, DeviceError
from voicecoach.settings import AudioSettings

log = logging.getLogger(__name__)

_SFC_UPDATE_HEADER_NOW = 0x1060  # libsndfile sf_command: rewrite header sizes in place


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    duration_s: float
    frames: int  # frames in the file
    rate_hz: int
    channels: int
    interrupted: bool  # ended by a device or disk problem, not by stop()
    error: str | None = None  # message for the user when interrupted
    overflows: int = 0  # blocks the device reported as overflowed (audio lost before us)


@dataclass(frozen=True)
class Level:
    """Level of the latest block, 0..1 of full scale."""

    peak: float = 0.0
    rms: float = 0.0

    @property
    def peak_dbfs(self) -> float:
        return 20.0 * math.log10(self.peak) if self.peak > 1e-6 else -120.0

    @property
    def rms_dbfs(self) -> float:
        return 20.0 * math.log10(self.rms) if self.rms > 1e-6 else -120.0


class _Sentinel:
    pass


_STOP = _Sentinel()


@dataclass(frozen=True)
class _StreamEnded:
    message: str


class Recorder:
    """One take: `start()`, then `stop() -> RecordingResult`. Not reusable."""

    def __init__(
        self,
        layer: DeviceLayer,
        path: Path,
        settings: AudioSettings,
        *,
        on_block: Callable[[np.ndarray], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        block_s: float = 0.05,
        flush_every_s: float = 0.5,
        stall_timeout_s: float = 3.0,
    ) -> None:
        self._layer = layer
        self.path = Path(path)
        self._settings = settings
        self.on_block = on_block
        self.on_error = on_error  # called once, from a worker thread, when recording fails
        self._block_s = block_s
        self._flush_every_s = flush_every_s
        self._stall_timeout_s = stall_timeout_s
        self._q: queue.Queue[Any] = queue.Queue()
        self._levels: queue.Queue[Level] = queue.Queue(maxsize=1)
        self._last_level = Level()
        self._tap_q: queue.Queue[Any] = queue.Queue()
        self._stream: Stream | None = None
        self._file: sf.SoundFile | None = None
        self._writer: threading.Thread | None = None
        self._tapper: threading.Thread | None = None
        self._accepting = False  # the callback queues blocks only while True
        self._stopping = False
        self._captured = 0
        self._written = 0
        self._overflows = 0
        self._error: str | None = None
        self._result: RecordingResult | None = None
        self.rate_hz = settings.sample_rate_hz
        self.channels = settings.channels

    # --- public ------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the device and the file and start recording.

        Raises `DeviceError` (no/missing/busy microphone) or `AudioError` (file not writable).
        """
        if self._stream is not None:
            raise RuntimeError("Recorder.start() called twice")
        s = self._settings
        blocksize = max(1, int(round(s.sample_rate_hz * self._block_s)))
        stream = self._layer.open_input(
            s.input_device, s.sample_rate_hz, s.channels, blocksize, self._callback, self._ended
        )
        self.rate_hz, self.channels = stream.rate_hz, stream.channels
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = sf.SoundFile(
                self.path,
                "w",
                samplerate=self.rate_hz,
                channels=self.channels,
                subtype="PCM_16",
                format="WAV",
            )
        except (OSError, sf.SoundFileError) as exc:
            stream.close()
            raise AudioError(
                f"Cannot save the recording to {self.path}: {_reason(exc)}. "
                "Check that the folder exists, is writable and the disk is not full."
            ) from exc
        self._stream = stream
        self._writer = threading.Thread(target=self._write_loop, name="recorder-writer")
        self._writer.daemon = True
        self._writer.start()
        if self.on_block is not None:
            self._tapper = threading.Thread(target=self._tap_loop, name="recorder-tap")
            self._tapper.daemon = True
            self._tapper.start()
        self._accepting = True
        try:
            stream.start()
        except DeviceError:
            self._accepting = False
            self._q.put(_STOP)
            self._writer.join()
            self._tap_q.put(_STOP)
            if self._tapper is not None:
                self._tapper.join()
            stream.close()
            raise

    def stop(self) -> RecordingResult:
        """Stop, write everything captured, close the file; safe to call after a failure."""
        if self._result is not None:
            return self._result
        if self._stream is None:
            raise RuntimeError("Recorder.stop() before start()")
        self._stopping = True
        try:
            self._stream.stop()  # after this the callback is not called again
        except DeviceError as exc:
            log.warning("Stopping the input stream failed: %s", exc)
        self._accepting = False
        self._q.put(_STOP)
        assert self._writer is not None
        self._writer.join()
        try:
            self._stream.close()
        except DeviceError as exc:
            log.warning("Closing the input stream failed: %s", exc)
        if self._tapper is not None:
            self._tapper.join()
        self._result = RecordingResult(
            path=self.path,
            duration_s=self._written / self.rate_hz,
            frames=self._written,
            rate_hz=self.rate_hz,
            channels=self.channels,
            interrupted=self._error is not None,
            error=self._error,
            overflows=self._overflows,
        )
        return self._result

    @property
    def elapsed_s(self) -> float:
        """Seconds of audio captured so far."""
        return self._captured / self.rate_hz

    @property
    def error(self) -> str | None:
        """Why recording ended on its own, if it did."""
        return self._error

    @property
    def recording(self) -> bool:
        return self._stream is not None and self._result is None and self._error is None

    def level(self) -> Level:
        """The latest block's level (the previous one again if no block arrived since)."""
        try:
            self._last_level = self._levels.get_nowait()
        except queue.Empty:
            pass
        return self._last_level

    # --- audio thread ------------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: StreamStatus):
        if not self._accepting:
            return
        block = indata.copy()
        self._q.put(block)
        self._captured += frames
        if status.input_overflow:
            self._overflows += 1
        if frames:
            lvl = Level(float(np.abs(block).max()), float(np.sqrt(np.mean(np.square(block)))))
            try:
                self._levels.get_nowait()  # drop the unread older value
            except queue.Empty:
                pass
            try:
                self._levels.put_nowait(lvl)
            except queue.Full:
                pass

    def _ended(self) -> None:
        # Called when the stream finishes for any reason; the callback will not run again.
        stream = self._stream
        err = stream.error if stream is not None else None
        if err is not None and not self._stopping:
            self._q.put(_StreamEnded(str(err)))

    # --- writer thread -----------------------------------------------------------------------

    def _write_loop(self) -> None:
        f = self._file
        assert f is not None
        last_sync = time.monotonic()
        last_block = time.monotonic()
        try:
            while True:
                try:
                    item = self._q.get(timeout=0.25)
                except queue.Empty:
                    item = None
                now = time.monotonic()
                if item is _STOP:
                    break
                if isinstance(item, _StreamEnded):
                    self._fail(item.message)
                    break
                if item is None:
                    if (
                        not self._stopping
                        and self._accepting
                        and now - last_block > self._stall_timeout_s
                    ):
                        self._fail(
                            "The microphone stopped sending sound (unplugged?). "
                            "What was recorded so far is kept."
                        )
                        break
                    continue
                last_block = now
                try:
                    f.write(item)
                    self._written += len(item)
                    if now - last_sync >= self._flush_every_s:
                        _sync(f)
                        last_sync = now
                except (OSError, sf.SoundFileError) as exc:
                    self._fail(
                        f"Recording stopped: could not write to {self.path} ({_reason(exc)}). "
                        "The disk may be full. What was saved so far is kept."
                    )
                    break
                if self._tapper is not None:
                    self._tap_q.put(item)
        finally:
            self._accepting = False
            try:
                f.close()  # writes final header sizes
            except (OSError, sf.SoundFileError, RuntimeError) as exc:
                log.warning("Closing %s failed: %s; repairing its header", self.path, exc)
                try:
                    repair_wav(self.path)
                except AudioError as exc2:
                    log.warning("Could not repair %s: %s", self.path, exc2)
            if self._error is not None:
                # A failed write may have left part of a block in the file: count what is there.
                try:
                    self._written = sf.info(str(self.path)).frames
                except (OSError, sf.SoundFileError, RuntimeError):
                    pass
            self._tap_q.put(_STOP)

    def _fail(self, message: str) -> None:
        self._accepting = False
        self._error = message
        log.warning("%s", message)
        if self.on_error is not None:
            try:
                self.on_error(message)
            except Exception:
                log.exception("on_error hook failed")

    # --- tap thread --------------------------------------------------------------------------

    def _tap_loop(self) -> None:
        tap = self.on_block
        broken = False
        while True:
            item = self._tap_q.get()
            if item is _STOP:
                return
            if tap is None or broken:
                continue
            try:
                tap(as_saved(item))
            except Exception:
                # A broken consumer must not end the recording; the file is what matters.
                log.exception("on_block tap failed; no more blocks will be sent to it")
                broken = True


def as_saved(block: np.ndarray) -> np.ndarray:
    """The samples a reader gets back from the 16-bit WAV for this float block.

    The tap hands consumers exactly what is on disk, so a recording transcribed while it is
    made matches the same file transcribed afterwards (Whisper hears the 16-bit rounding).
    Matches libsndfile's float -> PCM_16 conversion (checked in tests).
    """
    q = np.clip(np.floor(np.asarray(block, dtype=np.float32) * np.float32(32768)), -32768, 32767)
    return (q / 32768).astype(np.float32)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _sync(f: sf.SoundFile) -> None:
    """Make the file on disk a complete WAV up to here: header sizes, then fsync."""
    snd = getattr(sf, "_snd", None)
    handle = getattr(f, "_file", None)
    if snd is not None and handle is not None:
        # Private to soundfile, so guarded: without it `repair_wav` still recovers the file.
        snd.sf_command(handle, _SFC_UPDATE_HEADER_NOW, sf._ffi.NULL, 0)
    f.flush()


# --- crash recovery --------------------------------------------------------------------------


@dataclass(frozen=True)
class WavRepair:
    changed: bool
    frames: int
    rate_hz: int
    duration_s: float


def repair_wav(path: Path) -> WavRepair:
    """Fix the RIFF/data sizes of a WAV whose writer was killed; leaves a sound file as is.

    Samples written after the last header update are kept (a partial last frame is cut).
    Raises `AudioError` if `path` is not a PCM WAV file.
    """
    path = Path(path)
    try:
        with open(path, "r+b") as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                raise AudioError(f"{path.name} is not a WAV file and cannot be repaired.")
            pos, block_align, rate_hz = 12, 0, 0
            while True:
                fh.seek(pos)
                hdr = fh.read(8)
                if len(hdr) < 8:
                    raise AudioError(f"{path.name} has no audio data to recover.")
                cid, csize = hdr[:4], struct.unpack("<I", hdr[4:])[0]
                if cid == b"fmt ":
                    fmt = fh.read(16)
                    if len(fmt) < 16:
                        raise AudioError(f"{path.name} has a damaged header.")
                    rate_hz = struct.unpack("<I", fmt[4:8])[0]
                    block_align = struct.unpack("<H", fmt[12:14])[0]
                elif cid == b"data":
                    break
                pos += 8 + csize + (csize & 1)
            if not block_align or not rate_hz:
                raise AudioError(f"{path.name} has a damaged header.")
            data_off = pos + 8
            declared = struct.unpack("<I", hdr[4:])[0]
            if _consistent_tail(fh, data_off + declared + (declared & 1), size) and (
                declared % block_align == 0
            ):
                frames = declared // block_align
                return WavRepair(False, frames, rate_hz, frames / rate_hz)
            data_len = size - data_off
            data_len -= data_len % block_align
            fh.truncate(data_off + data_len)
            fh.seek(data_off - 4)
            fh.write(struct.pack("<I", data_len))
            fh.seek(4)
            fh.write(struct.pack("<I", data_off + data_len - 8))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise AudioError(f"Cannot repair {path}: {_reason(exc)}") from exc
    frames = data_len // block_align
    log.info("Repaired %s: %d frames (%.1f s)", path, frames, frames / rate_hz)
    return WavRepair(True, frames, rate_hz, frames / rate_hz)


def _consistent_tail(fh: Any, pos: int, size: int) -> bool:
    """True if the bytes after the data chunk are whole, well-formed chunks up to the end."""
    while pos < size:
        fh.seek(pos)
        hdr = fh.read(8)
        if len(hdr) < 8 or not all(32 <= b < 127 for b in hdr[:4]):
            return False
        csize = struct.unpack("<I", hdr[4:])[0]
        pos += 8 + csize + (csize & 1)
    return pos == size or pos == size + 1  # a final pad byte may be missing
