"""Recorder: callback -> queue -> writer thread -> WAV, driven through the fake device layer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.fakes.sound import FakeSoundLayer
from voicecoach.audio.devices import (
    DeviceBusyError,
    DeviceMissingError,
    NoDeviceError,
    StreamStatus,
)
from voicecoach.audio.recorder import Recorder, as_saved, repair_wav
from voicecoach.domain import AudioError
from voicecoach.settings import AudioSettings

RATE = 16000
REPO = Path(__file__).resolve().parents[2]


def speechlike(seconds: float, rate: int = RATE, seed: int = 1) -> np.ndarray:
    """A deterministic, non-periodic signal (tones + noise) so misplaced blocks show up."""
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(seed)
    x = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 3.7 * t * t * 100)
    return (x + 0.05 * rng.standard_normal(len(t))).astype(np.float32)


def read(path: Path) -> np.ndarray:
    data, rate = sf.read(path, dtype="float32")
    assert rate == RATE
    return data


def test_recording_matches_the_source_sample_for_sample(tmp_path: Path) -> None:
    """Every block reaches the file, in order, with nothing dropped or duplicated."""
    src = speechlike(2.0)
    layer = FakeSoundLayer(src, speed=0, at_end="hold")
    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings())
    rec.start()
    assert layer.wait_input_done()
    result = rec.stop()
    assert not result.interrupted and result.error is None
    assert result.frames == len(src)
    assert result.duration_s == pytest.approx(2.0)
    got = read(result.path)
    assert len(got) == len(src)
    np.testing.assert_allclose(got, src, atol=1.0 / 16384)  # PCM_16 quantisation


def test_file_is_valid_and_growing_while_recording(tmp_path: Path) -> None:
    """A strict WAV reader sees most of the take on disk before stop() (crash safety)."""
    path = tmp_path / "take.wav"
    layer = FakeSoundLayer(speechlike(6.0), speed=2, at_end="silence")
    rec = Recorder(layer, path, AudioSettings(), flush_every_s=0.25)
    rec.start()
    try:
        deadline = time.monotonic() + 10
        while rec.elapsed_s < 2.0 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # let one header update happen after 2 s (flush period 0.25 s)
        with wave.open(str(path)) as w:  # trusts the header sizes, unlike libsndfile
            on_disk_s = w.getnframes() / w.getframerate()
        assert rec.recording
    finally:
        result = rec.stop()
    assert on_disk_s >= 1.5
    assert result.duration_s >= on_disk_s


def test_level_meter_reports_the_latest_block(tmp_path: Path) -> None:
    """level() gives peak/RMS of the newest block and holds it when nothing new arrived."""
    t = np.arange(RATE) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    layer = FakeSoundLayer(
        np.concatenate([np.zeros(RATE, np.float32), tone]), speed=0, at_end="hold"
    )
    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings())
    assert rec.level().peak == 0.0  # nothing yet
    rec.start()
    assert layer.wait_input_done()
    lvl = rec.level()
    rec.stop()
    assert lvl.peak == pytest.approx(0.5, abs=0.01)
    assert lvl.rms == pytest.approx(0.5 / np.sqrt(2), abs=0.01)
    assert lvl.peak_dbfs == pytest.approx(-6.02, abs=0.2)
    assert rec.level() == lvl  # held, not reset, once the queue is empty


def test_unplug_keeps_what_was_recorded_and_reports_it(tmp_path: Path) -> None:
    """A device failing mid-take ends recording with interrupted=True and a usable file."""
    src = speechlike(3.0)
    layer = FakeSoundLayer(src, speed=10, unplug_after_s=1.0)
    errors: list[str] = []
    failed = threading.Event()
    rec = Recorder(
        layer,
        tmp_path / "take.wav",
        AudioSettings(),
        on_error=lambda m: (errors.append(m), failed.set()),
    )
    rec.start()
    assert failed.wait(10)
    assert not rec.recording
    result = rec.stop()
    assert result.interrupted
    assert "microphone" in (result.error or "")
    assert errors == [result.error]
    got = read(result.path)
    assert len(got) == RATE
    np.testing.assert_allclose(got, src[:RATE], atol=1.0 / 16384)


def test_device_that_goes_silent_is_reported_as_interrupted(tmp_path: Path) -> None:
    """A stream that stops calling back without an error is caught by the stall watchdog."""
    layer = FakeSoundLayer(speechlike(3.0), speed=10, unplug_after_s=0.5, unplug_mode="stall")
    failed = threading.Event()
    rec = Recorder(
        layer,
        tmp_path / "take.wav",
        AudioSettings(),
        on_error=lambda m: failed.set(),
        stall_timeout_s=0.4,
    )
    rec.start()
    assert failed.wait(10)
    result = rec.stop()
    assert result.interrupted and result.frames == RATE // 2
    assert sf.info(str(result.path)).frames == RATE // 2


@pytest.mark.parametrize(
    ("layer_kwargs", "device", "error"),
    [
        ({"inputs": []}, None, NoDeviceError),
        ({}, "USB Headset", DeviceMissingError),
        ({"busy": ("Fake Microphone",)}, None, DeviceBusyError),
    ],
)
def test_device_problems_raise_actionable_errors(
    tmp_path: Path, layer_kwargs: dict, device: str | None, error: type
) -> None:
    """No / missing / busy microphone raise the right DeviceError and leave no file behind."""
    layer = FakeSoundLayer(speechlike(1.0), **layer_kwargs)
    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings(input_device=device))
    with pytest.raises(error) as exc:
        rec.start()
    assert "Settings" in str(exc.value)
    assert not (tmp_path / "take.wav").exists()


def test_unsupported_rate_records_at_the_device_rate(tmp_path: Path) -> None:
    """A device that refuses 16 kHz is recorded at its own rate, and the file says so."""
    src = speechlike(1.0, rate=48000)
    layer = FakeSoundLayer(src, rate_hz=48000, speed=0, at_end="hold", supported_rates_hz=(48000,))
    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings(sample_rate_hz=16000))
    rec.start()
    layer.wait_input_done()
    result = rec.stop()
    assert result.rate_hz == 48000 and sf.info(str(result.path)).samplerate == 48000
    assert result.frames == 48000


def test_unwritable_path_raises_audio_error_before_recording(tmp_path: Path) -> None:
    """A take path that cannot be created fails at start() with AudioError, device released."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    layer = FakeSoundLayer(speechlike(1.0))
    rec = Recorder(layer, blocker / "take.wav", AudioSettings())
    with pytest.raises(AudioError):
        rec.start()
    assert layer.input_streams and not layer.input_streams[0].active


