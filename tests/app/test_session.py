"""The session wired to the real window, with fake devices, TTS and transcriber.

A full practice round: question read aloud -> record -> stop -> analysed (real analysis on a
canned transcript) -> review shown -> click a word -> player plays from there -> take saved ->
reopened from History. Plus: errors shown in the banner, cancel, corrections, crash recovery.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QPushButton  # noqa: E402

from tests.fakes.sound import FakeSoundLayer  # noqa: E402
from tests.fakes.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.ui.sample_report import sample_report  # noqa: E402
from voicecoach.analysis import analyze  # noqa: E402
from voicecoach.app.main import wire  # noqa: E402
from voicecoach.app.session import Session, move_boundary, with_sentence_sections  # noqa: E402
from voicecoach.app.tasks import TaskRunner  # noqa: E402
from voicecoach.audio.player import Player  # noqa: E402
from voicecoach.domain import OperationCancelled  # noqa: E402
from voicecoach.packs import load_packs  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.store.paths import AppPaths  # noqa: E402
from voicecoach.ui.main_window import MainWindow  # noqa: E402
from voicecoach.ui.style import apply_theme  # noqa: E402

RATE = 16000


class CannedTranscriber:
    """Returns one fixed Transcript; reports progress; honours cancel (optionally waits for it)."""

    def __init__(self, transcript, wait_for_cancel: bool = False) -> None:
        self.transcript = transcript
        self.wait_for_cancel = wait_for_cancel
        self.calls: list[Path] = []
        self.loaded = False
        self.started = threading.Event()

    def load(self) -> None:
        self.loaded = True

    def transcribe(self, path, progress=None, cancel=None):
        self.calls.append(Path(path))
        self.started.set()
        if self.wait_for_cancel and cancel is not None:
            cancel.wait(10)
        for k in range(1, 5):
            if cancel is not None and cancel.is_set():
                raise OperationCancelled("Transcription cancelled.")
            if progress is not None:
                progress(k / 4)
        return self.transcript


class Spy:
    """Wraps a Player and records play() calls."""

    def __init__(self, player: Player) -> None:
        self._p = player
        self.plays: list[tuple[float, float | None, float]] = []

    def play(self, start_s=0.0, end_s=None, speed=1.0):
        self.plays.append((start_s, end_s, speed))
        self._p.play(start_s, end_s, speed)

    def __getattr__(self, name):
        return getattr(self._p, name)

    def __setattr__(self, name, value):
        if name in ("_p", "plays"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._p, name, value)


@pytest.fixture(scope="module")
def answer_audio() -> np.ndarray:
    """Quiet noise as long as the canned answer (the recogniser is fake; length matters)."""
    n = int((sample_report().duration_s + 0.5) * RATE)
    rng = np.random.default_rng(7)
    return (rng.standard_normal(n) * 0.02).astype(np.float32)


_built: list[tuple[Session, MainWindow]] = []


@pytest.fixture(autouse=True)
def _teardown_sessions():
    yield
    while _built:
        session, window = _built.pop()
        session.shutdown()
        session.history.close()
        window.close()
        window.deleteLater()


def build(qtbot, qapp, tmp_path, audio, *, tasks=None, layer=None, transcriber=None, speaker=None):
    apply_theme(qapp, "light")
    paths = AppPaths.at(tmp_path).ensure()
    history = History(paths.db_path)
    layer = layer or FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
    transcriber = transcriber or CannedTranscriber(sample_report().transcript)
    player = Spy(Player(layer))
    session = Session(
        Settings(),
        paths,
        history,
        layer,
        speaker or FakeSpeaker(),
        transcriber,
        tasks or SyncTaskRunner(),
        load_packs(),
        player=player,
    )
    window = MainWindow()
    qtbot.addWidget(window)
    wire(session, window, qapp)
    window.show()
    qtbot.waitExposed(window)
    _built.append((session, window))
    return session, window


def record_answer(qtbot, session, window) -> None:
    button = window.findChild(QPushButton, "recordButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert session.state == "recording"
    assert session.layer.wait_input_done(20)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_full_round_from_question_to_history_and_back(qtbot, qapp, tmp_path, answer_audio):
    """The whole practice loop works end to end through the window's own buttons."""
    session, window = build(qtbot, qapp, tmp_path, answer_audio)
    session.start()
    assert session.transcriber.loaded  # model preloaded at start-up
    q = session.packs.questions("core_senior")[0]

    # question chosen -> read aloud -> back to idle when the speaker is done
    with qtbot.waitSignal(session.stateChanged, check_params_cb=lambda s: s == "idle"):
        window.question_panel.questionChosen.emit(q.id)
    assert session.speaker.said[-1] == q.prompt
    assert window.findChild(QLabel, "questionPrompt").text() == q.prompt

    # record -> stop -> analysed -> review
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        record_answer(qtbot, session, window)
    assert session.state == "review"
    assert window.current_page() == "review"
    expected = analyze(sample_report().transcript, q, session.settings.analysis)
    shown = session.report()
    assert [(s.name, s.start_s, s.end_s) for s in shown.sections] == [
        (s.name, s.start_s, s.end_s) for s in expected.sections
    ]
    for s in expected.sections:
        assert window.review.timeline.section_rect(s.name) is not None

    # click a word in the transcript -> playback starts at that word
    i = 30
    word = shown.transcript.words[i]
    tv = window.review.transcript
    with qtbot.waitSignal(session.playingChanged, timeout=3000):
        qtbot.mouseClick(tv.viewport(), Qt.MouseButton.LeftButton, pos=tv.word_center(i))
    assert session.player.plays[-1][0] == pytest.approx(word.start_s)

    # the take is in history, analysed, with the report and the audio
    records = session.history.list()
    assert len(records) == 1
    rec = records[0]
    assert rec.status == "analysed" and rec.question_id == q.id
    assert rec.audio_path.exists()
    assert rec.duration_s == pytest.approx(len(answer_audio) / RATE, abs=0.1)
    assert window.history.visible_ids() == [rec.id]

    # reopen from history -> same review
    window.review.clear()
    window.show_page("history")
    window.history.select_ids({rec.id})
    with qtbot.waitSignal(session.reviewReady, timeout=3000):
        qtbot.mouseClick(window.history.open_btn, Qt.MouseButton.LeftButton)
    assert window.current_page() == "review"
    assert [s.name for s in window.review.report().sections] == [s.name for s in expected.sections]


