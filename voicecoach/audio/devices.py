"""The sound-device layer: the only module that imports sounddevice.

The recorder and the player talk to a `DeviceLayer` (a Protocol), so tests can hand them
`tests.fakes.sound.FakeSoundLayer` instead of real hardware. `SoundDeviceLayer` is the real one.

sounddevice is imported lazily inside functions: a machine without PortAudio gets a
`DeviceError` it can show, not an ImportError when the app starts.

Callbacks follow sounddevice's shape and run on the audio thread:
input ``(indata, frames, time_info, status)`` with ``indata`` float32 frames x channels, and
output ``(outdata, frames, time_info, status)`` where the callback fills ``outdata``. An output
callback raises `CallbackStop` after filling its last block; the block is still played and the
stream then finishes.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from voicecoach.domain import DeviceError

log = logging.getLogger(__name__)

# PortAudio PaErrorCode values (stable across PortAudio releases).
_PA_UNANTICIPATED_HOST_ERROR = -9999
_PA_INVALID_CHANNEL_COUNT = -9998
_PA_INVALID_SAMPLE_RATE = -9997
_PA_INVALID_DEVICE = -9996
_PA_DEVICE_UNAVAILABLE = -9985
_EBUSY = 16  # ALSA reports a busy device as host error -EBUSY


# --- errors ----------------------------------------------------------------------------------


class NoDeviceError(DeviceError):
    """There is no input (or output) device at all."""


class DeviceMissingError(DeviceError):
    """The device chosen in Settings is not connected."""


class DeviceBusyError(DeviceError):
    """The device exists but cannot be opened (in use by another program, or unavailable)."""


class DeviceLostError(DeviceError):
    """The device stopped working while a stream was running (unplugged, driver error)."""


def no_device_error(kind: str) -> NoDeviceError:
    if kind == "input":
        return NoDeviceError("No microphone found. Plug one in or pick another device in Settings.")
    return NoDeviceError("No speaker or headphones found. Plug some in to hear playback.")


def missing_device_error(kind: str, name: str) -> DeviceMissingError:
    what = "microphone" if kind == "input" else "output device"
    return DeviceMissingError(
        f'The {what} "{name}" is not connected. Plug it in or pick another device in Settings.'
    )


def busy_device_error(kind: str, name: str) -> DeviceBusyError:
    what = "microphone" if kind == "input" else "output device"
    return DeviceBusyError(
        f'The {what} "{name}" is busy or unavailable. Close other programs using it '
        "(calls, recorders) or pick another device in Settings."
    )


def lost_device_error(kind: str) -> DeviceLostError:
    if kind == "input":
        return DeviceLostError(
            "The microphone stopped working (unplugged?). What was recorded so far is kept."
        )
    return DeviceLostError("The output device stopped working (unplugged?). Playback stopped.")


# --- the layer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    max_input_channels: int
    max_output_channels: int
    default_rate_hz: int
    is_default: bool = False


@dataclass(frozen=True)
class StreamStatus:
    """Flags passed to a callback; truthy when any is set (like sounddevice.CallbackFlags)."""

    input_overflow: bool = False
    input_underflow: bool = False
    output_underflow: bool = False
    output_overflow: bool = False
    priming_output: bool = False

    def __bool__(self) -> bool:
        return (
            self.input_overflow
            or self.input_underflow
            or self.output_underflow
            or self.output_overflow
            or self.priming_output
        )


STATUS_OK = StreamStatus()


class CallbackStop(Exception):  # noqa: N818 - named like sounddevice.CallbackStop
    """Raised by an output callback after its last block: play it, then finish the stream."""


StreamCallback = Callable[[np.ndarray, int, Any, StreamStatus], None]
FinishedCallback = Callable[[], None]


class Stream(Protocol):
    """An opened (not yet started) input or output stream."""

    rate_hz: int  # the rate actually used (may differ from the one asked for)
    channels: int
    blocksize: int

    def start(self) -> None: ...
    def stop(self) -> None: ...  # waits for pending blocks; the callback is not called after
    def close(self) -> None: ...

    @property
    def active(self) -> bool: ...

    @property
    def finished(self) -> bool:
        """The stream stopped on its own (CallbackStop, end of device, error)."""
        ...

    @property
    def error(self) -> DeviceError | None:
        """Why the stream ended by itself, when that was a failure; else None."""
        ...


class DeviceLayer(Protocol):
    def list_input_devices(self) -> list[DeviceInfo]: ...
    def list_output_devices(self) -> list[DeviceInfo]: ...
    def default_input(self) -> DeviceInfo | None: ...
    def default_output(self) -> DeviceInfo | None: ...

    def open_input(
        self,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None = None,
    ) -> Stream:
        """Open a capture stream; raise a `DeviceError` subclass the user can act on.

        If `rate_hz` is not supported the device's default rate is used: check `Stream.rate_hz`.
        `on_finished` is called (on an audio thread) when the stream ends for any reason.
        """
        ...

    def open_output(
        self,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None = None,
    ) -> Stream: ...


def resolve_device(devices: list[DeviceInfo], device: str | int | None, kind: str) -> DeviceInfo:
    """The device meant by a Settings value (exact name, else a unique name part, or index)."""
    if not devices:
        raise no_device_error(kind)
    if device is None:
        for d in devices:
            if d.is_default:
                return d
        return devices[0]
    if isinstance(device, int):
        for d in devices:
            if d.index == device:
                return d
        raise missing_device_error(kind, f"#{device}")
    exact = [d for d in devices if d.name == device]
    if exact:
        return exact[0]
    partial = [d for d in devices if device.lower() in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    raise missing_device_error(kind, device)


# --- sounddevice implementation --------------------------------------------------------------


def _sd() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError) as exc:  # OSError: PortAudio library not found
        raise DeviceError(
            "Sound devices are not available: the PortAudio library could not be loaded "
            f"({exc}). Install PortAudio (libportaudio2) and restart VoiceCoach."
        ) from exc
    return sounddevice


def _pa_code(exc: Exception) -> tuple[int | None, int | None]:
    """(PaErrorCode, host error code) of a sounddevice.PortAudioError, when present."""
    args = getattr(exc, "args", ())
    code = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    host = None
    if len(args) > 2 and isinstance(args[2], tuple) and len(args[2]) > 1:
        host = args[2][1] if isinstance(args[2][1], int) else None
    return code, host


def _map_open_error(exc: Exception, kind: str, name: str) -> DeviceError:
    code, host = _pa_code(exc)
    if code == _PA_DEVICE_UNAVAILABLE or (
        code == _PA_UNANTICIPATED_HOST_ERROR and host is not None and abs(host) == _EBUSY
    ):
        return busy_device_error(kind, name)
    if code == _PA_INVALID_DEVICE:
        return missing_device_error(kind, name)
    what = "microphone" if kind == "input" else "output device"
    return DeviceError(
        f'Could not open the {what} "{name}": {exc}. Try another device in Settings.'
    )


class _SdStream:
    """Adapts a sounddevice stream to `Stream`, translating callbacks and errors."""

    def __init__(
        self,
        kind: str,
        name: str,
        callback: StreamCallback,
        on_finished: FinishedCallback | None,
    ) -> None:
        self._kind = kind
        self._name = name
        self._callback = callback
        self._on_finished = on_finished
        self._stopping = False  # stop()/close() asked for, or the callback ended the stream
        self._finished = threading.Event()
        self._error: DeviceError | None = None
        self._raw: Any = None
        self._sd = _sd()
        self.closed = False
        self.rate_hz = 0
        self.channels = 0
        self.blocksize = 0

    # called on the audio thread
    def _cb(self, data: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        sd = self._sd
        st = STATUS_OK
        if status:
            st = StreamStatus(
                bool(status.input_overflow),
                bool(status.input_underflow),
                bool(status.output_underflow),
                bool(status.output_overflow),
                bool(status.priming_output),
            )
        try:
            self._callback(data, frames, time_info, st)
        except CallbackStop:
            self._stopping = True
            raise sd.CallbackStop from None
        except Exception:
            log.exception("%s stream callback failed; aborting the stream", self._kind)
            self._stopping = True
            raise sd.CallbackAbort from None

    def _done(self) -> None:
        if not self._stopping and self._error is None:
            self._error = lost_device_error(self._kind)
        self._finished.set()
        if self._on_finished is not None:
            try:
                self._on_finished()
            except Exception:
                log.exception("on_finished hook failed")

    def start(self) -> None:
        try:
            self._raw.start()
        except Exception as exc:
            raise _map_open_error(exc, self._kind, self._name) from exc

    def stop(self) -> None:
        self._stopping = True
        try:
            self._raw.stop()
        except Exception as exc:
            log.warning("Stopping the %s stream failed: %s", self._kind, exc)

    def close(self) -> None:
        self._stopping = True
        self.closed = True
        try:
            self._raw.close()
        except Exception as exc:
            log.warning("Closing the %s stream failed: %s", self._kind, exc)

    @property
    def active(self) -> bool:
        try:
            return bool(self._raw.active)
        except Exception:
            return False

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    @property
    def error(self) -> DeviceError | None:
        return self._error


class SoundDeviceLayer:
    """The real device layer, on python-sounddevice / PortAudio."""

    def _devices(self, kind: str) -> list[DeviceInfo]:
        sd = _sd()
        try:
            raw = sd.query_devices()
            default_in, default_out = sd.default.device
        except Exception as exc:
            raise DeviceError(f"Could not list sound devices: {exc}") from exc
        key = "max_input_channels" if kind == "input" else "max_output_channels"
        default = default_in if kind == "input" else default_out
        out = []
        for i, d in enumerate(raw):
            if d[key] > 0:
                out.append(
                    DeviceInfo(
                        index=i,
                        name=str(d["name"]),
                        max_input_channels=int(d["max_input_channels"]),
                        max_output_channels=int(d["max_output_channels"]),
                        default_rate_hz=int(round(d["default_samplerate"])),
                        is_default=(i == default),
                    )
                )
        return out

    def list_input_devices(self) -> list[DeviceInfo]:
        return self._devices("input")

    def list_output_devices(self) -> list[DeviceInfo]:
        return self._devices("output")

    def default_input(self) -> DeviceInfo | None:
        devs = self._devices("input")
        return resolve_device(devs, None, "input") if devs else None

    def default_output(self) -> DeviceInfo | None:
        devs = self._devices("output")
        return resolve_device(devs, None, "output") if devs else None

    def open_input(
        self,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None = None,
    ) -> Stream:
        return self._open("input", device, rate_hz, channels, blocksize, callback, on_finished)

    def open_output(
        self,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None = None,
    ) -> Stream:
        return self._open("output", device, rate_hz, channels, blocksize, callback, on_finished)

    def _open(
        self,
        kind: str,
        device: str | int | None,
        rate_hz: int,
        channels: int,
        blocksize: int,
        callback: StreamCallback,
        on_finished: FinishedCallback | None,
    ) -> Stream:
        sd = _sd()
        info = resolve_device(self._devices(kind), device, kind)
        max_ch = info.max_input_channels if kind == "input" else info.max_output_channels
        channels = max(1, min(channels, max_ch))
        check = sd.check_input_settings if kind == "input" else sd.check_output_settings
        try:
            check(device=info.index, samplerate=rate_hz, channels=channels, dtype="float32")
        except Exception as exc:
            code, _ = _pa_code(exc)
            if code != _PA_INVALID_SAMPLE_RATE:
                raise _map_open_error(exc, kind, info.name) from exc
            # The WAV can be any rate (transcription resamples), so use what the device likes.
            log.info(
                "%s does not support %d Hz; using its default %d Hz",
                info.name,
                rate_hz,
                info.default_rate_hz,
            )
            rate_hz = info.default_rate_hz
        stream = _SdStream(kind, info.name, callback, on_finished)
        cls = sd.InputStream if kind == "input" else sd.OutputStream
        try:
            stream._raw = cls(
                device=info.index,
                samplerate=rate_hz,
                channels=channels,
                dtype="float32",
                blocksize=blocksize,
                callback=stream._cb,
                finished_callback=stream._done,
            )
        except Exception as exc:
            raise _map_open_error(exc, kind, info.name) from exc
        stream.rate_hz = int(round(stream._raw.samplerate))
        stream.channels = channels
        stream.blocksize = blocksize
        with _open_lock:
            _open_streams.add(stream)
        return stream

    def rescan(self) -> bool:
        """Look for plugged or unplugged devices (PortAudio lists them once, at start-up).

        PortAudio is restarted, which would close streams under their owners, so this does
        nothing and returns False while any stream opened here is still open.
        """
        sd = _sd()
        with _open_lock:
            if any(not s.closed for s in _open_streams):
                return False
            try:
                sd._terminate()
                sd._initialize()
            except Exception as exc:
                raise DeviceError(f"Could not look for sound devices again: {exc}") from exc
        return True


# Streams opened by SoundDeviceLayer and not yet closed (rescan must not pull PortAudio from
# under them). Weak: a stream dropped without close() is PortAudio's to clean up.
_open_streams: weakref.WeakSet[_SdStream] = weakref.WeakSet()
_open_lock = threading.Lock()


__all__ = [
    "CallbackStop",
    "DeviceBusyError",
    "DeviceInfo",
    "DeviceLayer",
    "DeviceLostError",
    "DeviceMissingError",
    "NoDeviceError",
    "STATUS_OK",
    "SoundDeviceLayer",
    "Stream",
    "StreamStatus",
    "resolve_device",
]