def test_write_error_mid_take_stops_cleanly(tmp_path: Path, monkeypatch) -> None:
    """An OSError from the writer ends the take with a message; earlier audio stays valid."""
    import voicecoach.audio.recorder as recorder_mod

    real = sf.SoundFile

    class FullDisk(real):  # type: ignore[misc, valid-type]
        writes = 0

        def write(self, data):  # noqa: ANN001
            FullDisk.writes += 1
            if FullDisk.writes > 10:
                raise OSError(28, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(recorder_mod.sf, "SoundFile", FullDisk)
    src = speechlike(2.0)
    layer = FakeSoundLayer(src, speed=0)
    failed = threading.Event()
    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings(), on_error=lambda m: failed.set())
    rec.start()
    assert failed.wait(10)
    result = rec.stop()
    assert result.interrupted and "No space left" in (result.error or "")
    n = 10 * int(RATE * 0.05)
    assert result.frames == n
    np.testing.assert_allclose(read(result.path), src[:n], atol=1.0 / 16384)


CHILD = r"""
import json, sys, time, resource, signal
from pathlib import Path
import numpy as np
from tests.fakes.sound import FakeSoundLayer
from voicecoach.audio.recorder import Recorder
from voicecoach.settings import AudioSettings
mode, path = sys.argv[1], Path(sys.argv[2])
rate = 16000
t = np.arange(rate * 30) / rate
src = (0.3 * np.sin(2 * np.pi * 220 * t) * np.sin(2 * np.pi * 0.7 * t)).astype(np.float32)
if mode == "fsize":  # a real "disk full": writes past 60 kB fail with EFBIG
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (60000, resource.RLIM_INFINITY))
layer = FakeSoundLayer(src, speed=1 if mode == "kill" else 0)
rec = Recorder(layer, path, AudioSettings())
rec.start()
if mode == "fsize":
    layer.wait_input_done()
    r = rec.stop()
    print(json.dumps({"frames": r.frames, "interrupted": r.interrupted, "error": r.error}))
    sys.exit(0)
while True:
    print(json.dumps({"elapsed_s": rec.elapsed_s}), flush=True)
    time.sleep(0.05)
"""