def test_real_task_runner_reports_progress_and_delivers_review(qtbot, qapp, tmp_path, answer_audio):
    """With the threaded TaskRunner, progress reaches the panel and the review arrives."""
    runner = TaskRunner()
    session, window = build(qtbot, qapp, tmp_path, answer_audio, tasks=runner)
    try:
        session.choose_question(session.packs.questions()[0].id, speak=False)
        seen: list[float] = []
        session.progressChanged.connect(seen.append)
        with qtbot.waitSignal(session.reviewReady, timeout=15000):
            record_answer(qtbot, session, window)
        assert seen and seen[-1] == pytest.approx(1.0)
        assert window.record_panel.state() == "review"
    finally:
        runner.shutdown()


def test_missing_microphone_is_a_banner_and_the_app_keeps_working(
    qtbot, qapp, tmp_path, answer_audio
):
    """No input device: a one-line message in the window, state back to idle, no take left."""
    layer = FakeSoundLayer(source=answer_audio, rate_hz=RATE, speed=0, inputs=[])
    session, window = build(qtbot, qapp, tmp_path, answer_audio, layer=layer)
    session.choose_question(session.packs.questions()[0].id, speak=False)
    qtbot.mouseClick(window.findChild(QPushButton, "recordButton"), Qt.MouseButton.LeftButton)
    assert session.state == "idle"
    banner = window.findChild(QLabel, "statusBannerText")
    assert "No microphone found" in banner.text()
    assert not window.status_banner.isHidden()
    assert session.history.list() == []
    # Record now says it cannot work, and why (until a microphone is found)
    assert not window.findChild(QPushButton, "recordButton").isEnabled()
    assert "No microphone found" in window.findChild(QLabel, "recordIdleRow").text()


