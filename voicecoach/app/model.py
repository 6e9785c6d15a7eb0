"""SpeechModel: which transcriber the app uses, loading it, and falling back to the bundled one.

The chosen model is preloaded on the "model" pool at start-up and after Settings change it. A
model that cannot be loaded is replaced by the bundled one with a warning; the user's choice is
kept in Settings (it may work again once installed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach.app.context import AppContext, unexpected
from voicecoach.domain import ModelError, VoiceCoachError
from voicecoach.settings import BUNDLED_MODEL, Settings

log = logging.getLogger(__name__)


class SpeechModel(QObject):
    modelStatusChanged = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        transcriber: Any,  # .transcribe(path, progress=, cancel=) -> Transcript
        factory: Callable[[Settings], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.transcriber = transcriber
        self._factory = factory

    def preload(self) -> None:
        load = getattr(self.transcriber, "load", None) or getattr(self.transcriber, "preload", None)
        if load is None:
            return
        self.modelStatusChanged.emit("Loading the speech model…")

        def done(_result: Any, error: BaseException | None) -> None:
            if error is None:
                self.modelStatusChanged.emit("Speech model ready")
            elif isinstance(error, ModelError) and self.fall_back_to_bundled(error):
                pass
            else:
                self.modelStatusChanged.emit("Speech model not loaded")
                self.ctx.fail(
                    str(error) if isinstance(error, VoiceCoachError) else unexpected(error)
                )

        self.ctx.tasks.submit(load, on_done=done, pool="model")

    def fall_back_to_bundled(self, error: ModelError) -> bool:
        """The chosen model cannot be loaded: use the bundled one, say so in the banner.

        The user's choice stays in Settings (it may work again once installed or online)."""
        model = getattr(self.transcriber, "model_name", BUNDLED_MODEL)
        if model == BUNDLED_MODEL or self._factory is None:
            return False
        log.warning("Model %s not loaded, falling back to %s: %s", model, BUNDLED_MODEL, error)
        settings = self.ctx.settings
        fallback = replace(settings.transcriber, model=BUNDLED_MODEL)
        self._replace(self._factory(replace(settings, transcriber=fallback)))
        self.ctx.warned.emit(
            f"{str(error).rstrip('.')}. Using the bundled model (Whisper tiny.en) until this is "
            "fixed; choose a model in Settings → Speech model."
        )
        self.preload()
        return True

    def settings_changed(self, old: Settings, new: Settings) -> None:
        """A new transcriber when its settings changed (and one can be built here)."""
        if new.transcriber != old.transcriber and self._factory is not None:
            self._replace(self._factory(new))
            self.preload()

    def close(self) -> None:
        """At quit: end the transcriber's helper process, if it has one."""
        close = getattr(self.transcriber, "close", None)
        if close is not None:
            close()

    def _replace(self, transcriber: Any) -> None:
        self.close()  # the old model's look-ahead process is of no more use
        self.transcriber = transcriber
