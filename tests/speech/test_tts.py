"""Text-to-speech: the real pyttsx3 speaker (espeak-ng, headless) and its failure paths."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.fakes.sound import FakeSoundLayer
from tests.fakes.tts import FakeSpeaker
from voicecoach.audio.devices import SoundDeviceLayer
from voicecoach.domain import DeviceError
from voicecoach.settings import TtsSettings
from voicecoach.speech.tts import NullSpeaker, Pyttsx3Speaker, make_speaker

QUESTION = "Tell me about a time you disagreed with your manager."


def espeak_works() -> bool:
    # Through the speaker's shared engine: a second pyttsx3 engine made here and later
    # garbage-collected would unregister espeak's callback for everyone.
    sp = Pyttsx3Speaker(TtsSettings(), FakeSoundLayer())
    sp.close()
    return sp.available


needs_espeak = pytest.mark.skipif(not espeak_works(), reason="no working pyttsx3 engine")


class Done:
    """Collects on_done calls and lets a test wait for them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool, str]] = []
        self.cond = threading.Condition()

    def __call__(self, text: str, completed: bool) -> None:
        with self.cond:
            self.calls.append((text, completed, threading.current_thread().name))
            self.cond.notify_all()

    def wait(self, n: int = 1, timeout_s: float = 15.0) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: len(self.calls) >= n, timeout_s)


@pytest.fixture
def speakers() -> Iterator[list[Pyttsx3Speaker]]:
    made: list[Pyttsx3Speaker] = []
    yield made
    for s in made:
        s.close()


def audible_s(layer: FakeSoundLayer) -> float:
    x = layer.played[:, 0]
    idx = np.flatnonzero(np.abs(x) > 1e-3)
    return 0.0 if len(idx) == 0 else (idx[-1] - idx[0]) / layer.output_streams[-1].rate_hz


@needs_espeak
def test_speaks_through_the_device_layer(speakers: list) -> None:
    """say() synthesises on the engine thread and the speech reaches the output device."""
    layer = FakeSoundLayer(speed=0)
    sp = Pyttsx3Speaker(TtsSettings(), layer)
    speakers.append(sp)
    assert sp.available, sp.unavailable_reason
    done = Done()
    sp.on_done = done
    t0 = time.monotonic()
    assert sp.say(QUESTION) is True
    assert time.monotonic() - t0 < 0.05  # queued, not spoken on the caller's thread
    assert done.wait()
    text, completed, thread = done.calls[0]
    assert (text, completed) == (QUESTION, True)
    assert thread != threading.current_thread().name
    assert 1.5 < audible_s(layer) < 8.0  # ten words of speech


@needs_espeak
def test_rate_setting_changes_speaking_time(speakers: list) -> None:
    """TtsSettings.rate_wpm reaches the engine: half the rate, about twice the duration."""
    lengths = []
    for wpm in (240, 120):
        layer = FakeSoundLayer(speed=0)
        sp = Pyttsx3Speaker(TtsSettings(rate_wpm=wpm), layer)
        speakers.append(sp)
        done = Done()
        sp.on_done = done
        sp.say(QUESTION)
        assert done.wait()
        lengths.append(audible_s(layer))
        sp.close()
    assert lengths[1] / lengths[0] == pytest.approx(2.0, rel=0.3)


@needs_espeak
def test_stop_cuts_speech_short_and_reports_not_completed(speakers: list) -> None:
    """stop() while speaking ends playback quickly; queued text is dropped, each reported once."""
    layer = FakeSoundLayer(speed=1)  # real time, so there is time to interrupt
    sp = Pyttsx3Speaker(TtsSettings(), layer)
    speakers.append(sp)
    done = Done()
    sp.on_done = done
    sp.say(QUESTION)
    sp.say("A second question that should never be heard.")
    deadline = time.monotonic() + 10
    while not (layer.output_streams and layer.output_streams[-1].frames_done > 8000):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    t0 = time.monotonic()
    sp.stop()
    assert done.wait(2, timeout_s=2.0)
    assert time.monotonic() - t0 < 1.0
    assert sorted(c[:2] for c in done.calls) == sorted(
        [(QUESTION, False), ("A second question that should never be heard.", False)]
    )
    assert len(layer.output_streams) == 1
    assert audible_s(layer) < 2.0


@needs_espeak
def test_voices_listed_and_unknown_voice_falls_back(speakers: list) -> None:
    """voices() gives (id, name) pairs; a stale voice id in settings still speaks."""
    layer = FakeSoundLayer(speed=0)
    sp = Pyttsx3Speaker(TtsSettings(voice="no-such-voice"), layer)
    speakers.append(sp)
    voices = sp.voices()
    assert voices and all(isinstance(v, str) and isinstance(n, str) for v, n in voices)
    done = Done()
    sp.on_done = done
    sp.say("Hello.")
    assert done.wait() and done.calls[0][1] is True


