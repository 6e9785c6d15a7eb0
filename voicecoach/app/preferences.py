"""SettingsController: what the Settings dialog lists, and applying the user's new settings.

New settings are saved, then each controller they concern is told (a new speaker, a new
transcriber, another microphone) and `settingsChanged` lets the widgets follow.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from voicecoach.app.context import AppContext
from voicecoach.app.model import SpeechModel
from voicecoach.app.practice import PracticeRound
from voicecoach.app.questions import QuestionController
from voicecoach.domain import VoiceCoachError
from voicecoach.settings import Settings

log = logging.getLogger(__name__)


class SettingsController(QObject):
    settingsChanged = Signal(object)  # Settings

    def __init__(
        self,
        ctx: AppContext,
        questions: QuestionController,
        model: SpeechModel,
        practice: PracticeRound,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.questions = questions
        self.model = model
        self.practice = practice
        self._told_unsaved = False

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def input_devices(self) -> list[str]:
        self.practice.check_input(rescan=True)  # the Settings list shows what is plugged in now
        try:
            return [d.name for d in self.ctx.layer.list_input_devices()]
        except VoiceCoachError as exc:
            log.warning("listing input devices: %s", exc)
            return []

    def voices(self) -> list[tuple[str, str]]:
        try:
            return list(self.ctx.speaker.voices())
        except Exception:  # a broken TTS engine must not break the settings dialog
            log.exception("listing voices")
            return []

    def apply_settings(self, new: Settings) -> None:
        ctx = self.ctx
        old, ctx.settings = ctx.settings, new
        try:
            new.save(ctx.paths.settings_path)
        except OSError as exc:
            ctx.fail(f"Settings could not be saved to {ctx.paths.settings_path}: {exc}")
        self.questions.settings_changed(old, new)
        self.model.settings_changed(old, new)
        self.practice.check_input()  # the microphone chosen may be another one now
        self.settingsChanged.emit(new)

    def remember_interview(self, questions: int, follow_ups: bool) -> None:
        """Keep the interview page's last choice (number of questions, follow-ups) in the
        settings file, so the page opens on it next time and after Settings → OK."""
        ctx = self.ctx
        old = ctx.settings.interview
        if (old.questions, old.follow_ups) == (questions, follow_ups):
            return
        interview = replace(old, questions=questions, follow_ups=follow_ups)
        ctx.settings = replace(ctx.settings, interview=interview)
        try:
            ctx.settings.save(ctx.paths.settings_path)
        except OSError as exc:
            if not self._told_unsaved:  # once: the spin box would repeat it at every click
                self._told_unsaved = True
                ctx.fail(
                    f"Your interview choices could not be saved to {ctx.paths.settings_path}: "
                    f"{exc}. They apply until you quit."
                )
