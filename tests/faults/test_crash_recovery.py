"""The app killed mid-recording: the take is found on the next start, offered, and analysed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtWidgets import QPushButton

from tests.faults.helpers import RATE, BurstTranscriber
from voicecoach.store.history import History
from voicecoach.store.paths import AppPaths

REPO = Path(__file__).resolve().parents[2]

# The real recording path, as Session.start_recording runs it: row first, then the recorder.
CHILD = r"""
import json, sys, time
from pathlib import Path
from tests.fakes.sound import FakeSoundLayer
from voicecoach.audio.recorder import Recorder
from voicecoach.settings import AudioSettings
from voicecoach.store.history import History
from voicecoach.store.paths import AppPaths
root, source = Path(sys.argv[1]), sys.argv[2]
paths = AppPaths.at(root).ensure()
history = History(paths.db_path)
path = paths.new_take_path("warmup-01")
take = history.start_take("warmup-01", "core_senior", "Walk me through your CV.", path)
layer = FakeSoundLayer(source, speed=1.0)  # real time, like a microphone
rec = Recorder(layer, path, AudioSettings())
rec.start()
while True:
    print(json.dumps({"take": take, "path": str(path), "elapsed_s": rec.elapsed_s}), flush=True)
    time.sleep(0.05)
"""


@pytest.fixture(scope="module")
def speech_wav() -> Path:
    from tests.fixtures.synth import synthesize

    return synthesize(REPO / "tests/fixtures/answers/short-01.toml").wav_path


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkilled_recording_is_offered_back_and_analysed(
    make_session, qtbot, tmp_path, speech_wav
):
    """SIGKILL while recording speech: next start offers the take, at most 1 s is lost."""
    root = tmp_path / "data"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(speech_wav)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    state: dict = {}
    for line in child.stdout:
        state = json.loads(line)
        if state["elapsed_s"] >= 3.0:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    elapsed = state["elapsed_s"]
    assert elapsed >= 3.0

    # Even before repair, a strict reader plays all but the last header update (0.5 s).
    path = Path(state["path"])
    with wave.open(str(path)) as w:
        assert w.getnframes() >= (elapsed - 1.0) * RATE

    paths = AppPaths.at(root).ensure()
    history = History(paths.db_path)
    session, window = make_session(paths=paths, history=history, transcriber=BurstTranscriber())
    with qtbot.waitSignal(session.unfinishedFound, timeout=3000) as offered:
        session.start()
    (record,) = offered.args[0]
    assert record.id == state["take"] and record.status == "recording"
    assert not window.recovery_banner.isHidden()
    action = window.recovery_banner.findChild(QPushButton, "recoveryBannerAction")
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        action.click()  # "Analyse now"

    take = session.history.get(record.id)
    assert take.status == "analysed"
    assert take.duration_s >= elapsed - 1.0
    with wave.open(str(path)) as w:
        frames = w.getnframes()
    info = sf.info(str(path))
    assert info.frames == frames and frames >= (elapsed - 1.0) * RATE
    got, _ = sf.read(str(path), dtype="float32")
    src, _ = sf.read(str(speech_wav), dtype="float32")
    np.testing.assert_array_equal(got, src[: len(got)])  # what was kept is exactly what was said
    assert len(session.report().transcript.words) > 3
    assert session.report().duration_s == pytest.approx(frames / RATE, abs=0.01)