def source_prefix(n: int) -> np.ndarray:
    t = np.arange(n) / RATE
    return (0.3 * np.sin(2 * np.pi * 220 * t) * np.sin(2 * np.pi * 0.7 * t)).astype(np.float32)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_take_loses_at_most_a_second(tmp_path: Path) -> None:
    """A process killed while recording leaves a WAV that plays, and repair recovers the rest."""
    path = tmp_path / "take.wav"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "kill", str(path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    elapsed = 0.0
    for line in child.stdout:
        elapsed = json.loads(line)["elapsed_s"]
        if elapsed >= 2.5:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert elapsed >= 2.5
    # Strict readers (header sizes only) already see all but the last flush period.
    with wave.open(str(path)) as w:
        assert w.getnframes() >= (elapsed - 1.0) * RATE
    fixed = repair_wav(path)
    assert fixed.frames >= (elapsed - 0.25) * RATE
    with wave.open(str(path)) as w:
        assert w.getnframes() == fixed.frames
    got = read(path)
    np.testing.assert_allclose(got, source_prefix(len(got)), atol=1.0 / 16384)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_real_disk_full_error_stops_cleanly(tmp_path: Path) -> None:
    """libsndfile's own write failure (file size limit) ends the take with a valid file."""
    path = tmp_path / "take.wav"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, "fsize", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    assert r["interrupted"] and "disk may be full" in r["error"]
    assert 0 < r["frames"] <= (60000 - 44) // 2
    with wave.open(str(path)) as w:
        assert w.getnframes() == r["frames"]
    np.testing.assert_allclose(read(path), source_prefix(r["frames"]), atol=1.0 / 16384)


def test_repair_leaves_a_finished_wav_alone(tmp_path: Path) -> None:
    """repair_wav on a properly closed file (with a trailing chunk) changes nothing."""
    path = tmp_path / "ok.wav"
    sf.write(path, speechlike(0.5), RATE, subtype="PCM_16")
    with open(path, "ab") as fh:  # a LIST chunk after the data, as some tools write
        fh.write(b"LIST" + (4).to_bytes(4, "little") + b"INFO")
    riff_size = path.stat().st_size - 8
    with open(path, "r+b") as fh:
        fh.seek(4)
        fh.write(riff_size.to_bytes(4, "little"))
    before = path.read_bytes()
    fixed = repair_wav(path)
    assert not fixed.changed and fixed.frames == RATE // 2
    assert path.read_bytes() == before


def test_repair_rejects_non_wav(tmp_path: Path) -> None:
    """A file that is not a WAV gives AudioError, not a crash or a mangled file."""
    path = tmp_path / "x.wav"
    path.write_bytes(b"hello world, not audio")
    with pytest.raises(AudioError):
        repair_wav(path)
    assert path.read_bytes() == b"hello world, not audio"


def test_slow_tap_loses_nothing_and_does_not_slow_the_device(tmp_path: Path) -> None:
    """A consumer slower than real time gets every block; the callback is never held up."""
    src = speechlike(2.0)
    layer = FakeSoundLayer(src, speed=0, at_end="hold")
    seen: list[np.ndarray] = []

    def slow_tap(block: np.ndarray) -> None:
        time.sleep(0.01)
        seen.append(block)

    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings(), on_block=slow_tap)
    t0 = time.monotonic()
    rec.start()
    assert layer.wait_input_done()
    delivered_s = time.monotonic() - t0
    result = rec.stop()
    n_blocks = len(src) // int(RATE * 0.05)
    assert delivered_s < n_blocks * 0.01 / 2  # the device ran far ahead of the tap
    tapped = np.concatenate(seen)[:, 0]
    np.testing.assert_array_equal(tapped, as_saved(src))  # every block, as written to the file
    assert result.frames == len(src)


def test_overflow_flags_are_counted(tmp_path: Path) -> None:
    """Input overflows reported by the device show up in the result (audio lost upstream)."""
    layer = FakeSoundLayer(
        speechlike(1.0), speed=0, status_at={3: StreamStatus(input_overflow=True)}
    )
    rec = Recorder(layer, tmp_path / "take.wav", AudioSettings())
    rec.start()
    layer.wait_input_done()
    assert rec.stop().overflows == 1


# --- SoundDeviceLayer against a stand-in sounddevice module (no hardware here) ---------------


class _PortAudioError(Exception):
    pass


class _FakeSd:
    """Just enough of python-sounddevice's API to drive SoundDeviceLayer's own logic."""

    PortAudioError = _PortAudioError

    class CallbackStop(Exception):  # noqa: N818
        pass

    class CallbackAbort(Exception):  # noqa: N818
        pass

    def __init__(self, rates: tuple[int, ...] = (48000,), open_error: Exception | None = None):
        self.rates = rates
        self.open_error = open_error
        self.default = type("D", (), {"device": [0, 1]})()
        self.streams: list = []
        sd = self

        class Stream:
            def __init__(self, device, samplerate, channels, dtype, blocksize, callback, **kw):
                if sd.open_error is not None:
                    raise sd.open_error
                self.samplerate, self.channels = samplerate, channels
                self.callback, self.finished_callback = callback, kw["finished_callback"]
                self.active = False
                sd.streams.append(self)

            def start(self):
                self.active = True

            def stop(self):
                if self.active:
                    self.active = False
                    self.finished_callback()

            def close(self):
                self.stop()

            def die(self):  # what PortAudio does when the device vanishes
                self.active = False
                self.finished_callback()

        self.InputStream = self.OutputStream = Stream

    def query_devices(self):
        return [
            {"name": "Mic", "max_input_channels": 1, "max_output_channels": 0,
             "default_samplerate": 48000.0},
            {"name": "Speakers", "max_input_channels": 0, "max_output_channels": 2,
             "default_samplerate": 44100.0},
        ]  # fmt: skip

    def check_input_settings(self, device, samplerate, channels, dtype):
        if samplerate not in self.rates:
            raise _PortAudioError("Invalid sample rate", -9997)

    check_output_settings = check_input_settings


