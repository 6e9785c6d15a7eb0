"""Any audio file -> mono float32 samples in [-1, 1] at the rate the recogniser wants.

soundfile (libsndfile 1.2: WAV, FLAC, OGG/Vorbis/Opus, MP3, AIFF ...) reads first; PyAV (FFmpeg,
already needed by faster-whisper) reads whatever libsndfile cannot (M4A/AAC, WebM, WMA ...).
Both paths stream: the file is read in blocks of a few seconds, each block is mixed down to mono
and pushed through one stateful FFmpeg resampler (swresample, a windowed-sinc filter), and the
output goes straight into one preallocated array. Peak memory is the output plus one block, so a
one-hour take needs ~230 MB at 16 kHz, not several copies of it. `iter_audio_blocks` hands the
blocks out instead, for files too long to hold at once (see voicecoach/pipeline.py).

A file that breaks off part-way (a crash while recording, a truncated download) is decoded up to
the break and a warning is logged; only a file with nothing decodable is an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import soundfile as sf

from voicecoach.domain import AudioError

log = logging.getLogger(__name__)

BLOCK_FRAMES = 1 << 17  # ~3 s at 44.1 kHz: big enough to be fast, small enough to be cheap


def load_audio(path: Path, rate_hz: int = 16000) -> np.ndarray:
    """Decode `path` to mono float32 at `rate_hz`. Raises AudioError with a message to act on."""
    path = Path(path)
    _check_file(path)
    partial: np.ndarray | None = None
    info = _sf_info(path)
    if info is not None:
        # libsndfile's MP3 reader repeats its last buffer to the header's length when a file
        # is cut short, so MP3 goes to FFmpeg, which stops where the data stops.
        if info.format != "MP3":
            out, complete = _decode_with_soundfile(path, rate_hz, info.frames, info.samplerate)
            if complete and out.size:
                return out
            partial = out  # damaged or apparently empty: see whether FFmpeg gets further
    try:
        out = _decode_with_av(path, rate_hz)
    except AudioError:
        if partial is None or partial.size == 0:
            raise
        out = partial
    else:
        if partial is not None and partial.size > out.size:
            out = partial
    if out.size == 0:
        raise AudioError(f"{path.name} holds no audio samples. Record the answer again.")
    return out


def iter_audio_blocks(
    path: Path, rate_hz: int = 16000, block_s: float = 10.0
) -> Iterator[np.ndarray]:
    """Decode `path` as mono float32 blocks of about `block_s` seconds at `rate_hz`.

    For files too long to hold at once: memory is one block, whatever the length. The blocks
    joined are what `load_audio` returns, except that a file damaged part-way simply ends at the
    damage (no second attempt with FFmpeg once blocks have been handed out). Raises AudioError,
    before the first block, when nothing can be decoded.
    """
    path = Path(path)
    _check_file(path)
    block_n = max(1, int(block_s * rate_hz))
    out = _Blocks(block_n)
    n_out = 0
    info = _sf_info(path)
    if info is not None and info.format != "MP3":  # MP3: see load_audio
        resampler = Resampler(info.samplerate, rate_hz)
        src_block = max(1, int(block_s * info.samplerate))
        try:
            with sf.SoundFile(str(path)) as f:
                for block in f.blocks(blocksize=src_block, dtype="float32", always_2d=True):
                    for b in out.add(resampler.push(_mono(block))):
                        n_out += len(b)
                        yield b
        except (sf.LibsndfileError, RuntimeError) as exc:
            log.warning("%s is damaged after %.1f s: %s", path, n_out / rate_hz, exc)
        for b in out.add(resampler.flush()):
            n_out += len(b)
            yield b
        tail = out.rest()
        if tail is not None:
            n_out += len(tail)
            yield tail
        if n_out:
            return
        # Apparently empty or damaged from the start: see whether FFmpeg reads it.
    for b in _iter_with_av(path, rate_hz, out):
        n_out += len(b)
        yield b
    if n_out == 0:
        raise AudioError(f"{path.name} holds no audio samples. Record the answer again.")


def audio_duration_s(path: Path) -> float:
    """Length in seconds from the file header (no decoding). Raises AudioError."""
    path = Path(path)
    _check_file(path)
    info = _sf_info(path)
    if info is not None:
        return float(info.duration)
    try:
        with av.open(str(path)) as container:
            stream = _audio_stream(container, path)
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / av.time_base
    except av.FFmpegError as exc:
        raise _unreadable(path, exc) from exc
    # No length in the header (some raw streams): the only way left is to decode.
    return len(load_audio(path)) / 16000


# --- checks and messages -------------------------------------------------------------------


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioError(f"Audio file not found: {path}. Check the path or record a new take.")
    if path.is_dir():
        raise AudioError(f"{path} is a folder, not an audio file.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioError(f"Cannot read {path}: {exc.strerror}.") from exc
    if size == 0:
        raise AudioError(f"{path.name} is empty (0 bytes). Record the answer again.")


def _unreadable(path: Path, exc: Exception) -> AudioError:
    log.info("Cannot decode %s: %s", path, exc)
    return AudioError(
        f"{path.name} is not an audio file VoiceCoach can read, or it is damaged. "
        "Use WAV, FLAC, OGG, MP3 or M4A."
    )


# --- soundfile path ------------------------------------------------------------------------

# Containers handed to libsndfile. Anything else goes straight to FFmpeg: libsndfile's fallback
# probe runs its MP3 decoder on unknown bytes, which prints "Illegal Audio-MPEG-Header" notes on
# the process's stderr (no way to turn them off), and MP3 goes to FFmpeg anyway (see load_audio).
_SF_MAGIC = (b"RIFF", b"RIFX", b"RF64", b"fLaC", b"OggS", b"FORM", b".snd", b"caff", b"riff")


def _sf_info(path: Path) -> Any | None:
    """soundfile's header info when libsndfile should read this file, else None."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise AudioError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if magic not in _SF_MAGIC:
        return None
    try:
        return sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        log.debug("soundfile cannot read %s (%s); trying FFmpeg", path, exc)
        return None


