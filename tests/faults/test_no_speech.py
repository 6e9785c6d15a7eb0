"""Silence or noise only: "no speech found", never invented sections or hallucinated words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.sound import FakeSoundLayer
from tests.faults.helpers import RATE, BurstTranscriber, banner_text, click_record, write_wav

REPO = Path(__file__).resolve().parents[2]
NO_SPEECH = "No speech was found in this recording"


def silence(seconds: float = 8.0) -> np.ndarray:
    """A quiet room: -60 dBFS noise floor, nothing said."""
    rng = np.random.default_rng(11)
    return (rng.standard_normal(int(seconds * RATE)) * 0.001).astype(np.float32)


def white_noise(seconds: float = 8.0) -> np.ndarray:
    """Loud hiss (fan, wind on the microphone) at -20 dBFS RMS."""
    rng = np.random.default_rng(12)
    return np.clip(rng.standard_normal(int(seconds * RATE)) * 0.1, -1, 1).astype(np.float32)


@pytest.mark.e2e
def test_cli_silent_and_noise_recordings_say_no_speech(tmp_path):
    """`voicecoach analyze` (real model) on silence and on white noise: exit 1, 'No speech'."""
    files = {
        "silence": write_wav(tmp_path / "silence.wav", silence()),
        "digital-silence": write_wav(tmp_path / "zeros.wav", np.zeros(5 * RATE, np.float32)),
        "white-noise": write_wav(tmp_path / "noise.wav", white_noise()),
    }
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "voicecoach.cli", "analyze", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name, path in files.items()
    }
    for name, p in procs.items():
        out, err = p.communicate(timeout=300)
        assert p.returncode == 1, (name, out, err)
        assert out == "" and "Traceback" not in err, name
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"voicecoach: {NO_SPEECH}"), (name, err)


def _record(make_session, qtbot, audio, transcriber):
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
    session, window = make_session(layer=layer, transcriber=transcriber)
    session.choose_question("warmup-01", speak=False)
    errors: list[str] = []
    session.errorOccurred.connect(errors.append)
    click_record(qtbot, window)
    assert layer.wait_input_done(10)
    click_record(qtbot, window)
    qtbot.waitUntil(lambda: session.state == "idle" and bool(errors), timeout=60000)
    return session, window, errors


def test_silent_take_in_the_app_says_no_speech_and_keeps_the_audio(make_session, qtbot):
    """A silent take: the banner says no speech was found; no review is invented; audio kept."""
    session, window, errors = _record(make_session, qtbot, silence(), BurstTranscriber())
    assert NO_SPEECH in errors[-1] and NO_SPEECH in banner_text(window)
    assert session.report() is None and window.current_page() != "review"
    (take,) = session.history.list()
    assert take.report_json is None and take.audio_path.stat().st_size > 8 * RATE * 2


@pytest.mark.e2e
@pytest.mark.parametrize("audio", [silence(), white_noise()], ids=["silence", "white-noise"])
def test_real_model_in_the_app_finds_no_speech_in_silence_or_noise(make_session, qtbot, audio):
    """Through the real model (streamed while recording): no words, the 'no speech' banner."""
    from voicecoach.speech.transcriber import WhisperTranscriber

    session, window, errors = _record(make_session, qtbot, audio, WhisperTranscriber())
    assert NO_SPEECH in errors[-1] and NO_SPEECH in banner_text(window)
    assert session.report() is None