def test_cancel_analysis_keeps_the_recording(qtbot, qapp, tmp_path, answer_audio):
    """Cancel during analysis: notice shown, take kept as 'not analysed', can analyse later."""
    runner = TaskRunner()
    slow = CannedTranscriber(sample_report().transcript, wait_for_cancel=True)
    session, window = build(qtbot, qapp, tmp_path, answer_audio, tasks=runner, transcriber=slow)
    try:
        session.choose_question(session.packs.questions()[0].id, speak=False)
        record_answer(qtbot, session, window)
        assert session.state == "analysing"
        assert slow.started.wait(5)
        with qtbot.waitSignal(session.noticed, timeout=5000):
            qtbot.mouseClick(
                window.findChild(QPushButton, "cancelButton"), Qt.MouseButton.LeftButton
            )
        assert session.state == "idle"
        rec = session.history.list()[0]
        assert rec.status == "recorded"
        slow.wait_for_cancel = False
        with qtbot.waitSignal(session.reviewReady, timeout=10000):
            session.analyse_take(rec.id)
        assert session.history.get(rec.id).status == "analysed"
    finally:
        runner.shutdown()


def test_section_edge_correction_is_saved_and_reapplied(qtbot, qapp, tmp_path, answer_audio):
    """Dragging a section edge re-times the sections, is stored, and survives a reopen."""
    session, window = build(qtbot, qapp, tmp_path, answer_audio)
    session.choose_question(session.packs.questions()[0].id, speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        record_answer(qtbot, session, window)
    before = session.report()
    a, b = before.sections[0], before.sections[1]
    later = [s.start_s for s in before.sentences if a.start_s < s.start_s < b.start_s]
    assert later, "the sample's first section has several sentences"
    target = later[-1]
    with qtbot.waitSignal(session.reportCorrected, timeout=3000):
        window.review.timeline.boundaryMoved.emit(0, target + 0.2)
    after = session.report()
    assert after.sections[0].end_s == pytest.approx(target)
    take = session.history.list()[0]
    assert take.corrections["sentence_sections"]
    with qtbot.waitSignal(session.reviewReady, timeout=3000):
        session.open_take(take.id)
    assert session.report().sections[0].end_s == pytest.approx(target)


def test_move_boundary_snaps_to_sentences_and_keeps_both_sections():
    """The pure correction helper never empties a section and snaps to a sentence start."""
    r = sample_report()
    secs = move_boundary(r, 0, 0.0)  # far left: Situation keeps its first sentence
    fixed = with_sentence_sections(r, secs)
    assert fixed.sections[0].name == "situation"
    assert fixed.sections[0].end_s == pytest.approx(r.sentences[1].start_s)
    assert move_boundary(r, 0, r.sections[1].start_s) is None  # no change


def test_unfinished_takes_are_offered_and_analysed(qtbot, qapp, tmp_path, answer_audio):
    """A take left 'recording' by a crash is offered in a banner and analysed on request."""
    paths = AppPaths.at(tmp_path).ensure()
    wav = paths.new_take_path("warmup-01")
    sf.write(wav, answer_audio, RATE)
    with History(paths.db_path) as h:
        take_id = h.start_take("warmup-01", "core_senior", "Walk me through…", wav)
    session, window = build(qtbot, qapp, tmp_path, answer_audio)
    session.start()
    assert not window.recovery_banner.isHidden()
    assert "not analysed" in window.recovery_banner.text()
    action = window.recovery_banner.findChild(QPushButton, "recoveryBannerAction")
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        qtbot.mouseClick(action, Qt.MouseButton.LeftButton)
    assert session.history.get(take_id).status == "analysed"
    assert window.recovery_banner.isHidden()


def test_delete_and_compare_from_history(qtbot, qapp, tmp_path, answer_audio):
    """Two takes of one question can be compared side by side, and deleted after confirming."""
    session, window = build(qtbot, qapp, tmp_path, answer_audio)
    q = session.packs.questions()[0]
    for _ in range(2):
        session.choose_question(q.id, speak=False)
        with qtbot.waitSignal(session.reviewReady, timeout=10000):
            record_answer(qtbot, session, window)
    qtbot.mouseClick(window.nav_buttons["history"], Qt.MouseButton.LeftButton)
    hv = window.history
    assert hv.isVisible()
    ids = hv.visible_ids()
    assert len(ids) == 2
    hv.select_ids(set(ids))
    assert hv.compare_btn.isEnabled()
    qtbot.mouseClick(hv.compare_btn, Qt.MouseButton.LeftButton)
    assert hv.compare.isVisible()
    first = session.report().sections[0]
    assert hv.compare.cell(first.name, 1) == f"{first.duration_s:.0f} s"
    hv.confirm_delete = lambda n: n == 2
    qtbot.mouseClick(hv.delete_btn, Qt.MouseButton.LeftButton)
    assert session.history.list() == []
    assert window.findChild(QLabel, "reviewEmpty").isVisible() or window.review.report() is None


# --- pages wired late: the story bank, the interview's Export, the natural voice's notice ----


def test_story_bank_page_is_reachable_and_wired(qtbot, qapp, tmp_path, answer_audio):
    """The Stories page is in the navigation and its controller runs: the coverage lists the
    packs' topics (none has a story yet), and a story saved there is stored."""
    session, window = build(qtbot, qapp, tmp_path, answer_audio)
    window.show_page("stories")
    assert window.current_page() == "stories" and window.nav_buttons["stories"].isChecked()
    assert window.stories.uncovered()  # every topic is uncovered in a new bank
    window.stories.new_story()
    qtbot.keyClicks(window.stories.title_edit, "The release we paused")  # typed, as a user does
    qtbot.mouseClick(window.stories.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stories.list.count() == 1)
    from voicecoach.store.stories import StoryStore

    store = StoryStore(session.history.db_path)
    try:
        assert [s.title for s in store.list()] == ["The release we paused"]
    finally:
        store.close()


def test_interview_summary_export_with_nothing_shown_says_so(qtbot, qapp, tmp_path, answer_audio):
    """The summary's Export… reaches the exporter; with no run shown it explains instead."""
    _session, window = build(qtbot, qapp, tmp_path, answer_audio)
    window.interview.summary.export_button.click()
    assert "nothing to export" in window.status_banner.text()


def test_natural_voice_notice_reaches_the_window(qtbot, qapp, tmp_path, answer_audio):
    """A speaker's fallback notice (sent from its own thread) is shown as a warning."""
    speaker = FakeSpeaker()
    speaker.on_notice = None  # the natural voice's extra hook
    _session, window = build(qtbot, qapp, tmp_path, answer_audio, speaker=speaker)
    assert speaker.on_notice is not None
    t = threading.Thread(target=speaker.on_notice, args=("The natural voice failed; reading.",))
    t.start()
    t.join()
    qtbot.waitUntil(lambda: "natural voice failed" in window.status_banner.text())


def test_review_and_history_show_the_same_recording_time(qtbot, qapp, tmp_path, answer_audio):
    """A fresh review's header and its History row show the take's start time, worded alike
    (the review used to show when analysis ended)."""
    from voicecoach.report import fmt_when

    session, window = build(qtbot, qapp, tmp_path, answer_audio)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        record_answer(qtbot, session, window)
    rec = session.history.list()[0]
    when = fmt_when(rec.created_at)
    assert window.findChild(QLabel, "reviewMeta").text().startswith(when + "  ·")
    model = window.history.table.model()
    cells = [
        str(model.index(r, c).data() or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]
    assert any(when in cell for cell in cells)