def _decode_with_soundfile(
    path: Path, rate_hz: int, frames: int, src_hz: int
) -> tuple[np.ndarray, bool]:
    """Samples and whether the whole file decoded (False: it broke off part-way)."""
    sink = _Sink(frames * rate_hz // src_hz + rate_hz)  # + 1 s of slack for resampler rounding
    resampler = Resampler(src_hz, rate_hz)
    complete = True
    try:
        with sf.SoundFile(str(path)) as f:
            for block in f.blocks(blocksize=BLOCK_FRAMES, dtype="float32", always_2d=True):
                sink.add(resampler.push(_mono(block)))
    except (sf.LibsndfileError, RuntimeError) as exc:
        log.warning("%s is damaged after %.1f s: %s", path, sink.n / rate_hz, exc)
        complete = False
    sink.add(resampler.flush())
    return sink.result(), complete


def to_mono(block: np.ndarray) -> np.ndarray:
    """Frames x channels (or mono) float samples -> mono float32, as files are mixed down.

    The streaming transcriber mixes live blocks with this and resamples them with `Resampler`,
    so a recording transcribed while it is made hears exactly what its file gives afterwards.
    """
    x = np.asarray(block, dtype=np.float32)
    return _mono(x.reshape(-1, 1) if x.ndim == 1 else x)


def _mono(block: np.ndarray) -> np.ndarray:
    x = block.mean(axis=1, dtype=np.float32) if block.shape[1] > 1 else block[:, 0]
    # Float files can hold NaN/inf or values past full scale; the model expects [-1, 1].
    if not np.isfinite(x).all():
        x = np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0)
    return x


# --- PyAV path -----------------------------------------------------------------------------


def _audio_stream(container: av.container.InputContainer, path: Path) -> av.AudioStream:
    if not container.streams.audio:
        raise AudioError(f"{path.name} has no audio track.")
    return container.streams.audio[0]