@pytest.fixture
def fake_sd(monkeypatch) -> _FakeSd:
    sd = _FakeSd()
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    return sd


def test_sounddevice_layer_falls_back_to_the_device_rate_and_channels(fake_sd) -> None:
    """16 kHz stereo on a 48 kHz mono mic opens at 48 kHz mono instead of failing."""
    from voicecoach.audio.devices import SoundDeviceLayer

    layer = SoundDeviceLayer()
    assert [d.name for d in layer.list_input_devices()] == ["Mic"]
    stream = layer.open_input(None, 16000, 2, 800, lambda *a: None)
    assert (stream.rate_hz, stream.channels) == (48000, 1)


def test_sounddevice_layer_reports_a_vanished_device(fake_sd) -> None:
    """A stream that ends without stop() carries DeviceLostError; a stopped one has no error."""
    from voicecoach.audio.devices import DeviceLostError, SoundDeviceLayer

    ended = threading.Event()
    stream = SoundDeviceLayer().open_input("Mic", 48000, 1, 800, lambda *a: None, ended.set)
    stream.start()
    fake_sd.streams[-1].die()
    assert ended.is_set() and stream.finished and isinstance(stream.error, DeviceLostError)
    ok = SoundDeviceLayer().open_input("Mic", 48000, 1, 800, lambda *a: None)
    ok.start()
    ok.stop()
    assert ok.finished and ok.error is None


def test_sounddevice_layer_translates_callback_stop(fake_sd) -> None:
    """Our CallbackStop becomes sounddevice's, so the last output block is still played."""
    from voicecoach.audio.devices import STATUS_OK, CallbackStop, SoundDeviceLayer

    def cb(out, frames, t, status):
        assert status == STATUS_OK
        raise CallbackStop

    SoundDeviceLayer().open_output(None, 48000, 2, 800, cb)
    with pytest.raises(_FakeSd.CallbackStop):
        fake_sd.streams[-1].callback(np.zeros((800, 2), np.float32), 800, None, 0)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_PortAudioError("Device unavailable", -9985), "DeviceBusyError"),
        (
            _PortAudioError("Host error", -9999, (0, -16, "Device or resource busy")),
            "DeviceBusyError",
        ),
        (_PortAudioError("Invalid device", -9996), "DeviceMissingError"),
    ],
)
def test_sounddevice_open_errors_map_by_error_code(fake_sd, error, kind) -> None:
    """PortAudio error codes (not message text) pick the DeviceError the user sees."""
    import voicecoach.audio.devices as devices

    fake_sd.open_error = error
    with pytest.raises(getattr(devices, kind)) as exc:
        devices.SoundDeviceLayer().open_input("Mic", 48000, 1, 800, lambda *a: None)
    assert '"Mic"' in str(exc.value)
    with pytest.raises(devices.DeviceMissingError):
        devices.SoundDeviceLayer().open_input("Webcam", 48000, 1, 800, lambda *a: None)


def test_missing_portaudio_is_a_device_error(monkeypatch) -> None:
    """Without PortAudio the layer raises DeviceError with a fix, never ImportError."""
    from voicecoach.audio.devices import SoundDeviceLayer
    from voicecoach.domain import DeviceError

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import now raises ImportError
    with pytest.raises(DeviceError, match="PortAudio"):
        SoundDeviceLayer().list_input_devices()


def test_tap_gets_exactly_what_the_file_holds(tmp_path):
    """The streaming tap hears the 16-bit samples on disk, so live and batch see the same audio."""
    import soundfile as sf

    from tests.fakes.sound import FakeSoundLayer
    from voicecoach.audio.recorder import Recorder, as_saved
    from voicecoach.settings import AudioSettings

    rng = np.random.default_rng(4)
    src = (rng.standard_normal(16000 * 3) * 0.4).astype(np.float32)
    got: list[np.ndarray] = []
    layer = FakeSoundLayer(source=src, rate_hz=16000, speed=0, at_end="hold")
    rec = Recorder(layer, tmp_path / "t.wav", AudioSettings(), on_block=got.append)
    rec.start()
    layer.wait_input_done()
    rec.stop()
    on_disk, _ = sf.read(tmp_path / "t.wav", dtype="float32")
    tapped = np.concatenate(got).reshape(-1)
    assert np.array_equal(tapped, on_disk)
    assert np.array_equal(as_saved(src), on_disk)
