"""Read questions aloud: a `Speaker` Protocol, pyttsx3 behind it, and a silent `NullSpeaker`.

pyttsx3 is not thread-safe, so `Pyttsx3Speaker` creates and drives its engine on ONE thread fed
by a queue. The engine only synthesises (`save_to_file`); the sound goes out through our own
`Player` on the app's device layer. That keeps playback stoppable (pyttsx3's espeak driver on
Linux shells out to `aplay` and cannot be interrupted), sends it to the same output device as
replays, and lets tests capture it with the fake device.

Nothing here ever blocks the caller for long: `say` only queues; a synthesis that does not come
back within its timeout marks the speaker unavailable and reports the utterance as not done.
When the engine cannot start (no espeak-ng, no output device) `available` is False,
`unavailable_reason` says why in one line, and `say` returns False without doing anything.

`on_done(text, completed)` is called once per accepted `say` (completed=False when stopped or
failed) from a worker thread; the Qt layer must hand it to the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from voicecoach.audio.devices import DeviceLayer
from voicecoach.audio.player import Player
from voicecoach.domain import VoiceCoachError
from voicecoach.settings import TtsSettings

log = logging.getLogger(__name__)

OnDone = Callable[[str, bool], None]


class Speaker(Protocol):
    on_done: OnDone | None

    @property
    def available(self) -> bool: ...

    @property
    def unavailable_reason(self) -> str: ...

    def say(self, text: str) -> bool:
        """Queue `text` to be spoken; False (and no `on_done`) when unavailable."""
        ...

    def stop(self) -> None:
        """Stop speaking and drop anything queued (each gets on_done(text, False))."""
        ...

    def voices(self) -> list[tuple[str, str]]:
        """(voice id, display name) pairs; empty when unavailable."""
        ...

    def close(self) -> None: ...


class NullSpeaker:
    """Speaks nothing: for when reading aloud is turned off (or cannot work)."""

    def __init__(self, reason: str = "Reading questions aloud is turned off in Settings.") -> None:
        self.on_done: OnDone | None = None
        self._reason = reason

    @property
    def available(self) -> bool:
        return False

    @property
    def unavailable_reason(self) -> str:
        return self._reason

    def say(self, text: str) -> bool:
        return False

    def stop(self) -> None:
        pass

    def voices(self) -> list[tuple[str, str]]:
        return []

    def close(self) -> None:
        pass


@dataclass(eq=False)
class _Job:
    text: str
    generation: int
    id: int
    done: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_STOP = object()


def _default_engine() -> Any:
    import pyttsx3  # imported here: a broken TTS install must not stop the app from starting

    return pyttsx3.init()


class Pyttsx3Speaker:
    """pyttsx3 on its own thread; audio played through `layer` (the app's device layer)."""

    def __init__(
        self,
        settings: TtsSettings,
        layer: DeviceLayer | None = None,
        *,
        output_device: str | int | None = None,
        engine_factory: Callable[[], Any] = _default_engine,
        init_timeout_s: float = 5.0,
        synth_timeout_s: float = 10.0,
    ) -> None:
        if layer is None:
            from voicecoach.audio.devices import SoundDeviceLayer

            layer = SoundDeviceLayer()
        self.on_done: OnDone | None = None
        self._settings = settings
        self._layer = layer
        self._device = output_device
        self._factory = engine_factory
        self._synth_timeout_s = synth_timeout_s
        self._reason = ""
        self._voices: list[tuple[str, str]] = []
        self._q: queue.Queue[Any] = queue.Queue()
        self._generation = 0
        self._ids = itertools.count()
        self._current: _Job | None = None
        self._player: Player | None = None
        self._ready = threading.Event()
        self._tmpdir = Path(tempfile.mkdtemp(prefix="voicecoach-tts-"))
        self._check_output()
        self._thread = threading.Thread(target=self._run, name="tts-engine", daemon=True)
        if not self._reason:
            self._thread.start()
            if not self._ready.wait(init_timeout_s):
                self._set_unavailable(
                    f"The speech engine did not start within {init_timeout_s:g} s; "
                    "questions will not be read aloud."
                )

    # --- Speaker -----------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return not self._reason

    @property
    def unavailable_reason(self) -> str:
        return self._reason

    def say(self, text: str) -> bool:
        if self._reason or not text.strip():
            return False
        self._q.put(_Job(text, self._generation, next(self._ids)))
        return True

    def stop(self) -> None:
        self._generation += 1
        self._drop_pending()
        player = self._player
        if player is not None:
            player.stop()

    def voices(self) -> list[tuple[str, str]]:
        return [] if self._reason else list(self._voices)

    def close(self) -> None:
        self.stop()
        self._q.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        try:
            for p in self._tmpdir.iterdir():
                p.unlink()
            self._tmpdir.rmdir()
        except OSError:
            pass

    # --- internals ---------------------------------------------------------------------------

    def _check_output(self) -> None:
        try:
            from voicecoach.audio.devices import resolve_device

            resolve_device(self._layer.list_output_devices(), self._device, "output")
        except VoiceCoachError as exc:
            self._set_unavailable(f"Questions cannot be read aloud: {exc}")

    def _set_unavailable(self, reason: str) -> None:
        if not self._reason:
            self._reason = reason
            log.warning("Text-to-speech unavailable: %s", reason)

    def _drop_pending(self) -> None:
        """Report every queued utterance as not done (keeps a queued shutdown request)."""
        keep_stop = False
        while True:
            try:
                item = self._q.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Job):
                self._finish(item, False)
            elif item is _STOP:
                keep_stop = True
        if keep_stop:
            self._q.put(_STOP)

    def _finish(self, job: _Job, completed: bool) -> None:
        with job.lock:
            if job.done:
                return
            job.done = True
        if self.on_done is not None:
            try:
                self.on_done(job.text, completed)
            except Exception:
                log.exception("on_done hook failed")

    def _run(self) -> None:
        try:
            engine = self._factory()
            self._voices = [(str(v.id), str(v.name)) for v in engine.getProperty("voices")]
            engine.setProperty("rate", self._settings.rate_wpm)
            voice = self._settings.voice
            if voice is not None:
                if voice in {vid for vid, _ in self._voices}:
                    engine.setProperty("voice", voice)
                else:
                    log.warning("TTS voice %r not found; using the default voice", voice)
        except Exception as exc:
            self._set_unavailable(f"Text-to-speech could not start: {exc}")
            self._ready.set()
            return
        self._ready.set()
        self._player = Player(self._layer, device=self._device)
        while True:
            item = self._q.get()
            if item is _STOP:
                return
            job: _Job = item
            if job.generation != self._generation or self._reason:
                self._finish(job, False)
                continue
            try:
                completed = self._speak(engine, job)
            except Exception as exc:  # one bad utterance must not kill the thread
                log.exception("Speaking failed")
                if isinstance(exc, VoiceCoachError):
                    self._set_unavailable(f"Questions cannot be read aloud: {exc}")
                completed = False
            self._finish(job, completed)
            if self._reason:  # engine or device gone: stop using them
                self._drop_pending()
                return

    def _speak(self, engine: Any, job: _Job) -> bool:
        path = self._tmpdir / f"utt-{job.id}.wav"
        timer = threading.Timer(self._synth_timeout_s, self._synth_timed_out, args=(job,))
        timer.daemon = True
        timer.start()
        try:
            engine.save_to_file(job.text, str(path))
            engine.runAndWait()
        finally:
            timer.cancel()
        if job.done:  # the watchdog gave up on this one
            return False
        try:
            if job.generation != self._generation or not path.exists():
                return False
            player = self._player
            assert player is not None
            duration_s = player.load(path)
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        finished = threading.Event()
        player.on_finished = finished.set
        player.on_error = lambda msg: finished.set()
        if job.generation != self._generation:
            return False
        player.play()
        # Wake up now and then: stop() ends playback without a natural finish.
        deadline = duration_s + 5.0
        waited = 0.0
        while not finished.wait(0.1):
            waited += 0.1
            if job.generation != self._generation or waited > deadline:
                player.stop()
                return False
        return player.position_s >= player.duration_s - 1e-3

    def _synth_timed_out(self, job: _Job) -> None:
        self._set_unavailable(
            "The speech engine stopped responding; questions will not be read aloud."
        )
        self._finish(job, False)
        self._drop_pending()  # the engine thread is stuck and will not get to them


def make_speaker(settings: TtsSettings, layer: DeviceLayer | None = None) -> Speaker:
    """The speaker the settings ask for: pyttsx3, or silence when reading aloud is off."""
    if not settings.enabled:
        return NullSpeaker()
    return Pyttsx3Speaker(settings, layer)
