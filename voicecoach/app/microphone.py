"""MicrophoneCheck: whether Record can work, said before anyone presses it."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from voicecoach.app.context import AppContext, Phase
from voicecoach.app.playback import PlaybackController
from voicecoach.domain import VoiceCoachError

log = logging.getLogger(__name__)


class MicrophoneCheck(QObject):
    inputChanged = Signal(bool, str)  # a microphone to record from; the reason when not

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        playback: PlaybackController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.playback = playback

    def check_input(self, rescan: bool = False) -> None:
        """Say whether Record can work (`inputChanged`), before anyone presses it.

        `rescan`: devices may have been plugged in or out; ask the device layer to look again
        (only when nothing is recording or playing, since that restarts PortAudio).
        """
        layer = self.ctx.layer
        look_again = getattr(layer, "rescan", None)
        idle = self.phase.state in ("idle", "review")
        if rescan and look_again is not None and idle and self.playback.quiet:
            try:
                # close the finished streams the players keep, or PortAudio cannot restart
                self.ctx.speaker.stop()
                self.playback.player.stop()
                look_again()
            except VoiceCoachError as exc:
                log.warning("%s", exc)
        from voicecoach.audio.devices import resolve_device

        reason = ""
        try:
            resolve_device(
                layer.list_input_devices(), self.ctx.settings.audio.input_device, "input"
            )
        except VoiceCoachError as exc:
            reason = str(exc)
        self.inputChanged.emit(not reason, reason)
