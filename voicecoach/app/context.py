"""What every controller shares: the engine parts, the round's phase, one way to report.

`AppContext` holds the settings (replaced as a whole when the user changes them), the paths,
history, sound devices, speaker, task runner and packs, and the window-wide signals: errors,
notices and warnings. `Phase` is the state of the practice round (idle → asking → recording →
analysing → review) that several controllers move and the window follows. No widget here.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach.settings import Settings

log = logging.getLogger(__name__)

STATES = ("idle", "asking", "recording", "analysing", "review")


class Phase(QObject):
    """The practice round's state; `busy` while recording or analysing."""

    stateChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = "idle"

    @property
    def state(self) -> str:
        return self._state

    def set(self, state: str) -> None:
        assert state in STATES, state
        if state != self._state:
            log.debug("state %s -> %s", self._state, state)
            self._state = state
            self.stateChanged.emit(state)

    @property
    def busy(self) -> bool:
        """Recording or analysing: a new question, take or recording must wait."""
        return self._state in ("recording", "analysing")


class AppContext(QObject):
    """The shared engine parts and the window-wide messages."""

    errorOccurred = Signal(str)
    noticed = Signal(str)
    warned = Signal(str)  # something went wrong but was dealt with (shown as a warning)

    def __init__(
        self,
        settings: Settings,
        paths: Any,  # voicecoach.store.paths.AppPaths
        history: Any,  # voicecoach.store.history.History
        layer: Any,  # voicecoach.audio.devices.DeviceLayer
        speaker: Any,  # voicecoach.speech.tts.Speaker
        tasks: Any,  # TaskRunner / SyncTaskRunner
        packs: Any,  # voicecoach.packs.PackSet
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.paths = paths
        self.history = history
        self.layer = layer
        self.speaker = speaker
        self.tasks = tasks
        self.packs = packs

    def fail(self, message: str) -> None:
        log.warning("%s", message)
        self.errorOccurred.emit(message)


def unexpected(error: BaseException) -> str:
    return f"Something went wrong: {type(error).__name__}: {error}. Details are in the log."
