"""Session: the app's controllers, built together from the engine parts they share.

Each activity has its own small controller (see HOUSE_STYLE "Controllers stay small"):

- `questions`  QuestionController - which question, reading it aloud, trying it again
- `microphone` MicrophoneCheck - whether Record can work, said before it is pressed
- `practice`   PracticeRound - recording an answer, live coaching, handing it to analysis
- `analyser`   TakeAnalyser - a take's audio to a Report on the model pool, a queue of takes
- `review`     ReviewController - the take under review, section edges moved by the user
- `playback`   PlaybackController - playing the answer under review
- `library`    TakeLibrary - history: list, open, replay, delete, analyse a file, crash recovery
- `model`      SpeechModel - the transcriber, preloading it, falling back to the bundled one
- `prefs`      SettingsController - what Settings lists, applying new settings
- `interview`  InterviewController - a mock interview run, on top of the practice round
- `interviews` InterviewLibrary - past runs: list, open the summary, delete, crash recovery

They share one `AppContext` (settings, paths, history, devices, speaker, tasks, packs, and the
error/notice/warning signals) and the round's `Phase` (idle → asking → recording → analysing →
review). `app/main.py` wires each widget to the controller of its activity.

For callers that still treat the session as one object (tests, benches, the export and
progress controllers), the old names are forwarded to the controller that owns them
(`FORWARDED`); new code should use the controllers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from voicecoach.app.analyser import TakeAnalyser
from voicecoach.app.context import STATES, AppContext, Phase
from voicecoach.app.interview_library import InterviewLibrary
from voicecoach.app.interview_run import InterviewController
from voicecoach.app.library import TakeLibrary
from voicecoach.app.microphone import MicrophoneCheck
from voicecoach.app.model import SpeechModel
from voicecoach.app.playback import PlaybackController
from voicecoach.app.practice import MIN_TAKE_S, PracticeRound
from voicecoach.app.preferences import SettingsController
from voicecoach.app.questions import FILE_QUESTION_ID, QuestionController
from voicecoach.app.review import ReviewController, move_boundary, with_sentence_sections
from voicecoach.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "FILE_QUESTION_ID",
    "MIN_TAKE_S",
    "STATES",
    "Session",
    "move_boundary",
    "with_sentence_sections",
]

# old Session names -> the controller that owns them now
FORWARDED: dict[str, tuple[str, ...]] = {
    "ctx": (
        "paths",
        "history",
        "speaker",
        "tasks",
        "packs",
        "errorOccurred",
        "noticed",
        "warned",
    ),
    "phase": ("state", "stateChanged"),
    "questions": (
        "question",
        "choose_question",
        "surprise",
        "read_question",
        "retry",
        "pack_titles",
        "questionChanged",
        "ttsChanged",
    ),
    "practice": (
        "level",
        "elapsed_s",
        "start_recording",
        "stop_recording",
        "liveStatusChanged",
    ),
    "microphone": ("check_input", "inputChanged"),
    "analyser": ("cancel_analysis", "progressChanged"),
    "review": (
        "report",
        "review_take_id",
        "move_section_edge",
        "play_section",
        "reviewReady",
        "reportCorrected",
        "reviewCleared",
    ),
    "playback": (
        "player",
        "play_from",
        "toggle_play",
        "seek",
        "set_speed",
        "stop_playback",
        "positionChanged",
        "playingChanged",
        "playContextChanged",
    ),
    "library": (
        "refresh_history",
        "open_take",
        "replay_take",
        "delete_take",
        "analyse_take",
        "analyse_unfinished",
        "analyse_file",
        "historyChanged",
        "unfinishedFound",
    ),
    "model": ("transcriber", "modelStatusChanged"),
    "prefs": ("input_devices", "voices", "apply_settings", "settingsChanged"),
}
_OWNER = {name: owner for owner, names in FORWARDED.items() for name in names}


class Session(QObject):
    """The controllers of one running app, and its start-up and shutdown."""

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
        if player is None:
            from voicecoach.audio.player import Player

            player = Player(layer, device=None)
        self.ctx = ctx = AppContext(settings, paths, history, layer, speaker, tasks, packs, self)
        self.phase = phase = Phase(self)
        self.model = SpeechModel(ctx, transcriber, transcriber_factory, self)
        self.playback = PlaybackController(ctx, player, self)
        self.questions = QuestionController(ctx, phase, self.playback, speaker_factory, self)
        self.review = ReviewController(ctx, phase, self.playback, self)
        self.analyser = TakeAnalyser(ctx, phase, self.model, self.questions, self.review, self)
        self.microphone = MicrophoneCheck(ctx, phase, self.playback, self)
        self.practice = PracticeRound(
            ctx,
            phase,
            self.questions,
            self.playback,
            self.model,
            self.analyser,
            self.microphone,
            recorder_factory,
            self,
        )
        self.library = TakeLibrary(
            ctx, phase, self.questions, self.review, self.playback, self.analyser, self
        )
        self.prefs = SettingsController(ctx, self.questions, self.model, self.practice, self)
        self.interview = InterviewController(
            ctx, phase, self.questions, self.practice, self.analyser, self.library, self
        )
        self.interviews = InterviewLibrary(ctx, self.library, self.interview.run_id, self)
        self.interview.runningChanged.connect(lambda _on: self.interviews.refresh_runs())
        self.practice.historyChanged.connect(self.library.refresh_history)
        self.analyser.historyChanged.connect(self.library.refresh_history)
        self.phase.stateChanged.connect(self._warm_lookahead)

    def __getattr__(self, name: str) -> Any:
        owner = _OWNER.get(name)
        if owner is None or owner not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self.__dict__[owner], name)

    # the settings and the sound devices can be replaced (tests, benches); every controller reads
    # them from the context when it uses them
    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.ctx.settings = value

    @property
    def layer(self) -> Any:
        return self.ctx.layer

    @layer.setter
    def layer(self, value: Any) -> None:
        self.ctx.layer = value

    # --- start-up ----------------------------------------------------------------------------

    def start(self) -> None:
        """Preload the model, announce TTS, list history and offer unfinished takes back."""
        self.questions.announce()
        self.microphone.check_input()
        self.model.preload()
        warnings = self._startup_warnings()
        if warnings:
            self.ctx.warned.emit(" ".join(warnings))
        self.library.refresh_history()
        self.library.offer_unfinished()
        self.interviews.refresh_runs()
        self.interviews.recover()
        if self.questions.question() is None and self.ctx.packs.questions():
            self.questions.surprise("", "", speak=False)

    def _startup_warnings(self) -> list[str]:
        """Problems found while opening history and packs that the user should hear about."""
        out: list[str] = []
        moved = getattr(self.ctx.history, "recovered_from_corruption", None)
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
        errors = tuple(getattr(self.ctx.packs, "errors", ()))
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

    def _warm_lookahead(self, state: str) -> None:
        """A question being read aloud is about to be answered: start the look-ahead process
        now. Recording starts it anyway."""
        if state == "asking":
            self.practice.warm_lookahead()

    # --- shutdown ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop everything in flight; a take being recorded is kept (and offered next time)."""
        self.interview.shutdown()  # first: a question cut short must not start an answer
        self.practice.shutdown()
        self.analyser.shutdown()
        self.playback.shutdown()
        for close in (self.ctx.speaker.close, self.model.close):
            try:
                close()
            except Exception:
                log.exception("shutdown step failed")
        self.ctx.tasks.shutdown(wait=False)
