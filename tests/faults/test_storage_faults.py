"""Disk full or an unwritable data folder: recording stops cleanly, nothing saved is damaged."""

from __future__ import annotations

import errno
import wave
from datetime import datetime

import numpy as np
import pytest
import soundfile as sf

from tests.fakes.sound import FakeSoundLayer
from tests.faults.helpers import RATE, SCRIPT, banner_text, burst_speech, click_record, write_wav


def test_disk_full_mid_take_stops_with_a_message_and_analyses_what_was_saved(
    make_session, qtbot, monkeypatch
):
    """ENOSPC after 3 s: banner says the disk may be full; the 3 s are intact and analysed."""
    import voicecoach.audio.recorder as recorder_mod

    real = sf.SoundFile

    class FullDisk(real):  # type: ignore[misc, valid-type]
        writes = 0

        def write(self, data):  # noqa: ANN001
            FullDisk.writes += 1
            if FullDisk.writes > 60:  # 60 blocks of 50 ms
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(recorder_mod.sf, "SoundFile", FullDisk)
    audio, spans = burst_speech(len(SCRIPT))
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
    session, window = make_session(layer=layer)
    session.choose_question("warmup-01", speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        click_record(qtbot, window)
    assert "disk may be full" in banner_text(window) and "kept" in banner_text(window)
    (take,) = session.history.list()
    assert take.status == "analysed" and take.duration_s == pytest.approx(3.0)
    with wave.open(str(take.audio_path)) as w:  # header sizes are right, no repair needed
        assert w.getnframes() == 3 * RATE
    saved, _ = sf.read(str(take.audio_path), dtype="float32")
    np.testing.assert_allclose(saved, audio[: len(saved)], atol=1.0 / 16384)
    heard = [w.text for w in session.report().transcript.words]
    assert heard == SCRIPT[: sum(a < 3.0 for a, _ in spans)]


def test_unwritable_recordings_folder_is_a_message_and_the_rest_works(
    make_session, qtbot, tmp_path
):
    """Recordings folder not writable: Record says so, no take is half-made, files still work."""
    session, window = make_session()
    session.choose_question("warmup-01", speak=False)
    # A plain file where today's recordings folder should be (chmod does not stop root).
    day = session.paths.recordings_dir / datetime.now().strftime("%Y-%m-%d")
    day.write_bytes(b"")
    click_record(qtbot, window)
    assert session.state == "idle"
    assert "cannot write to its folder" in banner_text(window)
    assert session.history.list() == []
    audio, _ = burst_speech(len(SCRIPT))
    wav = write_wav(tmp_path / "answer.wav", audio)
    with qtbot.waitSignal(session.reviewReady, timeout=5000):
        window.analyseFileRequested.emit(str(wav))
    assert [r.status for r in session.history.list()] == ["analysed"]
