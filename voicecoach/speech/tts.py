"""Read questions aloud: a `Speaker` Protocol, pyttsx3 behind it, and a silent `NullSpeaker`.

pyttsx3 is not thread-safe, so its engine is created and driven on ONE thread fed by a queue,
and only once per process (see `_EngineHost`). Each `Pyttsx3Speaker` has its own thread that
asks that engine to synthesise (`save_to_file`) at the engine's own rate, time-stretches the
result to `TtsSettings.rate_wpm` (pyttsx3 2.99's espeak driver applies rate changes late, to
some later utterance) and plays it through our own `Player` on the app's device layer. That
keeps playback stoppable (the espeak driver on Linux shells out to `aplay`, uninterruptibly),
sends it to the same output device as replays, and lets tests capture it with the fake device.

Nothing here blocks the caller for long: the constructor waits at most `init_timeout_s` for the
engine, `say` only queues, and a synthesis that does not come back within its timeout marks the
speaker unavailable and reports the utterance as not done.
When the engine cannot start (no espeak-ng, no output device) `available` is False,
`unavailable_reason` says why in one line, and `say` returns False without doing anything.

`on_done(text, completed)` is called once per accepted `say` (completed=False when stopped or
failed) from a worker thread; the Qt layer must hand it to the GUI thread.

The optional natural voice (piper, `neural_tts.py`) has the same contract; `make_speaker` picks
it for a `piper:` voice id, with a pyttsx3 speaker behind it for when it fails.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import soundfile as sf

from voicecoach.audio.devices import DeviceLayer
from voicecoach.audio.player import MAX_SPEED, MIN_SPEED, Player
from voicecoach.audio.stretch import time_stretch
from voicecoach.domain import VoiceCoachError
from voicecoach.settings import TtsSettings
from voicecoach.speech.voices import is_neural

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

    engine = pyttsx3.init()
    _quiet_driver(engine)
    return engine


def _quiet_driver(engine: Any) -> None:
    """Send the driver's own prints to the log instead of the terminal.

    pyttsx3's espeak driver prints "Audio saved to <file>" on stdout after every
    `save_to_file`, and every question is synthesised to a temporary file that way. The
    module's `print` is replaced (that module only; nothing process-wide is redirected).
    """
    driver = getattr(getattr(engine, "proxy", None), "_module", None)
    if driver is None or not hasattr(driver, "buildDriver"):
        return

    def to_log(*args: Any, **_kw: Any) -> None:
        log.debug("pyttsx3 driver: %s", " ".join(str(a) for a in args))

    driver.print = to_log


@dataclass(eq=False)
class _Synth:
    text: str
    voice: str | None
    path: Path
    done: threading.Event = field(default_factory=threading.Event)
    error: str = ""


class _EngineHost:
    """One pyttsx3 engine on one thread, created once and kept for the whole process.

    Why not one engine per speaker: pyttsx3 hands back the same engine for a driver while it is
    alive, and when an engine is garbage-collected its espeak driver unregisters espeak's (global)
    synthesis callback, silently breaking any engine created after it. So the engine is created
    once, never dropped, and every speaker sends it synthesis jobs.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._q: queue.Queue[_Synth] = queue.Queue()
        self.ready = threading.Event()
        self.error = ""  # set when the engine cannot be used (start failure or a wedged job)
        self.voices: list[tuple[str, str]] = []
        self.base_rate_wpm = 200.0  # the engine's speaking rate, left as it is
        self._default_voice: str | None = None
        self._voice: str | None = None  # the voice the engine is set to
        threading.Thread(target=self._run, name="tts-engine", daemon=True).start()

    def _run(self) -> None:
        try:
            engine = self._factory()
            self.voices = [(str(v.id), str(v.name)) for v in engine.getProperty("voices")]
            voice = engine.getProperty("voice")
            self._default_voice = self._voice = None if voice is None else str(voice)
            self.base_rate_wpm = float(engine.getProperty("rate") or 200.0)
        except Exception as exc:
            self.error = f"Text-to-speech could not start: {exc}"
            log.warning("%s", self.error)
            self.ready.set()
            return
        self.ready.set()
        while True:
            job = self._q.get()
            try:
                # Rate is not set here: with pyttsx3 2.99's espeak driver a changed rate often
                # only applies to a later utterance. Speakers time-stretch instead.
                voice = job.voice if job.voice is not None else self._default_voice
                if voice is not None and voice != self._voice:
                    engine.setProperty("voice", voice)
                    self._voice = voice
                engine.save_to_file(job.text, str(job.path))
                engine.runAndWait()
            except Exception as exc:
                log.exception("Speech synthesis failed")
                job.error = str(exc) or type(exc).__name__
            job.done.set()

    def synthesize(self, job: _Synth, timeout_s: float) -> bool:
        """Synthesise `job.text` to `job.path`; False on failure or timeout (host then broken)."""
        if self.error:
            return False
        self._q.put(job)
        if not job.done.wait(timeout_s):
            self.error = "The speech engine stopped responding; questions will not be read aloud."
            log.warning("%s", self.error)
            return False
        return not job.error


_shared_host: _EngineHost | None = None
_shared_lock = threading.Lock()


