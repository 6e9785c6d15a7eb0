"""A mock interview through the real window, controllers, recorder and store, with the fake
microphone, speaker and transcriber: questions read aloud, answers ended by silence, follow-ups,
the summary, each row's review, the run in History, deleted as a whole."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QPushButton  # noqa: E402

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.faults.helpers import RATE, SCRIPT, BurstTranscriber, burst_speech  # noqa: E402

QUIET_S = 1.5  # a quiet room before the tone-burst answer starts
THINK_S = QUIET_S + burst_speech(16)[1][0][0]  # silence before the first word of every answer


def answer_audio(n_words: int = 16) -> np.ndarray:
    """QUIET_S of a quiet room, then tone-burst words (the fake transcriber hears each)."""
    speech, _ = burst_speech(n_words)
    rng = np.random.default_rng(11)
    quiet = (rng.standard_normal(int(QUIET_S * RATE)) * 0.001).astype(np.float32)
    return np.concatenate([quiet, speech])


@pytest.fixture
def app(qtbot, qapp, tmp_path):
    """A session wired to a real MainWindow; the microphone replays `answer_audio` for every
    answer, then keeps sending a quiet room (so silence ends each answer)."""
    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.audio.player import Player
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow
    from voicecoach.ui.style import apply_theme

    apply_theme(qapp, "light")
    paths = AppPaths.at(tmp_path / "data").ensure()
    layer = FakeSoundLayer(source=answer_audio(), rate_hz=RATE, speed=8, at_end="silence")
    settings = Settings()
    settings = replace(settings, interview=replace(settings.interview, silence_stop_s=1.0))
    speaker = FakeSpeaker()
    session = Session(
        settings,
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
    qtbot.addWidget(window)
    wire(session, window, qapp)
    window.show()
    qtbot.waitExposed(window)
    session.start()
    yield session, window, speaker
    session.shutdown()
    session.history.close()
    window.close()


def start_interview(qtbot, window, pack: str, n: int, follow_ups: bool = True) -> None:
    page = window.interview
    window.show_page("interview")
    page.pack.setCurrentIndex(page.pack.findData(pack))
    page.count.setValue(n)
    page.follow_ups.setChecked(follow_ups)
    qtbot.mouseClick(window.findChild(QPushButton, "interviewStart"), Qt.MouseButton.LeftButton)


def test_three_question_interview_with_follow_ups_end_to_end(app, qtbot):
    """Protects the whole run: read aloud, silence ends answers, follow-ups timed on their own
    target, thinking time kept out of the answer, summary, reviews, History, delete."""
    session, window, speaker = app
    run = session.interview
    with qtbot.waitSignal(run.summaryReady, timeout=120000) as done:
        start_interview(qtbot, window, "core_senior", 3)
    summary, run_id = done.args

    # every question and its follow-up were read aloud, in the planned order
    stored = session.interviews.store.get(run_id)
    items = stored.record.plan["items"]
    asked = []
    for it in items:
        asked += [session.packs.get(it["question_id"]).prompt, it["follow_up"]]
    assert speaker.said == asked
    assert stored.record.status == "finished"

    # six takes: answer and follow-up per question, audio on disk, thinking time stored
    kinds = [(t.position, t.kind) for t in stored.takes]
    assert kinds == [(p, k) for p in range(3) for k in ("answer", "follow_up")]
    for t in stored.takes:
        assert t.take.status == "analysed" and t.take.audio_path.exists()
        assert t.thinking_s == pytest.approx(THINK_S, abs=0.25)

    # the summary: three answered rows with their follow-ups; thinking not in the answer time
    assert [r.figures is not None for r in summary.rows] == [True] * 3
    recorded_s = {t.take.id: t.take.duration_s for t in stored.takes}
    for row in summary.rows:
        assert row.figures.thinking_s == pytest.approx(THINK_S, abs=0.25)
        # the answer is timed from its first word: the thinking time is not in it
        assert row.figures.length_s <= recorded_s[row.figures.take_id] - THINK_S + 0.6
        assert row.sections, "a STAR answer has its sections in the summary"
        fu = row.follow_up
        assert fu is not None and fu.figures is not None
        assert fu.figures.target_s == 45  # the follow-up target, not the question's
    assert summary.totals.answered == 3 and summary.totals.follow_ups_answered == 3
    assert summary.focus.text

    # the summary page shows it; a row opens that answer's full review
    page = window.interview
    assert window.current_page() == "interview"
    assert page.views.currentWidget() is page.summary_box
    table = page.summary.table
    assert table.rowCount() == 6
    take_ids = page.summary.take_ids()
    assert take_ids == [t.take.id for t in stored.takes]
    second = take_ids[2]
    with qtbot.waitSignal(session.reviewReady, timeout=5000):
        table.setCurrentCell(2, 1)
        qtbot.mouseClick(
            window.findChild(QPushButton, "interviewOpenAnswer"), Qt.MouseButton.LeftButton
        )
    assert session.review.review_take_id() == second
    assert window.current_page() == "review"

    # History → Interviews lists the run; deleting it removes every answer and its audio
    hist = window.interview_history
    assert hist.run_ids() == [run_id]
    hist.confirm = lambda _text: True
    hist.table.selectRow(0)
    qtbot.mouseClick(window.findChild(QPushButton, "interviewRunDelete"), Qt.MouseButton.LeftButton)
    assert session.interviews.store.list() == []
    assert hist.run_ids() == []
    assert all(not t.take.audio_path.exists() for t in stored.takes)
    assert session.history.list() == []
    assert session.review.review_take_id() is None  # the deleted answer's review is cleared


def test_skip_and_end_early_keep_what_was_answered(app, qtbot):
    """Protects skip (the question and its follow-up go unanswered) and end-early (the answer
    in progress is kept and the run is saved as ended early)."""
    session, window, speaker = app
    run = session.interview
    steps = []
    run.stepChanged.connect(steps.append)
    with qtbot.waitSignal(
        run.stepChanged, timeout=10000, check_params_cb=lambda s: s.stage == "asking"
    ):
        start_interview(qtbot, window, "core_senior", 3, follow_ups=False)
    qtbot.mouseClick(window.findChild(QPushButton, "interviewSkip"), Qt.MouseButton.LeftButton)
    # question 2 is answered until its silence, then question 3 starts and is ended early
    qtbot.waitUntil(
        lambda: steps[-1].position == 2 and steps[-1].stage == "answering", timeout=60000
    )
    qtbot.waitUntil(
        lambda: run.taker._detector is not None and run.taker._detector.onset_s is not None,
        timeout=30000,
    )
    with qtbot.waitSignal(run.summaryReady, timeout=30000) as done:
        qtbot.mouseClick(window.findChild(QPushButton, "interviewEnd"), Qt.MouseButton.LeftButton)
    summary, run_id = done.args
    assert summary.status == "ended_early"
    assert [r.figures is not None for r in summary.rows] == [False, True, True]
    assert all(r.follow_up is None for r in summary.rows)
    stored = session.interviews.store.get(run_id)
    assert stored.record.status == "ended_early"
    assert [(t.position, t.kind) for t in stored.takes] == [(1, "answer"), (2, "answer")]
