"""Preview a reading voice: one sample sentence, read off the caller's thread, stoppable.

Settings → Reading voice → Preview calls `start(voice_id, rate_wpm, on_done)` and returns at
once; a worker thread builds the speaker for that voice (`make_speaker`, which can wait a few
seconds for pyttsx3 or load the natural voice) and reads `SAMPLE`. `on_done(completed, note)`
comes from a worker thread once per `start`: `note` says why nothing was heard, or that the
natural voice fell back to the standard one. A new `start` or `stop` cuts the one playing.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voicecoach.audio.devices import DeviceLayer
from voicecoach.settings import TtsSettings
from voicecoach.speech.tts import Speaker, make_speaker

log = logging.getLogger(__name__)

SAMPLE = "Tell me about a time you had to win someone over to your idea."
PreviewDone = Callable[[bool, str], None]
SpeakerFactory = Callable[[TtsSettings, DeviceLayer | None], Speaker]


@dataclass(frozen=True)
class _Request:
    voice: str | None
    rate_wpm: int
    on_done: PreviewDone
    generation: int


_CLOSE = object()


class VoicePreviewer:
    """Reads `SAMPLE` in a chosen voice on its own thread; one preview at a time."""

    def __init__(
        self,
        layer: DeviceLayer | None = None,
        *,
        make: SpeakerFactory = make_speaker,
        sample: str = SAMPLE,
    ) -> None:
        self._layer = layer
        self._make = make
        self.sample = sample
        self._q: queue.Queue[Any] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._speaker: Speaker | None = None
        self._speaker_key: tuple[str | None, int] | None = None
        self._thread = threading.Thread(target=self._run, name="tts-preview", daemon=True)
        self._thread.start()

    def start(self, voice: str | None, rate_wpm: int, on_done: PreviewDone) -> None:
        """Read the sample in `voice`; returns at once. Cuts a preview already playing."""
        with self._lock:
            self._generation += 1
            gen = self._generation
            speaker = self._speaker
        if speaker is not None:
            speaker.stop()
        self._q.put(_Request(voice, rate_wpm, on_done, gen))

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            speaker = self._speaker
        if speaker is not None:
            speaker.stop()

    def close(self) -> None:
        """Stop and let the worker close its speaker; does not wait for it."""
        self.stop()
        self._q.put(_CLOSE)

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is _CLOSE:
                if self._speaker is not None:
                    self._speaker.close()
                return
            req: _Request = item
            del item
            self._handle(req)
            # Keep no reference to a finished request: its `on_done` may belong to a caller
            # (a dialog) that must be free to go away on its own thread.
            del req

    def _handle(self, req: _Request) -> None:
        if req.generation != self._generation:
            req.on_done(False, "")
            return
        try:
            self._preview(req)
        except Exception as exc:  # a broken engine must not kill the preview thread
            log.exception("Voice preview failed")
            req.on_done(False, f"The preview could not be played: {exc}")

    def _speaker_for(self, voice: str | None, rate_wpm: int) -> Speaker:
        key = (voice, rate_wpm)
        if self._speaker is None or self._speaker_key != key:
            if self._speaker is not None:
                self._speaker.close()
            with self._lock:
                self._speaker = None
            speaker = self._make(
                TtsSettings(enabled=True, voice=voice, rate_wpm=rate_wpm), self._layer
            )
            with self._lock:
                self._speaker, self._speaker_key = speaker, key
        assert self._speaker is not None
        return self._speaker

    def _preview(self, req: _Request) -> None:
        speaker = self._speaker_for(req.voice, req.rate_wpm)
        notes: list[str] = []
        finished = threading.Event()
        result: list[bool] = []

        def done(_text: str, completed: bool) -> None:
            result.append(completed)
            finished.set()

        speaker.on_done = done
        if hasattr(speaker, "on_notice"):
            speaker.on_notice = notes.append  # type: ignore[attr-defined]
        if req.generation != self._generation:  # stopped while the speaker was being built
            req.on_done(False, "")
            return
        if not speaker.say(self.sample):
            req.on_done(False, speaker.unavailable_reason or "This voice cannot be played.")
            return
        finished.wait()
        note = notes[0] if notes else str(getattr(speaker, "notice", "") or "")
        req.on_done(bool(result and result[0]), note)
