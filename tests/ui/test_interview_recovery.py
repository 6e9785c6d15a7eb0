"""A process killed in the middle of an interview answer, and the run recovered on restart:
the answers given before are kept, the answer in progress is analysed from the audio written
while recording, and the run goes on from the next question."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtWidgets import QPushButton  # noqa: E402

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.faults.helpers import RATE, SCRIPT, BurstTranscriber, burst_speech  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
QUIET_S = 1.5


def answer_audio() -> np.ndarray:
    speech, _ = burst_speech(16)
    rng = np.random.default_rng(11)
    quiet = (rng.standard_normal(int(QUIET_S * RATE)) * 0.001).astype(np.float32)
    return np.concatenate([quiet, speech])


def make_app(data_dir: Path, speed: float):
    """A session on the real window and store; fake microphone, speaker and transcriber."""
    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.audio.player import Player
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow

    paths = AppPaths.at(data_dir).ensure()
    layer = FakeSoundLayer(source=answer_audio(), rate_hz=RATE, speed=speed, at_end="silence")
    s = Settings()
    s = replace(s, interview=replace(s.interview, silence_stop_s=1.0))
    speaker = FakeSpeaker()
    session = Session(
        s,
        paths,
        History(paths.db_path),
        layer,
        speaker,
        BurstTranscriber(SCRIPT),
        SyncTaskRunner(),
        load_packs(),
        player=Player(layer),
    )
    window = MainWindow()
    wire(session, window)
    window.show()
    return session, window, speaker


# The child: starts a 3-question interview with follow-ups, answers question 1 and its
# follow-up, and says RECORDING once question 2's answer is well under way; then it is killed.
CHILD = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tests.ui.test_interview_recovery import make_app
session, window, speaker = make_app(__import__("pathlib").Path(sys.argv[1]), speed=2)
session.start()
run = session.interview
steps = []
run.stepChanged.connect(steps.append)
run.start("core_senior", [], 3, True)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    app.processEvents()
    d = run.taker._detector
    if steps and steps[-1].position == 1 and steps[-1].kind == "answer" and d is not None \\
            and d.onset_s is not None and d.heard_s > 4.0:
        print("RECORDING", run.run_id(), flush=True)
        break
    time.sleep(0.01)
while True:  # keep recording until killed
    app.processEvents()
    time.sleep(0.01)
"""


def test_killed_mid_answer_the_run_is_recovered_on_restart(qtbot, qapp, tmp_path):
    """Protects crash recovery of a run: nothing before the answer in progress is lost, that
    answer is recovered from its audio, and the run resumes at its follow-up."""
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("RECORDING"), child.stderr.read()[-3000:]
        run_id = int(line.split()[1])
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)

    session, window, speaker = make_app(data, speed=8)
    qtbot.addWidget(window)
    try:
        found = []
        session.interviews.interruptedFound.connect(found.append)
        session.start()
        assert [r.record.id for r in found[0]] == [run_id]
        before = session.interviews.store.get(run_id)
        assert [(t.position, t.kind, t.take.status) for t in before.takes] == [
            (0, "answer", "analysed"),
            (0, "follow_up", "analysed"),
            (1, "answer", "recording"),  # the answer in progress when the process died
        ]
        in_progress = before.takes[2].take.id
        # its takes are the run's: not offered as loose takes
        assert window.recovery_banner.isHidden()
        assert not window.interview_banner.isHidden()

        resume = next(
            b
            for b in window.interview_banner.findChildren(QPushButton)
            if b.text() == "Resume the interview"
        )
        with qtbot.waitSignal(session.interview.summaryReady, timeout=120000) as done:
            resume.click()
        summary, got_id = done.args
        assert got_id == run_id
        after = session.interviews.store.get(run_id)
        assert after.record.status == "finished"
        kept = {(t.position, t.kind): t.take.id for t in before.takes}
        rows = summary.rows
        assert rows[0].figures.take_id == kept[(0, "answer")]
        assert rows[0].follow_up.figures.take_id == kept[(0, "follow_up")]
        # the interrupted answer was analysed from what was written before the kill
        assert rows[1].figures is not None and rows[1].figures.take_id == in_progress
        assert session.history.get(in_progress).report_json is not None
        # and the run went on from that answer's follow-up, not from the start
        plan = after.record.plan["items"]
        assert speaker.said[0] == plan[1]["follow_up"]
        assert [r.figures is not None for r in rows] == [True, True, True]
        assert [r.follow_up.figures is not None for r in rows] == [True, True, True]
    finally:
        session.shutdown()
        session.history.close()
        window.close()


@pytest.fixture(autouse=True)
def _light_theme(qapp):
    from voicecoach.ui.style import apply_theme

    apply_theme(qapp, "light")
