"""load_audio: every common format, rate and channel count to 16 kHz mono; clear errors."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from voicecoach.audio.decode import audio_duration_s, load_audio
from voicecoach.domain import AudioError

FORMATS = [
    ("wav", "WAV", "PCM_16"),
    ("wav", "WAV", "FLOAT"),
    ("flac", "FLAC", "PCM_24"),
    ("ogg", "OGG", "VORBIS"),
    ("mp3", "MP3", "MPEG_LAYER_III"),
]


def _tone(rate: int, seconds: float, channels: int, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    x = (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    return np.stack([x] * channels, axis=1) if channels > 1 else x


def _dominant_hz(x: np.ndarray, rate: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec) * rate / len(x))


@pytest.mark.parametrize("ext,fmt,subtype", FORMATS)
@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
@pytest.mark.parametrize("channels", [1, 2])
def test_formats_rates_channels(tmp_path, ext, fmt, subtype, rate, channels):
    """Every format/rate/channel count comes out 16 kHz mono float32, same length and pitch."""
    p = tmp_path / f"tone.{ext}"
    sf.write(p, _tone(rate, 1.5, channels), rate, format=fmt, subtype=subtype)
    y = load_audio(p)
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(len(y) - 24000) <= 160  # 10 ms of codec padding at most
    assert np.abs(y).max() <= 1.0
    assert 0.4 < np.abs(y[2000:-2000]).max() < 0.6  # level kept (lossy codecs ring a bit)
    assert abs(_dominant_hz(y, 16000) - 440) < 5
    assert audio_duration_s(p) == pytest.approx(1.5, abs=0.02)


def test_resampling_keeps_timing_and_rejects_aliases(tmp_path):
    """An impulse stays at its time, and a 10 kHz tone (above 8 kHz Nyquist) is filtered out."""
    x = np.zeros(44100 * 2, np.float32)
    x[44100] = 0.9
    sf.write(tmp_path / "imp.wav", x, 44100)
    y = load_audio(tmp_path / "imp.wav")
    assert abs(int(np.argmax(np.abs(y))) - 16000) <= 2
    sf.write(tmp_path / "hi.wav", _tone(44100, 1.0, 1, hz=10000), 44100)
    assert np.sqrt(np.mean(load_audio(tmp_path / "hi.wav") ** 2)) < 0.01


def test_other_rate_requested(tmp_path):
    """rate_hz is honoured (the player or tests may want another rate)."""
    sf.write(tmp_path / "a.wav", _tone(16000, 1.0, 1), 16000)
    assert len(load_audio(tmp_path / "a.wav", rate_hz=8000)) == 8000


def test_out_of_range_float_is_clipped(tmp_path):
    """Float WAVs beyond full scale or holding NaN come back finite and within [-1, 1]."""
    x = _tone(16000, 0.5, 1) * 4
    x[100] = np.nan
    sf.write(tmp_path / "loud.wav", x, 16000, subtype="FLOAT")
    y = load_audio(tmp_path / "loud.wav")
    assert np.isfinite(y).all() and np.abs(y).max() <= 1.0


def test_ffmpeg_fallback_reads_m4a(tmp_path):
    """Files libsndfile cannot open (AAC in M4A) are decoded through PyAV."""
    p = tmp_path / "a.m4a"
    with av.open(str(p), "w") as c:
        s = c.add_stream("aac", rate=44100)
        s.layout = "stereo"
        w = _tone(44100, 2.0, 1, hz=300)
        frame = av.AudioFrame.from_ndarray(np.stack([w, w]), format="fltp", layout="stereo")
        frame.sample_rate = 44100
        for pkt in [*s.encode(frame), *s.encode(None)]:
            c.mux(pkt)
    y = load_audio(p)
    assert abs(len(y) - 32000) < 1600
    assert abs(_dominant_hz(y, 16000) - 300) < 5
    assert audio_duration_s(p) == pytest.approx(2.0, abs=0.1)


# --- errors ------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    """A missing file names the path and says what to do."""
    with pytest.raises(AudioError, match="not found.*nope.wav"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="not found"):
        audio_duration_s(tmp_path / "nope.wav")


def test_folder(tmp_path):
    """A folder is refused with a plain message, not an IsADirectoryError."""
    with pytest.raises(AudioError, match="folder"):
        load_audio(tmp_path)


def test_zero_byte_file(tmp_path):
    """An empty file says it is empty."""
    (tmp_path / "e.wav").write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        load_audio(tmp_path / "e.wav")


@pytest.mark.parametrize("ext", ["wav", "mp3"])
def test_not_audio(tmp_path, ext):
    """Text or random bytes with an audio extension are reported as unreadable."""
    (tmp_path / f"t.{ext}").write_text("this is a shopping list\n" * 40)
    with pytest.raises(AudioError, match="not an audio file"):
        load_audio(tmp_path / f"t.{ext}")
    (tmp_path / f"r.{ext}").write_bytes(np.random.default_rng(0).bytes(4000))
    with pytest.raises(AudioError, match="not an audio file"):
        load_audio(tmp_path / f"r.{ext}")


def test_header_but_no_samples(tmp_path):
    """A valid WAV header with zero frames is 'no audio samples', not an empty array."""
    sf.write(tmp_path / "z.wav", np.zeros(0, np.float32), 16000)
    with pytest.raises(AudioError, match="no audio samples"):
        load_audio(tmp_path / "z.wav")


def _signal() -> np.ndarray:
    # A slow ramp so a reader that repeats data past the cut would show up as too long.
    n = 16000 * 6
    return (np.linspace(0.05, 0.8, n) * np.sin(np.arange(n) * 0.2)).astype(np.float32)


@pytest.mark.parametrize("ext", ["wav", "flac", "mp3"])
def test_truncated_file_gives_the_part_before_the_cut(tmp_path, ext):
    """A file cut in half (crash, partial copy) decodes to about half, never padded or looped."""
    full = tmp_path / f"full.{ext}"
    sf.write(full, _signal(), 16000)
    data = full.read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(data[: len(data) // 2])
    y = load_audio(cut)
    assert 2.0 < len(y) / 16000 < 3.6


def test_corrupt_middle_skips_damage(tmp_path):
    """Garbage in the middle of a FLAC loses only the damaged part."""
    p = tmp_path / "c.flac"
    sf.write(p, _signal(), 16000)
    data = bytearray(p.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 1500] = b"\x55" * 1500
    p.write_bytes(bytes(data))
    assert len(load_audio(p)) / 16000 > 4.0


def test_header_only(tmp_path):
    """A file holding only the first bytes of a FLAC is unreadable, with a clear message."""
    p = tmp_path / "h.flac"
    sf.write(p, _signal(), 16000)
    p.write_bytes(p.read_bytes()[:60])
    with pytest.raises(AudioError, match="damaged"):
        load_audio(p)


def test_duration_is_cheap_header_read(tmp_path):
    """audio_duration_s reads the header: right for a long file without decoding it."""
    p = Path(tmp_path / "long.flac")
    with sf.SoundFile(p, "w", 8000, 1, "PCM_16") as f:
        f.write(np.zeros(8000 * 600, np.float32))
    assert audio_duration_s(p) == pytest.approx(600.0)
