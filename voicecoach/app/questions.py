"""QuestionController: which question is being practised, and reading it aloud.

Reading aloud puts the round in 'asking' until the speaker is done. The speaker's callback
arrives on its own thread and is re-emitted through a private signal (GUI thread after it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach.app.context import AppContext, Phase
from voicecoach.app.playback import PlaybackController
from voicecoach.domain import PackError, Question
from voicecoach.settings import Settings

FILE_QUESTION_ID = "file"


class QuestionController(QObject):
    questionChanged = Signal(object)  # Question | None
    ttsChanged = Signal(bool, str)  # available, reason when not

    _speechDone = Signal(str, bool)
    _speechNotice = Signal(str)  # the natural voice failed; the standard one reads instead

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        playback: PlaybackController,
        speaker_factory: Callable[[Settings], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.playback = playback
        self._speaker_factory = speaker_factory
        self._question: Question | None = None
        self._recent: list[str] = []
        self._hook(ctx.speaker)
        self._speechDone.connect(self._on_speech_done)
        self._speechNotice.connect(self.ctx.warned.emit)

    def _hook(self, speaker: Any) -> None:
        """Hear from a speaker (on its own thread) through queued signals."""
        speaker.on_done = self._speechDone.emit
        if hasattr(speaker, "on_notice"):
            speaker.on_notice = self._speechNotice.emit

    def question(self) -> Question | None:
        return self._question

    def announce(self) -> None:
        """Say whether questions can be read aloud."""
        sp = self.ctx.speaker
        self.ttsChanged.emit(sp.available, sp.unavailable_reason)

    def choose_question(self, question_id: str, speak: bool = True) -> None:
        if self.phase.busy:
            return
        try:
            q = self.ctx.packs.get(question_id)
        except PackError as exc:
            self.ctx.fail(str(exc))
            return
        self._set_question(q, speak)

    def surprise(self, pack: str = "", topic: str = "", speak: bool = True) -> None:
        if self.phase.busy:
            return
        try:
            q = self.ctx.packs.random(pack or None, topic or None, exclude=set(self._recent[-5:]))
        except PackError as exc:
            self.ctx.fail(str(exc))
            return
        self._set_question(q, speak)

    def show(self, q: Question) -> None:
        """Make `q` current without reading it (a take of it reopened or analysed)."""
        self._question = q
        self.questionChanged.emit(q)

    def question_for(self, question_id: str) -> Question | None:
        """The question a stored take answered (None for a file or a question no longer here)."""
        if question_id == FILE_QUESTION_ID:
            return None
        try:
            return self.ctx.packs.get(question_id)
        except PackError:
            return None

    def _set_question(self, q: Question, speak: bool) -> None:
        self._question = q
        self._recent.append(q.id)
        self.questionChanged.emit(q)
        if speak:
            self.read_question()
        elif self.phase.state != "review":
            self.phase.set("idle")

    def read_question(self) -> None:
        """Read the current question aloud (state 'asking' until it is done)."""
        if self._question is None or self.phase.busy:
            return
        self.say(self._question.prompt)

    def say(self, text: str) -> bool:
        """Read `text` aloud ('asking' until done); False (and 'idle') when it cannot be."""
        self.playback.stop_playback()
        speaker = self.ctx.speaker
        speaker.stop()
        if speaker.say(text):
            self.phase.set("asking")
            return True
        self.ttsChanged.emit(False, speaker.unavailable_reason)
        self.phase.set("idle")
        return False

    def retry(self, question_id: str | None = None) -> None:
        """Another take of the same question (the current one when no id is given)."""
        qid = question_id or (self._question.id if self._question else None)
        if not qid or qid == FILE_QUESTION_ID:
            return
        self.playback.stop_playback()
        self.phase.set("idle")
        self.choose_question(qid, speak=True)

    def pack_titles(self) -> dict[str, str]:
        return {name: getattr(p, "title", name) for name, p in self.ctx.packs.packs.items()}

    def settings_changed(self, old: Settings, new: Settings) -> None:
        """A new speaker when the reading-aloud settings changed."""
        if new.tts != old.tts and self._speaker_factory is not None:
            self.ctx.speaker.close()
            self.ctx.speaker = self._speaker_factory(new)
            self._hook(self.ctx.speaker)
            self.announce()

    def _on_speech_done(self, _text: str, _completed: bool) -> None:
        if self.phase.state == "asking":
            self.phase.set("idle")
        if not self.ctx.speaker.available:
            self.ttsChanged.emit(False, self.ctx.speaker.unavailable_reason)
