"""Player and time-stretch, checked on what the fake output device actually received."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.fakes.sound import FakeSoundLayer
from voicecoach.audio.devices import NoDeviceError
from voicecoach.audio.player import Player
from voicecoach.audio.stretch import time_stretch
from voicecoach.domain import AudioError

RATE = 16000


def ramp(seconds: float) -> np.ndarray:
    """Every sample different, so any output sample tells where in the source it came from."""
    n = int(seconds * RATE)
    return (0.01 + 0.9 * np.arange(n) / n).astype(np.float32)


def tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def dominant_hz(x: np.ndarray, rate: int = RATE) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec) * rate / len(x))


def audible(x: np.ndarray) -> np.ndarray:
    """The output between the first and the last non-silent sample."""
    idx = np.flatnonzero(np.abs(x) > 1e-4)
    return x[idx[0] : idx[-1] + 1] if len(idx) else x[:0]


def play_to_end(player: Player, *args, **kwargs) -> None:
    done = threading.Event()
    player.on_finished = done.set
    player.play(*args, **kwargs)
    assert done.wait(20), "playback never finished"


def wait_for(cond, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "take.wav"
    sf.write(path, ramp(3.0), RATE, subtype="FLOAT")
    return path


def test_plays_exactly_the_requested_span(wav: Path) -> None:
    """play(start, end) sends the device that span of the file and nothing else."""
    layer = FakeSoundLayer(speed=0)
    player = Player(layer)
    assert player.load(wav) == pytest.approx(3.0)
    play_to_end(player, 1.0, 2.0)
    out = layer.played[:, 0]
    src = ramp(3.0)
    np.testing.assert_array_equal(out[:RATE], src[RATE : 2 * RATE])
    assert not np.any(out[RATE:])  # the last block is padded with silence
    assert player.position_s == pytest.approx(2.0)
    assert not player.playing


@pytest.mark.parametrize("speed", [0.75, 1.5])
def test_speed_scales_duration_and_keeps_pitch(tmp_path: Path, speed: float) -> None:
    """At 0.75x / 1.5x the span lasts 1/speed as long and a 440 Hz tone stays at 440 Hz."""
    path = tmp_path / "tone.wav"
    sf.write(path, tone(2.0), RATE, subtype="FLOAT")
    layer = FakeSoundLayer(speed=0)
    player = Player(layer)
    player.load(path)
    play_to_end(player, speed=speed)
    heard = audible(layer.played[:, 0])
    assert len(heard) / RATE == pytest.approx(2.0 / speed, abs=0.03)
    assert dominant_hz(heard) == pytest.approx(440.0, abs=3.0)
    # and it is a clean tone: no clicks or phasing at frame joins
    mid = heard[len(heard) // 4 : 3 * len(heard) // 4]
    power = np.convolve(mid**2, np.ones(400) / 400, mode="valid")
    assert power.min() > 0.95 * power.max()  # plain overlap-add without alignment: ~0.8


def test_time_stretch_length_and_pitch_in_stereo() -> None:
    """time_stretch itself: output length is n/speed, pitch kept, channels kept, 1x is a copy."""
    x = np.stack([tone(1.0, 300.0), tone(1.0, 300.0)], axis=1)
    y = time_stretch(x, RATE, 1.25)
    assert y.shape == (int(round(RATE / 1.25)), 2)
    assert dominant_hz(y[:, 0]) == pytest.approx(300.0, abs=3.0)
    np.testing.assert_array_equal(time_stretch(x, RATE, 1.0), x)


def test_position_tracks_the_audio_sent(wav: Path) -> None:
    """position_s is the original-audio time of the last sample sent, while playing and paused."""
    layer = FakeSoundLayer(speed=2)
    player = Player(layer)
    player.load(wav)
    player.play(0.5, 2.5)
    seen = []
    wait_for(lambda: (seen.append(player.position_s), player.position_s > 1.2)[1])
    player.pause()
    wait_for(lambda: len(layer.played) > 0)
    time.sleep(0.05)  # a few silent blocks go out while paused
    pos = player.position_s
    last = audible(layer.played[:, 0])[-1]
    src_index = int(np.argmin(np.abs(ramp(3.0) - last)))
    assert pos == pytest.approx((src_index + 1) / RATE, abs=1e-3)
    assert player.paused and not player.playing
    assert player.position_s == pos  # holds while paused
    assert seen == sorted(seen) and seen[0] < 0.7
    player.stop()
    assert player.position_s == pytest.approx(pos)


def test_position_at_speed_is_in_original_seconds(wav: Path) -> None:
    """At 1.5x, each output second advances position_s by 1.5 s of the take."""
    layer = FakeSoundLayer(speed=2)
    player = Player(layer)
    player.load(wav)
    player.play(0.0, 3.0, speed=1.5)
    stream = layer.output_streams[-1]
    wait_for(lambda: player.position_s > 1.0)
    player.pause()
    heard = len(audible(np.concatenate(stream.played)[:, 0]))
    assert player.position_s == pytest.approx(heard * 1.5 / RATE, abs=0.01)
    player.stop()


def test_seek_inside_the_span_jumps_there(wav: Path) -> None:
    """After pause + seek(t) + resume, the next sample heard is the one at t."""
    layer = FakeSoundLayer(speed=2)
    player = Player(layer)
    player.load(wav)
    player.play(0.0, 3.0)
    wait_for(lambda: player.position_s > 0.2)
    player.pause()
    player.seek(2.0)
    assert player.position_s == pytest.approx(2.0)
    stream = layer.output_streams[-1]
    n_before = len(stream.played)
    time.sleep(0.02)
    player.resume()
    wait_for(lambda: player.position_s > 2.1)
    player.stop()
    after = np.concatenate(stream.played[n_before:])[:, 0]
    first = after[np.flatnonzero(after)[0]]
    assert first == pytest.approx(ramp(3.0)[2 * RATE], abs=1e-6)


def test_seek_outside_the_span_restarts_from_there(wav: Path) -> None:
    """seek() past the playing section keeps playing from the new time to the file's end."""
    layer = FakeSoundLayer(speed=2)
    player = Player(layer)
    player.load(wav)
    player.play(0.0, 1.0)
    wait_for(lambda: player.position_s > 0.1)
    done = threading.Event()
    player.on_finished = done.set
    player.seek(2.5)
    assert done.wait(10)
    assert player.position_s == pytest.approx(3.0)
    np.testing.assert_array_equal(audible(layer.played[:, 0]), ramp(3.0)[int(2.5 * RATE) :])


def test_no_speaker_raises_device_error(wav: Path) -> None:
    """play() with no output device fails at once with an actionable DeviceError."""
    player = Player(FakeSoundLayer(outputs=[]))
    player.load(wav)
    with pytest.raises(NoDeviceError):
        player.play()
    assert not player.playing


def test_output_device_lost_mid_play_is_reported(wav: Path) -> None:
    """An output device failing during playback calls on_error and stops 'playing'."""
    layer = FakeSoundLayer(speed=0, unplug_after_s=0.5)
    errors: list[str] = []
    failed = threading.Event()
    player = Player(layer, on_error=lambda m: (errors.append(m), failed.set()))
    player.load(wav)
    player.play()
    assert failed.wait(10)
    assert "output device" in errors[0]
    assert not player.playing


def test_loading_a_non_audio_file_raises_audio_error(tmp_path: Path) -> None:
    """A corrupt or foreign file gives AudioError with the file name, not a crash."""
    path = tmp_path / "notes.wav"
    path.write_text("not audio")
    with pytest.raises(AudioError, match="notes.wav"):
        Player(FakeSoundLayer()).load(path)