def test_no_output_device_makes_it_unavailable_without_blocking(speakers: list) -> None:
    """With no speaker, the speaker says why in one line and say() is an instant no-op."""
    layer = FakeSoundLayer(outputs=[])
    sp = Pyttsx3Speaker(TtsSettings(), layer)
    speakers.append(sp)
    assert not sp.available
    assert "No speaker" in sp.unavailable_reason and "\n" not in sp.unavailable_reason
    done = Done()
    sp.on_done = done
    assert sp.say(QUESTION) is False
    assert not done.wait(timeout_s=0.2)
    assert sp.voices() == []


def test_real_devices_on_a_machine_without_speakers(speakers: list) -> None:
    """On this headless machine the real device layer reports no speaker, quickly."""
    try:
        has_output = bool(SoundDeviceLayer().list_output_devices())
    except DeviceError:
        has_output = False
    if has_output:
        pytest.skip("this machine has an output device")
    t0 = time.monotonic()
    sp = Pyttsx3Speaker(TtsSettings())
    speakers.append(sp)
    assert time.monotonic() - t0 < 2.0
    assert not sp.available and sp.unavailable_reason
    assert sp.say(QUESTION) is False


def test_engine_that_fails_to_start_is_unavailable(speakers: list) -> None:
    """An engine error at start (no espeak-ng) becomes a one-line reason, not an exception."""

    def broken() -> Any:
        raise OSError("libespeak-ng.so.1: cannot open shared object file")

    sp = Pyttsx3Speaker(TtsSettings(), FakeSoundLayer(), engine_factory=broken)
    speakers.append(sp)
    assert not sp.available
    assert "could not start" in sp.unavailable_reason
    assert sp.say(QUESTION) is False


def test_engine_that_hangs_at_start_does_not_hang_the_app(speakers: list) -> None:
    """A factory that never returns costs at most init_timeout_s, then TTS is off."""
    gate = threading.Event()

    def hangs() -> Any:
        gate.wait()
        raise RuntimeError("released")

    t0 = time.monotonic()
    sp = Pyttsx3Speaker(TtsSettings(), FakeSoundLayer(), engine_factory=hangs, init_timeout_s=0.3)
    assert time.monotonic() - t0 < 1.0
    assert not sp.available and "did not start" in sp.unavailable_reason
    assert sp.say(QUESTION) is False
    gate.set()


class HangingEngine:
    """Starts fine, then never comes back from runAndWait (a wedged speech driver)."""

    def __init__(self) -> None:
        self.gate = threading.Event()

    def getProperty(self, name: str) -> Any:  # noqa: N802 - pyttsx3's API
        return []

    def setProperty(self, name: str, value: Any) -> None:  # noqa: N802
        pass

    def save_to_file(self, text: str, path: str) -> None:
        pass

    def runAndWait(self) -> None:  # noqa: N802
        self.gate.wait()


def test_wedged_engine_times_out_and_reports_every_utterance(speakers: list) -> None:
    """A synthesis that never returns: say() still returns at once, on_done(False) for each."""
    engine = HangingEngine()
    sp = Pyttsx3Speaker(
        TtsSettings(), FakeSoundLayer(), engine_factory=lambda: engine, synth_timeout_s=0.3
    )
    done = Done()
    sp.on_done = done
    t0 = time.monotonic()
    assert sp.say("first") and sp.say("second")
    assert time.monotonic() - t0 < 0.05
    assert done.wait(2, timeout_s=3.0)
    assert sorted(c[:2] for c in done.calls) == [("first", False), ("second", False)]
    assert not sp.available and "stopped responding" in sp.unavailable_reason
    assert sp.say("third") is False
    engine.gate.set()
    sp.close()


def test_make_speaker_respects_enabled_flag() -> None:
    """TTS turned off in Settings gives a NullSpeaker that explains itself."""
    sp = make_speaker(TtsSettings(enabled=False), FakeSoundLayer())
    assert isinstance(sp, NullSpeaker)
    assert not sp.available and "Settings" in sp.unavailable_reason
    assert sp.say("x") is False


def test_fake_speaker_reports_done_from_another_thread() -> None:
    """The fake keeps the real contract: queued say, one on_done per text, off-thread."""
    fake = FakeSpeaker(hold=True)
    done = Done()
    fake.on_done = done
    assert fake.say("one") and fake.say("two")
    assert fake.finish() == "one"
    assert done.wait(1)
    fake.stop()
    assert fake.wait_idle()
    assert [c[:2] for c in done.calls] == [("one", True), ("two", False)]
    assert done.calls[0][2] != threading.current_thread().name
    broken = FakeSpeaker(break_after=1)
    assert broken.say("a") and not broken.available and broken.say("b") is False


@needs_espeak
def test_speaking_prints_nothing_on_the_terminal(speakers: list, capfd) -> None:
    """Protects: pyttsx3's "Audio saved to <temp file>" never reaches stdout or stderr."""
    sp = Pyttsx3Speaker(TtsSettings(), FakeSoundLayer(speed=0))
    speakers.append(sp)
    done = Done()
    sp.on_done = done
    capfd.readouterr()
    assert sp.say(QUESTION) and done.wait()
    out, err = capfd.readouterr()
    assert "Audio saved" not in out + err
    assert "voicecoach-tts-" not in out + err
