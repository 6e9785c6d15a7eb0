"""Build the app from Settings + AppPaths, connect the window to the session, run Qt.

`run_gui(argv)` is what `voicecoach` (no subcommand) calls. `wire(session, window)` is the one
place where widget signals meet the controllers' slots (`app/session.py` lists them); tests and
the screenshot script use it too.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from voicecoach.domain import VoiceCoachError

log = logging.getLogger(__name__)


def wire(session: Any, window: Any, app: QApplication | None = None) -> None:
    """Connect a MainWindow to the session's controllers, each widget to the controller of
    its activity (signals only; no logic here)."""
    from voicecoach.ui.style import apply_theme, current_theme

    ctx, phase = session.ctx, session.phase
    questions, practice, analyser = session.questions, session.practice, session.analyser
    review_ctl, playback, library = session.review, session.playback, session.library
    prefs = session.prefs
    qp, rp, review, hist = (
        window.question_panel,
        window.record_panel,
        window.review,
        window.history,
    )
    qp.set_packs(ctx.packs)
    rp.set_sources(practice.level, practice.elapsed_s)
    rp.set_live_cues(ctx.settings.ui.live_cues)
    review.set_timing_settings(ctx.settings.analysis)

    # practice: the question, then the round
    qp.questionChosen.connect(questions.choose_question)
    qp.surpriseRequested.connect(questions.surprise)
    qp.filterChanged.connect(questions.surprise)  # read aloud, as a question picked in the list
    qp.readAgainRequested.connect(questions.read_question)
    rp.recordClicked.connect(practice.start_recording)
    rp.stopClicked.connect(practice.stop_recording)
    rp.cancelClicked.connect(analyser.cancel_analysis)
    practice.liveStatusChanged.connect(rp.set_live_status)

    def on_question(q) -> None:
        qp.set_question(q)
        if q is not None:
            rp.set_targets(q.targets, q.kind != "drill")

    def on_state(state: str) -> None:
        rp.set_state(state)
        interview = session.interview.running  # the interview page shows the run
        qp.set_busy(interview or state in ("recording", "analysing"))
        window.analyse_action.setEnabled(not interview and state not in ("recording", "analysing"))
        window.export_review_action.setEnabled(state == "review")
        if interview:
            return
        if state in ("asking", "recording", "analysing"):
            window.show_page("practice")
        if state == "recording":
            window.clear_status()
        elif state == "review":
            window.show_page("review")

    questions.questionChanged.connect(on_question)
    phase.stateChanged.connect(on_state)
    # no other question or file while an interview runs (its page steers the round)
    session.interview.runningChanged.connect(lambda _on: on_state(phase.state))
    questions.ttsChanged.connect(qp.set_tts_available)
    session.microphone.inputChanged.connect(rp.set_input_available)
    from voicecoach.app.device_watch import DeviceWatch

    DeviceWatch(window).changed.connect(lambda: session.microphone.check_input(rescan=True))
    analyser.progressChanged.connect(rp.set_progress)

    # review
    review_ctl.reviewReady.connect(review.set_report)
    # also when already in 'review' (a take reopened from History): no state change then
    review_ctl.reviewReady.connect(lambda *_: window.show_page("review"))
    review_ctl.reportCorrected.connect(review.update_sections)
    review_ctl.reviewCleared.connect(review.clear)
    review.timeline.sectionClicked.connect(review_ctl.play_section)
    review.timeline.boundaryMoved.connect(review_ctl.move_section_edge)
    review.retryRequested.connect(lambda: questions.retry())

    # playback (of the answer under review)
    review.playFromRequested.connect(playback.play_from)
    review.playback.playPauseClicked.connect(playback.toggle_play)
    review.playback.seekRequested.connect(playback.seek)
    review.playback.speedChanged.connect(playback.set_speed)
    playback.positionChanged.connect(review.set_position)
    playback.playingChanged.connect(review.set_playing)
    playback.playContextChanged.connect(review.playback.set_context)

    # history (the library of takes)
    library.historyChanged.connect(lambda records: hist.set_takes(records, questions.pack_titles()))
    hist.openRequested.connect(library.open_take)
    hist.replayRequested.connect(library.replay_take)
    hist.retryRequested.connect(questions.retry)
    hist.deleteRequested.connect(library.delete_take)
    hist.analyseRequested.connect(library.analyse_take)

    def on_unfinished(records) -> None:
        ids = [r.id for r in records]

        def analyse() -> None:
            window.hide_recovery()
            library.analyse_unfinished(ids)

        def show() -> None:
            window.show_page("history")
            hist.select_ids(set(ids))

        window.offer_recovery(len(ids), analyse, show)

    library.unfinishedFound.connect(on_unfinished)

    # window-wide
    ctx.errorOccurred.connect(window.show_error)
    ctx.noticed.connect(window.show_notice)
    ctx.warned.connect(lambda text: window.show_notice(text, "warn"))
    session.model.modelStatusChanged.connect(window.model_status.setText)

    def on_analyse_file(path: str) -> None:
        from pathlib import Path

        from voicecoach.ui import file_question

        qid = file_question.ask(
            ctx.packs,
            questions.question(),
            Path(path).name,
            ctx.settings.analysis.targets.total_s,
            window,
        )
        if qid is not None:  # "" = none of them: the general targets
            library.analyse_file(path, qid or None)

    window.analyseFilePicked.connect(on_analyse_file)
    window.analyseFileRequested.connect(library.analyse_file)

    from voicecoach.app.model_choices import ModelChoices, newest_take_audio

    model_choices = ModelChoices(
        ctx.tasks,
        lambda: newest_take_audio(ctx.history),
        lambda: ctx.settings.transcriber,
        parent=window,
    )

    def on_settings_requested() -> None:
        new = window.ask_settings(
            ctx.settings, prefs.input_devices(), prefs.voices(), model_choices
        )
        if new is not None:
            prefs.apply_settings(new)

    def on_settings_changed(s) -> None:
        rp.set_live_cues(s.ui.live_cues)
        review.set_timing_settings(s.analysis)
        qapp = app or QApplication.instance()
        if qapp is not None and s.ui.theme != current_theme().name:
            apply_theme(qapp, s.ui.theme)
            window.refresh_icons()
            if review.report() is not None:
                review.update_sections(review.report())

    window.settingsRequested.connect(on_settings_requested)

    # export (File → Export this review…, History → Export history…)
    from voicecoach.app.export import ExportController

    exporter = ExportController(session, window)  # parented to the window

    # progress (a page beside History, worked out when shown)
    from voicecoach.app.progress import wire_progress

    wire_progress(session, window)
    wire_interview(session, window, exporter)

    # the story bank (its page, the question panel's story card, History's story column)
    from voicecoach.app.stories import wire_stories

    wire_stories(
        ctx.history.db_path, ctx.packs, window.stories, qp, hist, library.historyChanged, window
    )
    window.export_review_action.setEnabled(phase.state == "review")
    prefs.settingsChanged.connect(on_settings_changed)


def wire_interview(session: Any, window: Any, exporter: Any = None) -> None:
    """The Interview page to the interview controller; the Interviews tab of History to the
    library of runs; the banner that offers an interrupted run back; the summary's Export."""
    run, runs, page, hist = (
        session.interview,
        session.interviews,
        window.interview,
        window.interview_history,
    )
    page.set_choices(run.pack_choices(), session.ctx.settings.interview)
    page.set_level_source(session.practice.level)
    session.prefs.settingsChanged.connect(
        lambda s: page.set_choices(run.pack_choices(), s.interview)
    )
    page.choiceChanged.connect(session.prefs.remember_interview)  # kept for next time
    page.startRequested.connect(lambda pack, topics, n, fu: run.start(pack or None, topics, n, fu))
    page.stopClicked.connect(run.stop_answer)
    page.pauseClicked.connect(run.pause)
    page.resumeClicked.connect(run.resume)
    page.skipClicked.connect(run.skip)
    page.endClicked.connect(run.end_early)
    page.summary.openRequested.connect(run.open_answer)
    run.stepChanged.connect(page.show_step)
    run.taker.clockChanged.connect(page.set_clock)
    run.summaryReady.connect(page.show_summary)
    run.runningChanged.connect(lambda on: on and window.show_page("interview"))
    run.summaryReady.connect(lambda *_: window.show_page("interview"))

    titles = session.questions.pack_titles
    runs.runsChanged.connect(lambda records: hist.set_runs(records, titles()))
    hist.openRequested.connect(runs.open_run)
    hist.deleteRequested.connect(runs.delete_run)
    runs.summaryOpened.connect(page.show_summary)
    runs.summaryOpened.connect(lambda *_: window.show_page("interview"))
    if exporter is not None:
        shown: dict[str, int | None] = {"run": None}
        run.summaryReady.connect(lambda _s, rid: shown.update(run=rid))
        runs.summaryOpened.connect(lambda _s, rid: shown.update(run=rid))
        page.summary.exportRequested.connect(lambda: exporter.export_interview(shown["run"]))

    def on_interrupted(found) -> None:
        latest = found[0]  # newest first; older ones stay listed in History → Interviews
        answered = len({t.position for t in latest.takes if t.kind == "answer"})
        total = len(latest.record.plan.get("items", []))

        def go_on(end_now: bool) -> None:
            window.hide_interview_recovery()
            run.resume_run(latest.record.id, end_now=end_now)

        window.offer_interview_recovery(answered, total, lambda: go_on(False), lambda: go_on(True))

    runs.interruptedFound.connect(on_interrupted)