def _open_av(path: Path, rate_hz: int) -> tuple[Any, Any, int | None]:
    """The open container, its audio stream and the expected sample count (if known)."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from exc
    try:
        stream = _audio_stream(container, path)
    except AudioError:
        container.close()
        raise
    expected = None
    if stream.duration is not None and stream.time_base is not None:
        expected = int(stream.duration * stream.time_base * rate_hz) + rate_hz
    return container, stream, expected


def _av_mono(container: Any, stream: Any, path: Path, rate_hz: int) -> Iterator[np.ndarray]:
    """Mono float32 blocks as FFmpeg decodes them, at `rate_hz`.

    A damaged packet is skipped (it costs a few ms); damage that stops the demuxer ends the
    audio there with a warning, or is an AudioError when nothing was decoded before it.
    """
    # Keep the channels through the resampler and average them here: FFmpeg's own
    # stereo->mono matrix adds them at -3 dB, which would make stereo files louder.
    resampler = av.AudioResampler(format="flt", rate=rate_hz)
    n = bad = 0
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError as exc:
                bad += 1
                log.debug("Skipping undecodable packet in %s: %s", path, exc)
                continue
            for frame in frames:
                for out in resampler.resample(frame):
                    block = _packed_to_mono(out)
                    n += len(block)
                    yield block
    except av.FFmpegError as exc:
        if n == 0:
            raise _unreadable(path, exc) from exc
        log.warning("%s is damaged after %.1f s: %s", path, n / rate_hz, exc)
    if bad:
        log.warning("%s: skipped %d damaged packets", path, bad)
    for out in resampler.resample(None):
        yield _packed_to_mono(out)


def _decode_with_av(path: Path, rate_hz: int) -> np.ndarray:
    container, stream, expected = _open_av(path, rate_hz)
    with container:
        sink = _Sink(expected)
        for block in _av_mono(container, stream, path, rate_hz):
            sink.add(block)
    return sink.result()


def _iter_with_av(path: Path, rate_hz: int, out: _Blocks) -> Iterator[np.ndarray]:
    """The streaming twin of `_decode_with_av`: the same decoding, regrouped into blocks."""
    container, stream, _expected = _open_av(path, rate_hz)
    with container:
        for block in _av_mono(container, stream, path, rate_hz):
            yield from out.add([block])
    tail = out.rest()
    if tail is not None:
        yield tail


def _packed_to_mono(frame: av.AudioFrame) -> np.ndarray:
    channels = len(frame.layout.channels)
    return _mono(frame.to_ndarray().reshape(-1, channels))


# --- shared pieces -------------------------------------------------------------------------


class Resampler:
    """Stateful mono float32 resampler (FFmpeg swresample); a pass-through at equal rates.

    Its output does not depend on how the input is cut into blocks (tests/audio), so files and
    live streams resampled with it give the same samples.
    """

    def __init__(self, src_hz: int, dst_hz: int) -> None:
        self._src_hz = src_hz
        self._r = (
            None
            if src_hz == dst_hz
            else av.AudioResampler(format="flt", layout="mono", rate=dst_hz)
        )

    def push(self, x: np.ndarray) -> list[np.ndarray]:
        if self._r is None:
            return [x]
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(x)[None, :], format="flt", layout="mono"
        )
        frame.sample_rate = self._src_hz
        return [f.to_ndarray()[0] for f in self._r.resample(frame)]

    def flush(self) -> list[np.ndarray]:
        return [] if self._r is None else [f.to_ndarray()[0] for f in self._r.resample(None)]


_Resampler = Resampler  # the older private name


class _Sink:
    """Collects output blocks in one growing array (preallocated when the length is known)."""

    def __init__(self, expected: int | None) -> None:
        self._buf = np.empty(max(expected or 0, 0) or 16000 * 60, dtype=np.float32)
        self.n = 0

    def add(self, blocks: list[np.ndarray] | np.ndarray) -> None:
        for b in [blocks] if isinstance(blocks, np.ndarray) else blocks:
            end = self.n + len(b)
            if end > len(self._buf):
                # Header lied or was missing: grow geometrically (rare; amortised O(n)).
                self._buf.resize(max(end, int(len(self._buf) * 1.5)), refcheck=False)
            np.clip(b, -1.0, 1.0, out=self._buf[self.n : end])
            self.n = end

    def result(self) -> np.ndarray:
        # resize in place trims without a second full-length copy
        self._buf.resize(self.n, refcheck=False)
        return self._buf


class _Blocks:
    """Regroups decoder output of any size into clipped blocks of `n` samples."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._parts: list[np.ndarray] = []
        self.held = 0

    def add(self, blocks: list[np.ndarray]) -> Iterator[np.ndarray]:
        for b in blocks:
            if len(b):
                self._parts.append(b)
                self.held += len(b)
        while self.held >= self._n:
            data = np.concatenate(self._parts) if len(self._parts) > 1 else self._parts[0]
            head, rest = data[: self._n], data[self._n :]
            self._parts = [rest] if len(rest) else []
            self.held = len(rest)
            yield np.clip(head, -1.0, 1.0).astype(np.float32, copy=False)

    def rest(self) -> np.ndarray | None:
        """Whatever is left (shorter than a block), or None."""
        if not self.held:
            return None
        data = np.concatenate(self._parts)
        self._parts, self.held = [], 0
        return np.clip(data, -1.0, 1.0).astype(np.float32, copy=False)
