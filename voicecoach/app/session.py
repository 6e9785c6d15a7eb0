"""Session: the controller between the widgets and the engine.

State machine: idle → asking (question read aloud) → recording → analysing → review.
It owns the recorder, player, speaker, task runner and history it is given (dependency
injection: tests pass fakes), turns user requests into engine calls and reports back with Qt
signals. Engine callbacks that arrive on worker or audio threads are re-emitted through private
signals so that everything after them runs on the GUI thread. No widget is touched here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from voicecoach.domain import (
    AudioError,
    ModelError,
    OperationCancelled,
    PackError,
    Question,
    Report,
    Sentence,
    VoiceCoachError,
)
from voicecoach.report import fmt_time, report_from_json, to_json
from voicecoach.settings import BUNDLED_MODEL, AnalysisSettings, Settings

log = logging.getLogger(__name__)

STATES = ("idle", "asking", "recording", "analysing", "review")
MIN_TAKE_S = 1.0  # shorter recordings are not worth analysing
LIVE_POLL_MS = 1000  # live coaching refresh while recording
PLAY_POLL_MS = 40
FILE_QUESTION_ID = "file"


# --- section corrections (pure) ----------------------------------------------------------------


def with_sentence_sections(
    report: Report, sections: list[str], settings: AnalysisSettings | None = None
) -> Report:
    """The report with each sentence placed in the given section; timings recomputed."""
    from voicecoach.analysis import sections as star
    from voicecoach.analysis import timing

    if len(sections) != len(report.sentences):
        raise ValueError("corrections do not match this report's sentences")
    new_sentences: list[Sentence] = []
    for s, name in zip(report.sentences, sections, strict=True):
        if name != s.section:
            s = replace(s, section=name, reason=f"moved to {name.title()} by you")
        new_sentences.append(s)
    found, missing = star.build_sections(new_sentences, report.targets)
    return replace(
        report,
        sentences=tuple(new_sentences),
        sections=found,
        missing_sections=missing,
        word_sections=star.word_sections(new_sentences, len(report.transcript.words)),
        verdicts=timing.timing_verdicts(
            found, missing, report.targets, report.duration_s, settings or AnalysisSettings()
        ),
    )


def move_boundary(report: Report, index: int, t_s: float) -> list[str] | None:
    """Sentence sections after moving the edge between sections[index] and [index+1] to `t_s`.

    Sections are made of sentences, so the edge snaps to the nearest sentence start that leaves
    both sections at least one sentence. None when nothing changes.
    """
    if not (0 <= index < len(report.sections) - 1):
        return None
    a, b = report.sections[index], report.sections[index + 1]
    idx = [
        i
        for i, s in enumerate(report.sentences)
        if a.start_s - 0.01 <= s.start_s < b.end_s + 0.01 and s.section in (a.name, b.name)
    ]
    if len(idx) < 2:
        return None
    first, last = idx[0], idx[-1]
    candidates = range(first + 1, last + 1)
    cut = min(candidates, key=lambda i: abs(report.sentences[i].start_s - t_s))
    out = [s.section for s in report.sentences]
    for i in range(first, last + 1):
        out[i] = a.name if i < cut else b.name
    return None if out == [s.section for s in report.sentences] else out


# --- the controller --------------------------------------------------------------------------


class Session(QObject):
    stateChanged = Signal(str)
    questionChanged = Signal(object)  # Question | None
    ttsChanged = Signal(bool, str)  # available, reason when not
    progressChanged = Signal(float)
    reviewReady = Signal(object, object, str)  # Report, Question | None, meta line
    reportCorrected = Signal(object)  # Report with user-moved section edges
    reviewCleared = Signal()
    historyChanged = Signal(object)  # list[TakeRecord]
    unfinishedFound = Signal(object)  # list[TakeRecord]
    errorOccurred = Signal(str)
    noticed = Signal(str)
    warned = Signal(str)  # something went wrong but was dealt with (shown as a warning)
    positionChanged = Signal(float)
    playingChanged = Signal(bool)
    playContextChanged = Signal(str)
    modelStatusChanged = Signal(str)
    liveStatusChanged = Signal(object)  # analysis.live.LiveStatus, while recording
    settingsChanged = Signal(object)  # Settings
    inputChanged = Signal(bool, str)  # a microphone to record from; the reason when not

    # cross-thread hand-offs (emitted on engine threads, delivered on the GUI thread)
    _speechDone = Signal(str, bool)
    _recordingFailed = Signal(str)
    _playbackFinished = Signal()
    _playbackFailed = Signal(str)

    def __init__(
        self,
        settings: Settings,
        paths: Any,  # voicecoach.store.paths.AppPaths
        history: Any,  # voicecoach.store.history.History
        layer: Any,  # voicecoach.audio.devices.DeviceLayer
        speaker: Any,  # voicecoach.speech.tts.Speaker
        transcriber: Any,  # .transcribe(path, progress=, cancel=) -> Transcript
        tasks: Any,  # TaskRunner / SyncTaskRunner
        packs: Any,  # voicecoach.packs.PackSet
        *,
        recorder_factory: Callable[..., Any] | None = None,
        player: Any | None = None,
        speaker_factory: Callable[[Settings], Any] | None = None,
        transcriber_factory: Callable[[Settings], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.paths = paths
        self.history = history
        self.layer = layer
        self.transcriber = transcriber
        self.tasks = tasks
        self.packs = packs
        self._speaker_factory = speaker_factory
        self._transcriber_factory = transcriber_factory
        self._analysed_with: Any = None  # the transcriber of the analysis in flight
        if recorder_factory is None:
            from voicecoach.audio.recorder import Recorder

            recorder_factory = Recorder
        self._recorder_factory = recorder_factory
        if player is None:
            from voicecoach.audio.player import Player

            player = Player(layer, device=None)
        self.player = player
        self.player.on_finished = self._playbackFinished.emit
        self.player.on_error = self._playbackFailed.emit
        self.speaker = speaker
        self.speaker.on_done = self._speechDone.emit

        self._state = "idle"
        self._question: Question | None = None
        self._recorder: Any = None
        self._stream: Any = None  # StreamingTranscriber while recording, when streaming
        self._live_shown: Any = None  # the LiveStatus last shown (it only moves forward)
        self._take_id: int | None = None
        self._take_path: Path | None = None
        self._task: Any = None
        self._analysing_take: int | None = None
        self._queue: list[int] = []  # unfinished takes waiting for analysis
        self._file_takes: set[int] = set()  # takes of analysed files (no recorder to finish them)
        self._review_take: int | None = None
        self._report: Report | None = None
        self._loaded_audio: Path | None = None
        self._speed = 1.0
        self._span_end: float | None = None
        self._recent: list[str] = []

        self._play_timer = QTimer(self)
        self._play_timer.setInterval(PLAY_POLL_MS)
        self._play_timer.timeout.connect(self._poll_playback)
        self._live_timer = QTimer(self)
        self._live_timer.setInterval(LIVE_POLL_MS)
        self._live_timer.timeout.connect(self._poll_live)
        self._speechDone.connect(self._on_speech_done)
        self._recordingFailed.connect(self._on_recording_failed)
        self._playbackFinished.connect(self._on_playback_finished)
        self._playbackFailed.connect(self._on_playback_failed)

    # --- start-up ----------------------------------------------------------------------------

    def start(self) -> None:
        """Preload the model, announce TTS, list history and offer unfinished takes back."""
        self.ttsChanged.emit(self.speaker.available, self.speaker.unavailable_reason)
        self.check_input()
        self._preload_model()
        warnings = self._startup_warnings()
        if warnings:
            self.warned.emit(" ".join(warnings))
        self.refresh_history()
        try:
            unfinished = self.history.unfinished()
        except VoiceCoachError as exc:
            self._fail(str(exc))
            unfinished = []
        if unfinished:
            self.unfinishedFound.emit(unfinished)
        if self._question is None and self.packs.questions():
            self.surprise("", "", speak=False)

    def _startup_warnings(self) -> list[str]:
        """Problems found while opening history and packs that the user should hear about."""
        out: list[str] = []
        moved = getattr(self.history, "recovered_from_corruption", None)
        if moved is not None:
            out.append(
                f"The history database was damaged and could not be read. It was moved to "
                f"{moved} (not deleted) and a new, empty history was started."
            )
        from voicecoach.analysis.sections import splitter_problem

        problem = splitter_problem()
        if problem:
            log.error("section model: %s", problem)
            out.append(
                f"{problem} Sections are found by the simpler cue rules until it is repaired "
                "(reinstall VoiceCoach)."
            )
        errors = tuple(getattr(self.packs, "errors", ()))
        for err in errors:
            log.warning("pack problem: %s", err)
        if errors:
            n = len(errors) - 1
            more = (
                f" ({n} more {'problem is' if n == 1 else 'problems are'} in the log.)" if n else ""
            )
            first = errors[0].rstrip(".")
            out.append(
                f"Some questions could not be loaded and were skipped: {first}.{more} "
                "The other questions are available."
            )
        return out

    def _preload_model(self) -> None:
        load = getattr(self.transcriber, "load", None) or getattr(self.transcriber, "preload", None)
        if load is None:
            return
        self.modelStatusChanged.emit("Loading the speech model…")

        def done(_result: Any, error: BaseException | None) -> None:
            if error is None:
                self.modelStatusChanged.emit("Speech model ready")
            elif isinstance(error, ModelError) and self._fall_back_to_bundled(error):
                pass
            else:
                self.modelStatusChanged.emit("Speech model not loaded")
                self._fail(str(error) if isinstance(error, VoiceCoachError) else _unexpected(error))

        self.tasks.submit(load, on_done=done, pool="model")

    def _fall_back_to_bundled(self, error: ModelError) -> bool:
        """The chosen model cannot be loaded: use the bundled one, say so in the banner.

        The user's choice stays in Settings (it may work again once installed or online)."""
        model = getattr(self.transcriber, "model_name", BUNDLED_MODEL)
        if model == BUNDLED_MODEL or self._transcriber_factory is None:
            return False
        log.warning("Model %s not loaded, falling back to %s: %s", model, BUNDLED_MODEL, error)
        fallback = replace(self.settings.transcriber, model=BUNDLED_MODEL)
        self.transcriber = self._transcriber_factory(replace(self.settings, transcriber=fallback))
        self.warned.emit(
            f"{str(error).rstrip('.')}. Using the bundled model (Whisper tiny.en) until this is "
            "fixed; choose a model in Settings → Speech model."
        )
        self._preload_model()
        return True

    # --- state -------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    def _set_state(self, state: str) -> None:
        assert state in STATES, state
        if state != self._state:
            log.debug("state %s -> %s", self._state, state)
            self._state = state
            self.stateChanged.emit(state)

    def question(self) -> Question | None:
        return self._question

    def report(self) -> Report | None:
        return self._report

    def review_take_id(self) -> int | None:
        """The history id of the take the review shows (None when it shows none)."""
        return self._review_take if self._report is not None else None

    @property
    def _busy(self) -> bool:
        """Recording or analysing: a new question, take or recording must wait."""
        return self._state in ("recording", "analysing")

    # --- questions ---------------------------------------------------------------------------

    def choose_question(self, question_id: str, speak: bool = True) -> None:
        if self._busy:
            return
        try:
            q = self.packs.get(question_id)
        except PackError as exc:
            self._fail(str(exc))
            return
        self._set_question(q, speak)

    def surprise(self, pack: str = "", topic: str = "", speak: bool = True) -> None:
        if self._busy:
            return
        try:
            q = self.packs.random(pack or None, topic or None, exclude=set(self._recent[-5:]))
        except PackError as exc:
            self._fail(str(exc))
            return
        self._set_question(q, speak)

    def _set_question(self, q: Question, speak: bool) -> None:
        self._question = q
        self._recent.append(q.id)
        self.questionChanged.emit(q)
        if speak:
            self.read_question()
        elif self._state != "review":
            self._set_state("idle")

    def read_question(self) -> None:
        """Read the current question aloud (state 'asking' until it is done)."""
        if self._question is None or self._busy:
            return
        self.stop_playback()
        self.speaker.stop()
        if self.speaker.say(self._question.prompt):
            self._set_state("asking")
        else:
            self.ttsChanged.emit(False, self.speaker.unavailable_reason)
            self._set_state("idle")

    def _on_speech_done(self, _text: str, _completed: bool) -> None:
        if self._state == "asking":
            self._set_state("idle")
        if not self.speaker.available:
            self.ttsChanged.emit(False, self.speaker.unavailable_reason)

    # --- recording ---------------------------------------------------------------------------

    def level(self) -> Any:
        rec = self._recorder
        return rec.level() if rec is not None and self._state == "recording" else 0.0

    def elapsed_s(self) -> float:
        rec = self._recorder
        return float(rec.elapsed_s) if rec is not None else 0.0

    def check_input(self, rescan: bool = False) -> None:
        """Say whether Record can work (`inputChanged`), before anyone presses it.

        `rescan`: devices may have been plugged in or out; ask the device layer to look again
        (only when nothing is recording or playing, since that restarts PortAudio).
        """
        quiet = not (self.player.playing or self.player.paused)
        look_again = getattr(self.layer, "rescan", None)
        if rescan and look_again is not None and self._state in ("idle", "review") and quiet:
            try:
                # close the finished streams the players keep, or PortAudio cannot restart
                self.speaker.stop()
                self.player.stop()
                look_again()
            except VoiceCoachError as exc:
                log.warning("%s", exc)
        from voicecoach.audio.devices import resolve_device

        reason = ""
        try:
            resolve_device(
                self.layer.list_input_devices(), self.settings.audio.input_device, "input"
            )
        except VoiceCoachError as exc:
            reason = str(exc)
        self.inputChanged.emit(not reason, reason)

    def start_recording(self) -> None:
        if self._busy:
            return
        if self._question is None:
            self.surprise(speak=False)
            if self._question is None:
                return
        q = self._question
        self.speaker.stop()
        self.stop_playback()
        take_id: int | None = None
        stream = self._new_stream()
        try:
            path = self.paths.new_take_path(q.id)
            take_id = self.history.start_take(q.id, q.pack, q.prompt, path)
            kwargs: dict[str, Any] = {"on_error": self._recordingFailed.emit}
            recs: list[Any] = []
            if stream is not None:
                # Runs on the recorder's tap thread; the device rate is final before the 1st block.
                kwargs["on_block"] = lambda block: stream.feed(block, recs[0].rate_hz)
            rec = self._recorder_factory(self.layer, path, self.settings.audio, **kwargs)
            recs.append(rec)
            rec.start()
        except VoiceCoachError as exc:
            if stream is not None:
                stream.abort()
            if take_id is not None:
                self._forget_take(take_id)
            self._fail(str(exc))
            self._set_state("idle")
            self.check_input()  # a microphone gone since the last check: Record says so now
            return
        self._recorder, self._take_id, self._take_path = rec, take_id, path
        self._stream = stream
        self._live_shown = None
        self._set_state("recording")
        if stream is not None and self.settings.ui.live_cues:
            self._live_timer.start()

    def _new_stream(self) -> Any:
        """A streaming transcriber when the transcriber can take stretches of an answer."""
        if not (
            self.settings.transcriber.streaming
            and getattr(self.transcriber, "supports_streaming", False)
        ):
            return None
        from voicecoach.speech.streaming import StreamingTranscriber

        return StreamingTranscriber(self.transcriber)

    def _poll_live(self) -> None:
        stream, rec = self._stream, self._recorder
        if stream is None or rec is None or self._state != "recording":
            self._live_timer.stop()
            return
        from voicecoach.analysis import targets_for
        from voicecoach.analysis.live import latch, live_status

        targets = targets_for(self._question, self.settings.analysis)
        elapsed = float(rec.elapsed_s)
        status = live_status(stream.words_so_far(), elapsed, targets)
        self._live_shown = latch(self._live_shown, status, elapsed, targets)
        self.liveStatusChanged.emit(self._live_shown)

    def _forget_take(self, take_id: int) -> None:
        try:
            self.history.delete(take_id)
        except VoiceCoachError as exc:
            log.warning("Could not remove the empty take %s: %s", take_id, exc)

    def stop_recording(self) -> None:
        if self._state != "recording" or self._recorder is None:
            return
        rec, take_id, stream = self._recorder, self._take_id, self._stream
        self._recorder, self._stream = None, None
        self._live_timer.stop()
        result = rec.stop()  # returns once the stream has been fed every block
        assert take_id is not None
        try:
            self.history.finish_recording(take_id, result.duration_s)
        except VoiceCoachError as exc:
            self._fail(str(exc))
        if result.error:
            self._fail(result.error)
        if result.duration_s < MIN_TAKE_S:
            if stream is not None:
                stream.abort()
            self._forget_take(take_id)
            self._fail("That recording was too short to analyse. Press Record and answer out loud.")
            self._set_state("idle")
            self.refresh_history()
            return
        self.refresh_history()
        self._analyse(take_id, result.path, self._question, stream)

    def _on_recording_failed(self, message: str) -> None:
        # The recorder stopped on its own (unplugged, disk full): keep and analyse what we have.
        if self._state == "recording":
            self.stop_recording()

    # --- analysis ----------------------------------------------------------------------------

    def _analyse(
        self, take_id: int, path: Path, question: Question | None, stream: Any = None
    ) -> None:
        from voicecoach.analysis import analyze, targets_for
        from voicecoach.pipeline import transcribe_file

        transcriber, settings = self.transcriber, self.settings.analysis
        targets = targets_for(question, settings)
        model = getattr(transcriber, "model_name", "")

        # Runs on the "model" pool; knows nothing about Qt.
        def analyse_take(progress: Callable[[float], None], cancel: threading.Event) -> Report:
            if not Path(path).exists():
                raise AudioError(f"The recording {path} is missing; it cannot be analysed.")
            if stream is not None:
                # Most of the answer was transcribed while it was spoken; only the tail is left.
                try:
                    transcript = stream.finish(model)
                except VoiceCoachError:
                    raise
                except Exception:
                    log.exception("Streaming transcription failed; transcribing the file instead")
                else:
                    progress(1.0)
                    return analyze(transcript, question, settings, targets)
            # Long files are decoded and transcribed in blocks (memory does not grow with length).
            transcript = transcribe_file(path, transcriber, progress=progress, cancel=cancel)
            return analyze(transcript, question, settings, targets)

        self._analysing_take = take_id
        self._analysed_with = transcriber
        self._set_state("analysing")
        self.progressChanged.emit(0.0)
        handle = self.tasks.submit(
            analyse_take,
            on_done=lambda report, error: self._analysis_done(
                take_id, path, question, report, error
            ),
            on_progress=self.progressChanged.emit,
            pool="model",
        )
        # A synchronous runner has already delivered the result by now.
        self._task = handle if self._analysing_take == take_id else None

    def cancel_analysis(self) -> None:
        if self._task is not None and self._state == "analysing":
            self._task.cancel()

    def _analysis_done(
        self,
        take_id: int,
        path: Path,
        question: Question | None,
        report: Report | None,
        error: BaseException | None,
    ) -> None:
        self._task = None
        self._analysing_take = None
        used, self._analysed_with = self._analysed_with, None
        if isinstance(error, ModelError) and (
            self._fall_back_to_bundled(error) or (used is not None and used is not self.transcriber)
        ):
            # The chosen model failed to load under this take: analyse it with the bundled one.
            self._analyse(take_id, path, question)
            return
        if error is not None:
            self._queue.clear()
            if isinstance(error, OperationCancelled):
                self.noticed.emit("Analysis cancelled. The recording is kept in History.")
            else:
                msg = str(error) if isinstance(error, VoiceCoachError) else _unexpected(error)
                try:
                    self.history.mark_failed(take_id, msg)
                except VoiceCoachError as exc:
                    log.warning("%s", exc)
                self._fail(msg)
            self._set_state("idle")
            self.refresh_history()
            return
        assert report is not None
        try:
            if question is None or question.id == FILE_QUESTION_ID or take_id in self._file_takes:
                self._file_takes.discard(take_id)
                self.history.finish_recording(take_id, report.duration_s)
            self.history.save_report(take_id, to_json(report), report.transcript.model)
        except VoiceCoachError as exc:
            self._fail(str(exc))
        self.refresh_history()
        if self._queue:
            self.analyse_take(self._queue.pop(0))
            return
        self._show_review(take_id, report, question, path, datetime.now().astimezone())

    def analyse_take(self, take_id: int) -> None:
        """Analyse a take that has audio but no report (left by a crash, or cancelled)."""
        if self._busy:
            self._queue.append(take_id)
            return
        try:
            rec = self.history.get(take_id)
        except VoiceCoachError as exc:
            self._fail(str(exc))
            return
        if rec.status == "recording":
            from voicecoach.audio.recorder import repair_wav

            try:
                fixed = repair_wav(rec.audio_path)
                self.history.finish_recording(take_id, fixed.duration_s)
            except VoiceCoachError as exc:
                self.history.mark_failed(take_id, str(exc))
                self._fail(str(exc))
                self.refresh_history()
                return
        self._analyse(take_id, rec.audio_path, self._question_for(rec.question_id))

    def analyse_unfinished(self, take_ids: list[int]) -> None:
        if not take_ids:
            return
        first, *rest = take_ids
        self._queue.extend(rest)
        self.analyse_take(first)

    def analyse_file(self, path: str | Path, question_id: str | None = None) -> None:
        """Analyse an audio file from disk; it is listed in History (the file is not copied).

        `question_id`: the question the answer was for (its targets are used and the take is
        titled with it); None for a general answer against the default targets.
        """
        if self._busy:
            self._fail("Finish the current take first.")
            return
        path = Path(path)
        question: Question | None = None
        if question_id:
            try:
                question = self.packs.get(question_id)
            except PackError as exc:
                self._fail(str(exc))
                return
        try:
            if question is None:
                take_id = self.history.start_take(
                    FILE_QUESTION_ID, "", f"File: {path.name}", path.resolve()
                )
            else:
                take_id = self.history.start_take(
                    question.id, question.pack, question.prompt, path.resolve()
                )
        except VoiceCoachError as exc:
            self._fail(str(exc))
            return
        self._file_takes.add(take_id)
        if question is not None and question is not self._question:
            self._question = question  # "Try again" in its review retries this question
            self.questionChanged.emit(question)
        self.refresh_history()
        self._analyse(take_id, path, question)

    def _question_for(self, question_id: str) -> Question | None:
        if question_id == FILE_QUESTION_ID:
            return None
        try:
            return self.packs.get(question_id)
        except PackError:
            return None

    # --- review ------------------------------------------------------------------------------

    def _show_review(
        self,
        take_id: int,
        report: Report,
        question: Question | None,
        path: Path,
        when: datetime,
    ) -> None:
        self._review_take = take_id
        self._report = report
        self._load_audio(path)
        meta = f"{when.strftime('%a %d %b, %H:%M')}  ·  {fmt_time(report.duration_s)}"
        if report.transcript.model:
            meta += f"  ·  model {report.transcript.model}"
        self.reviewReady.emit(report, question, meta)
        self._set_state("review")

    def _load_audio(self, path: Path) -> None:
        self.stop_playback()
        self._loaded_audio = None
        try:
            self.player.load(path)
            self._loaded_audio = path
        except VoiceCoachError as exc:
            self._fail(f"{exc} The review is shown without audio.")

    def open_take(self, take_id: int) -> None:
        if self._busy:
            return
        try:
            rec = self.history.get(take_id)
        except VoiceCoachError as exc:
            self._fail(str(exc))
            return
        if not rec.report_json:
            self.analyse_take(take_id)
            return
        try:
            report = report_from_json(rec.report_json)
            sections = (rec.corrections or {}).get("sentence_sections")
            if sections:
                report = with_sentence_sections(report, sections, self.settings.analysis)
        except (KeyError, TypeError, ValueError) as exc:
            self._fail(f"The review of this take cannot be read ({exc}).")
            return
        question = self._question_for(rec.question_id)
        if question is not None:
            self._question = question
            self.questionChanged.emit(question)
        self._show_review(take_id, report, question, rec.audio_path, rec.created_at.astimezone())

    def replay_take(self, take_id: int) -> None:
        self.open_take(take_id)
        if self._review_take == take_id and self._state == "review":
            self.play_from(0.0)

    def retry(self, question_id: str | None = None) -> None:
        """Another take of the same question (the current one when no id is given)."""
        qid = question_id or (self._question.id if self._question else None)
        if not qid or qid == FILE_QUESTION_ID:
            return
        self.stop_playback()
        self._set_state("idle")
        self.choose_question(qid, speak=True)

    def delete_take(self, take_id: int) -> None:
        try:
            self.history.delete(take_id)
        except VoiceCoachError as exc:
            self._fail(str(exc))
        if take_id == self._review_take:
            self.stop_playback()
            self._review_take, self._report = None, None
            self.reviewCleared.emit()
            if self._state == "review":
                self._set_state("idle")
        self.refresh_history()

    def refresh_history(self) -> None:
        try:
            self.historyChanged.emit(self.history.list())
        except VoiceCoachError as exc:
            self._fail(str(exc))

    def pack_titles(self) -> dict[str, str]:
        return {name: getattr(p, "title", name) for name, p in self.packs.packs.items()}

    def move_section_edge(self, index: int, t_s: float) -> None:
        """The user dragged a section edge: re-time the sections and keep the correction."""
        report = self._report
        if report is None:
            return
        sections = move_boundary(report, index, t_s)
        if sections is None:
            self.reportCorrected.emit(report)  # snap the timeline back
            return
        self._report = with_sentence_sections(report, sections, self.settings.analysis)
        if self._review_take is not None:
            try:
                self.history.save_corrections(
                    self._review_take, {"sentence_sections": sections, "version": 1}
                )
            except VoiceCoachError as exc:
                self._fail(str(exc))
        self.reportCorrected.emit(self._report)

    # --- playback ----------------------------------------------------------------------------

    def play_from(self, t_s: float) -> None:
        self._play(t_s, None, "")

    def play_section(self, name: str) -> None:
        if self._report is None:
            return
        s = next((s for s in self._report.sections if s.name == name), None)
        if s is not None:
            self._play(s.start_s, s.end_s, f"Playing {name.title()}")

    def _play(self, start_s: float, end_s: float | None, context: str) -> None:
        if self._loaded_audio is None:
            self._fail("There is no recording to play for this review.")
            return
        self.speaker.stop()
        try:
            self.player.play(start_s, end_s, self._speed)
        except VoiceCoachError as exc:
            self._fail(str(exc))
            return
        self._span_end = end_s
        self.playContextChanged.emit(context)
        self.playingChanged.emit(True)
        self.positionChanged.emit(start_s)
        self._play_timer.start()

    def toggle_play(self) -> None:
        p = self.player
        if p.playing:
            p.pause()
            self.playingChanged.emit(False)
        elif p.paused:
            p.resume()
            self.playingChanged.emit(True)
            self._play_timer.start()
        else:
            pos = p.position_s
            if self._report is not None and pos >= self._report.duration_s - 0.05:
                pos = 0.0
            self._play(pos, None, "")

    def seek(self, t_s: float) -> None:
        self.player.seek(t_s)
        self.positionChanged.emit(t_s)

    def set_speed(self, speed: float) -> None:
        self._speed = speed
        if self.player.playing:
            self._play(self.player.position_s, self._span_end, "")

    def stop_playback(self) -> None:
        self._play_timer.stop()
        try:
            self.player.stop()
        except VoiceCoachError as exc:
            log.warning("stopping playback: %s", exc)
        self.playingChanged.emit(False)

    def _poll_playback(self) -> None:
        p = self.player
        self.positionChanged.emit(p.position_s)
        if not p.playing and not p.paused:
            self._play_timer.stop()
            self.playingChanged.emit(False)
            self.playContextChanged.emit("")

    def _on_playback_finished(self) -> None:
        self._poll_playback()

    def _on_playback_failed(self, message: str) -> None:
        self._play_timer.stop()
        self.playingChanged.emit(False)
        self._fail(message)

    # --- settings ----------------------------------------------------------------------------

    def input_devices(self) -> list[str]:
        self.check_input(rescan=True)  # the Settings list shows what is plugged in now
        try:
            return [d.name for d in self.layer.list_input_devices()]
        except VoiceCoachError as exc:
            log.warning("listing input devices: %s", exc)
            return []

    def voices(self) -> list[tuple[str, str]]:
        try:
            return list(self.speaker.voices())
        except Exception:  # a broken TTS engine must not break the settings dialog
            log.exception("listing voices")
            return []

    def apply_settings(self, new: Settings) -> None:
        old, self.settings = self.settings, new
        try:
            new.save(self.paths.settings_path)
        except OSError as exc:
            self._fail(f"Settings could not be saved to {self.paths.settings_path}: {exc}")
        if new.tts != old.tts and self._speaker_factory is not None:
            self.speaker.close()
            self.speaker = self._speaker_factory(new)
            self.speaker.on_done = self._speechDone.emit
            self.ttsChanged.emit(self.speaker.available, self.speaker.unavailable_reason)
        if new.transcriber != old.transcriber and self._transcriber_factory is not None:
            self.transcriber = self._transcriber_factory(new)
            self._preload_model()
        self.check_input()  # the microphone chosen may be another one now
        self.settingsChanged.emit(new)

    # --- shutdown ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop everything in flight; a take being recorded is kept (and offered next time)."""
        self._play_timer.stop()
        self._live_timer.stop()
        if self._stream is not None:
            self._stream.abort()
            self._stream = None
        if self._recorder is not None:
            try:
                result = self._recorder.stop()
                if self._take_id is not None:
                    self.history.finish_recording(self._take_id, result.duration_s)
            except VoiceCoachError as exc:
                log.warning("stopping the recorder at exit: %s", exc)
            self._recorder = None
        if self._task is not None:
            self._task.cancel()
        for close in (self.player.stop, self.speaker.close):
            try:
                close()
            except Exception:
                log.exception("shutdown step failed")
        self.tasks.shutdown(wait=False)

    # --- errors ------------------------------------------------------------------------------

    def _fail(self, message: str) -> None:
        log.warning("%s", message)
        self.errorOccurred.emit(message)


def _unexpected(error: BaseException) -> str:
    return f"Something went wrong: {type(error).__name__}: {error}. Details are in the log."
