"""Long files stream through the transcriber in blocks: right words, bounded pending audio."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.faults.helpers import RATE, BurstTranscriber, burst_speech, write_wav
from voicecoach.audio.cuts import CutSettings
from voicecoach.domain import ModelError, OperationCancelled
from voicecoach.pipeline import transcribe_file


@pytest.fixture(scope="module")
def long_take(tmp_path_factory):
    """About three minutes of word bursts (450 words) as a WAV, with the true word times."""
    x, spans = burst_speech(450)
    path = write_wav(tmp_path_factory.mktemp("long") / "long.wav", x)
    return path, spans, len(x) / RATE


def test_streamed_file_gives_every_word_in_order_with_pending_audio_bounded(long_take):
    """A long file is decoded in blocks and never runs more than the bound ahead of the model."""
    path, spans, duration_s = long_take
    fake = BurstTranscriber(delay_s=0.02)
    pending: list[float] = []
    seen: list[float] = []
    t = transcribe_file(
        path,
        fake,
        stream_above_s=60.0,
        block_s=2.0,
        max_pending_s=20.0,
        progress=seen.append,
        on_block=lambda s: pending.append(s.pending_s),
    )
    assert "file" not in fake.calls and len(fake.calls) >= 6  # streamed in stretches
    assert [w.text for w in t.words] == [f"w{i}" for i in range(len(spans))]
    for w, (a, b) in zip(t.words, spans, strict=True):
        assert abs(w.start_s - a) < 0.03 and abs(w.end_s - b) < 0.03
    assert t.duration_s == pytest.approx(duration_s, abs=0.01)
    # Bound: finished stretches waiting (at most the bound), the last block, and the stretch in
    # progress, which cannot be sent before its cut (at most one stretch long).
    assert max(pending) <= 20.0 + 2.0 + CutSettings().max_chunk_s
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_short_files_are_transcribed_whole(long_take):
    """Under the threshold the transcriber gets the file itself (one call, batch decoding)."""
    path, spans, _ = long_take
    fake = BurstTranscriber()
    t = transcribe_file(path, fake, stream_above_s=3600.0)
    assert fake.calls == ["file"] and len(t.words) == len(spans)


def test_cancel_stops_a_streamed_file_quickly(long_take):
    """Cancel while a long file streams: OperationCancelled, long before the end of the file."""
    path, spans, _ = long_take
    fake = BurstTranscriber(delay_s=0.2)
    cancel = threading.Event()
    blocks = []

    def on_block(_stream) -> None:
        blocks.append(1)
        if len(blocks) == 5:
            cancel.set()

    with pytest.raises(OperationCancelled):
        transcribe_file(
            path, fake, stream_above_s=60.0, block_s=2.0, cancel=cancel, on_block=on_block
        )
    assert len(blocks) <= 6
    assert fake.next < len(spans) / 2


def test_model_error_while_streaming_stops_decoding(long_take):
    """A model that fails on the first stretch ends the file at once with its own message."""
    path, _, duration_s = long_take
    fake = BurstTranscriber(error=ModelError("The speech model could not be loaded."))
    blocks: list[float] = []
    with pytest.raises(ModelError, match="could not be loaded"):
        transcribe_file(
            path,
            fake,
            stream_above_s=60.0,
            block_s=2.0,
            max_pending_s=10.0,
            on_block=lambda s: blocks.append(1),
        )
    assert len(blocks) * 2.0 < duration_s / 2


def test_iter_audio_blocks_matches_load_audio(long_take):
    """The block decoder gives the same samples as the whole-file decoder."""
    from voicecoach.audio.decode import iter_audio_blocks, load_audio

    path, _, _ = long_take
    blocks = list(iter_audio_blocks(path, RATE, 7.0))
    assert all(len(b) == 7 * RATE for b in blocks[:-1])
    np.testing.assert_array_equal(np.concatenate(blocks), load_audio(path))