def _host_for(factory: Callable[[], Any] | None) -> _EngineHost:
    global _shared_host
    if factory is not None:
        return _EngineHost(factory)  # tests: a private engine
    with _shared_lock:
        if _shared_host is None:
            _shared_host = _EngineHost(_default_engine)
        return _shared_host


class _QueuedSpeaker:
    """What the speakers that read on their own thread share: a queue of `_Job`s (and the
    `_STOP` request) in `self._q`, and `on_done` called once per job."""

    _q: queue.Queue
    on_done: OnDone | None

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


class Pyttsx3Speaker(_QueuedSpeaker):
    """Speaks through pyttsx3 (synthesis) and `layer` (playback), never blocking the caller.

    `engine_factory` is for tests; by default all speakers share one process-wide engine.
    """

    def __init__(
        self,
        settings: TtsSettings,
        layer: DeviceLayer | None = None,
        *,
        output_device: str | int | None = None,
        engine_factory: Callable[[], Any] | None = None,
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
        self._synth_timeout_s = synth_timeout_s
        self._reason = ""
        self._voice: str | None = None
        self._q: queue.Queue[Any] = queue.Queue()
        self._generation = 0
        self._ids = itertools.count()
        self._player: Player | None = None
        self._tmpdir = Path(tempfile.mkdtemp(prefix="voicecoach-tts-"))
        self._thread = threading.Thread(target=self._run, name="tts-speaker", daemon=True)
        self._check_output()
        if self._reason:
            self._host: _EngineHost | None = None
            return
        self._host = _host_for(engine_factory)
        if not self._host.ready.wait(init_timeout_s):
            self._set_unavailable(
                f"The speech engine did not start within {init_timeout_s:g} s; "
                "questions will not be read aloud."
            )
            return
        if self._host.error:
            self._set_unavailable(self._host.error)
            return
        voice = settings.voice
        if voice is not None and voice not in {vid for vid, _ in self._host.voices}:
            log.warning("TTS voice %r not found; using the default voice", voice)
            voice = None
        self._voice = voice
        self._player = Player(layer, device=output_device)
        self._thread.start()

    # --- Speaker -----------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        if not self._reason and self._host is not None and self._host.error:
            self._set_unavailable(self._host.error)
        return not self._reason

    @property
    def unavailable_reason(self) -> str:
        self.available  # noqa: B018 - picks up a failure of the shared engine
        return self._reason

    def say(self, text: str) -> bool:
        if not self.available or not text.strip():
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
        if not self.available or self._host is None:
            return []
        return list(self._host.voices)

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

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is _STOP:
                return
            job: _Job = item
            if job.generation != self._generation or not self.available:
                self._finish(job, False)
                continue
            try:
                completed = self._speak(job)
            except Exception as exc:  # one bad utterance must not kill the thread
                log.exception("Speaking failed")
                if isinstance(exc, VoiceCoachError):
                    self._set_unavailable(f"Questions cannot be read aloud: {exc}")
                completed = False
            self._finish(job, completed)
            if not self.available:  # engine or device gone: report the rest as not done
                self._drop_pending()

    def _speak(self, job: _Job) -> bool:
        host, player = self._host, self._player
        assert host is not None and player is not None
        path = self._tmpdir / f"utt-{job.id}.wav"
        synth = _Synth(job.text, self._voice, path)
        if not host.synthesize(synth, self._synth_timeout_s):
            return False
        try:
            if job.generation != self._generation:
                return False
            samples, rate_hz = sf.read(str(path), dtype="float32")
        except (OSError, sf.SoundFileError, RuntimeError):
            log.exception("Cannot read synthesised speech")
            return False
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        speed = min(max(self._settings.rate_wpm / host.base_rate_wpm, MIN_SPEED), MAX_SPEED)
        if abs(speed - 1.0) > 0.01:
            samples = time_stretch(samples, rate_hz, speed)
        player.load_array(samples, rate_hz)
        duration_s = player.duration_s
        finished = threading.Event()
        player.on_finished = finished.set
        player.on_error = lambda msg: finished.set()
        if job.generation != self._generation:
            return False
        player.play()
        # Wake up now and then: stop() ends playback without a natural finish.
        waited, limit = 0.0, duration_s + 5.0
        while not finished.wait(0.1):
            waited += 0.1
            if job.generation != self._generation or waited > limit:
                player.stop()
                return False
        return player.position_s >= player.duration_s - 1e-3


def make_speaker(settings: TtsSettings, layer: DeviceLayer | None = None) -> Speaker:
    """The speaker the settings ask for: pyttsx3 (the default), the natural voice with pyttsx3
    behind it (`voices.is_neural(settings.voice)`), or silence when reading aloud is off.

    The natural voice is a `neural_tts.FallbackSpeaker`: it has an extra `on_notice(text)` hook
    for the one-line notice given when it falls back to pyttsx3.
    """
    if not settings.enabled:
        return NullSpeaker()
    if is_neural(settings.voice):
        from voicecoach.speech.neural_tts import FallbackSpeaker, PiperSpeaker

        if layer is None:
            from voicecoach.audio.devices import SoundDeviceLayer

            layer = SoundDeviceLayer()
        standard = Pyttsx3Speaker(replace(settings, voice=None), layer)
        return FallbackSpeaker(PiperSpeaker(settings, layer), standard)
    return Pyttsx3Speaker(settings, layer)
