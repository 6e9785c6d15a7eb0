"""Pause, resume and end-early of an interview run at each stage of a turn (InterviewController
with InterviewTurn), through the real session, recorder and store with the fake microphone,
speaker and transcriber. The speaker holds each prompt until the test lets it finish."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
from dataclasses import replace  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.faults.helpers import RATE, SCRIPT, BurstTranscriber, burst_speech  # noqa: E402


class HeldRunner(SyncTaskRunner):
    """Runs work at once, except analysis while `hold` is set: that waits for `release()`."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self._held: list[tuple] = []

    def submit(self, fn, *args, on_done, on_progress=None, pool="default"):
        if self.hold and pool == "model":
            self._held.append((fn, args, on_done, on_progress, pool))
            return None
        return super().submit(fn, *args, on_done=on_done, on_progress=on_progress, pool=pool)

    def release(self) -> None:
        self.hold = False
        held, self._held = self._held, []
        for fn, args, on_done, on_progress, pool in held:
            super().submit(fn, *args, on_done=on_done, on_progress=on_progress, pool=pool)


@pytest.fixture
def app(qtbot, qapp, tmp_path, monkeypatch):
    from voicecoach import interview as core
    from voicecoach.app.session import Session
    from voicecoach.audio.player import Player
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths

    plan = core.plan_interview
    monkeypatch.setattr(
        core, "plan_interview", lambda *a, **k: plan(*a, **{**k, "rng": random.Random(7)})
    )
    speech, _ = burst_speech(16)
    quiet = (np.random.default_rng(11).standard_normal(int(1.5 * RATE)) * 0.001).astype(np.float32)
    layer = FakeSoundLayer(
        source=np.concatenate([quiet, speech]), rate_hz=RATE, speed=8, at_end="silence"
    )
    paths = AppPaths.at(tmp_path / "data").ensure()
    settings = Settings()
    settings = replace(settings, interview=replace(settings.interview, silence_stop_s=1.0))
    speaker = FakeSpeaker(hold=True)
    runner = HeldRunner()
    session = Session(
        settings,
        paths,
        History(paths.db_path),
        layer,
        speaker,
        BurstTranscriber(SCRIPT),
        runner,
        load_packs(),
        player=Player(layer),
    )
    session.start()
    steps: list = []
    session.interview.stepChanged.connect(steps.append)
    yield session, speaker, runner, steps
    runner.release()
    session.interview.end_early()  # before the speaker closes: its stop would start an answer
    session.shutdown()
    session.history.close()


def answering(run) -> bool:
    d = run.taker._detector
    return run.stage == "answering" and d is not None and d.onset_s is not None


def test_pause_while_the_question_is_read_keeps_the_microphone_closed(app, qtbot):
    """Protects pausing during the reading: the speaker stopping must not start the answer,
    and Resume reads the same question again."""
    session, speaker, _runner, steps = app
    run = session.interview
    run.start("core_senior", [], 3, True)
    qtbot.waitUntil(lambda: run.stage == "asking", timeout=10000)
    prompt = speaker.said[-1]

    run.pause()
    qtbot.wait(300)  # the stopped reading reports back from the speaker's thread
    assert run.stage == "paused" and steps[-1].stage == "paused"
    assert speaker.stops >= 1 and session.phase.state == "idle"
    assert session.history.list() == []  # no take was started
    assert run.taker._detector is None

    run.resume()
    assert run.stage == "asking" and speaker.said[-1] == prompt and len(speaker.said) == 2


def test_pause_while_answering_drops_the_answer_and_resume_asks_again(app, qtbot):
    """Protects pausing mid-answer: the recording and its take are dropped, nothing is
    analysed, and Resume reads the same question again."""
    session, speaker, _runner, steps = app
    run = session.interview
    run.start("core_senior", [], 3, True)
    qtbot.waitUntil(lambda: run.stage == "asking", timeout=10000)
    speaker.finish()
    qtbot.waitUntil(lambda: answering(run), timeout=30000)
    assert len(session.history.list()) == 1

    run.pause()
    assert run.stage == "paused" and steps[-1].stage == "paused"
    assert session.history.list() == []
    assert run.answers() == []
    run.resume()
    assert run.stage == "asking" and speaker.said == [speaker.said[0]] * 2
    assert (steps[-1].position, steps[-1].kind) == (0, "answer")


def test_end_early_after_pausing_during_analysis_stays_ended(app, qtbot):
    """Protects a run ended while paused with an answer still in analysis: the late result
    must not start the next question of a run that is over."""
    session, speaker, runner, _steps = app
    run = session.interview
    summaries = []
    run.summaryReady.connect(lambda s, rid: summaries.append(s))
    runner.hold = True
    run.start("core_senior", [], 3, True)
    qtbot.waitUntil(lambda: run.stage == "asking", timeout=10000)
    speaker.finish()
    qtbot.waitUntil(lambda: run.stage == "analysing", timeout=30000)
    run.pause()
    run.end_early()
    assert [s.status for s in summaries] == ["ended_early"]
    said = list(speaker.said)

    runner.release()  # the analysis comes back after the run ended
    qtbot.wait(300)
    assert not run.running and run.stage == "" and run.run_id() is None
    assert speaker.said == said  # nothing more was read aloud
    assert session.phase.state != "recording"


def test_quitting_while_a_question_is_read_starts_no_answer(app, qtbot):
    """Protects quitting mid-question: closing the speaker cuts the reading short, and that
    must not open the microphone for an answer after the app has shut down. The run stays
    'running', to be offered back on the next start."""
    session, _speaker, _runner, _steps = app
    run = session.interview
    run.start("core_senior", [], 3, True)
    qtbot.waitUntil(lambda: run.stage == "asking", timeout=10000)
    session.shutdown()
    qtbot.wait(300)  # the cut-short reading reports back from the speaker's thread
    assert session.phase.state != "recording" and run.taker._detector is None
    assert session.history.list() == []
    assert run.run_id() is not None