def run_gui(argv: list[str]) -> int:
    """Start the desktop app; returns the exit code."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("VoiceCoach")
    app.setOrganizationName("VoiceCoach")

    from voicecoach.app.logging_setup import configure_logging, install_excepthook
    from voicecoach.settings import Settings
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.style import apply_theme

    try:
        paths = AppPaths.default().ensure()
    except VoiceCoachError as exc:
        QMessageBox.critical(None, "VoiceCoach cannot start", str(exc))
        return 1
    configure_logging(paths.log_dir)
    settings = Settings.load(paths.settings_path)
    apply_theme(app, settings.ui.theme)

    from voicecoach.ui.main_window import MainWindow

    window = MainWindow()
    install_excepthook(show=window.show_error)
    try:
        session = build_session(settings, paths)
    except VoiceCoachError as exc:
        QMessageBox.critical(None, "VoiceCoach cannot start", str(exc))
        return 1
    wire(session, window, app)
    window.show()
    session.start()
    try:
        return app.exec()
    finally:
        session.shutdown()
        session.history.close()


def build_session(settings: Any, paths: Any) -> Any:
    """The real engine: sound devices, TTS, Whisper, SQLite history, packs, task pools."""
    from voicecoach.app.session import Session
    from voicecoach.app.tasks import TaskRunner
    from voicecoach.audio.devices import SoundDeviceLayer
    from voicecoach.packs import load_packs
    from voicecoach.speech.tts import make_speaker
    from voicecoach.store.history import History

    layer = SoundDeviceLayer()

    def speaker_for(s: Any) -> Any:
        try:
            return make_speaker(s.tts, layer)
        except Exception as exc:  # TTS must never stop the app from starting
            from voicecoach.speech.tts import NullSpeaker

            log.exception("text-to-speech could not start")
            return NullSpeaker(f"Reading aloud is not available ({exc}).")

    def transcriber_for(s: Any) -> Any:
        from voicecoach.speech.transcriber import WhisperTranscriber

        return WhisperTranscriber(s.transcriber, min_voiced_gap_s=s.analysis.min_voiced_gap_s)

    return Session(
        settings,
        paths,
        History(paths.db_path),
        layer,
        speaker_for(settings),
        transcriber_for(settings),
        TaskRunner(),
        load_packs(),
        speaker_factory=speaker_for,
        transcriber_factory=transcriber_for,
    )


if __name__ == "__main__":
    sys.exit(run_gui(sys.argv))
