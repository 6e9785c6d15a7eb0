"""The natural voice (piper): off the caller's thread, stoppable, and pyttsx3 when it fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from tests.fakes.sound import FakeSoundLayer
from tests.fakes.tts import FakeSpeaker
from voicecoach.settings import TtsSettings
from voicecoach.speech.neural_tts import FallbackSpeaker, PiperSpeaker, length_scale_for
from voicecoach.speech.tts import make_speaker
from voicecoach.speech.voices import JOE, neural_installed

QUESTION = "Tell me about a time you disagreed with your manager. What did you do?"
RATE_HZ = 22050


class Done:
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


class ToneVoice:
    """A stand-in neural voice: one tone of `seconds` per sentence; can fail on request."""

    def __init__(self, seconds: float = 0.5, fail_at: int | None = None) -> None:
        self.seconds = seconds
        self.fail_at = fail_at
        self.threads: list[str] = []
        self.scales: list[float] = []

    def chunks(self, text: str, length_scale: float) -> Iterator[tuple[np.ndarray, int]]:
        self.threads.append(threading.current_thread().name)
        self.scales.append(length_scale)
        for i, _sentence in enumerate(s for s in text.split(".") if s.strip()):
            if self.fail_at == i:
                raise RuntimeError("onnxruntime: invalid input")
            t = np.arange(int(self.seconds * RATE_HZ)) / RATE_HZ
            yield (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE_HZ


def audible_s(layer: FakeSoundLayer) -> float:
    total = 0.0
    for s in layer.output_streams:
        x = s.output[:, 0] if len(s.output) else np.zeros(0)
        total += float(np.count_nonzero(np.abs(x) > 1e-3)) / s.rate_hz
    return total


@pytest.fixture
def closing() -> Iterator[list]:
    made: list = []
    yield made
    for s in made:
        s.close()


def fallback_pair(closing, layer, load_voice) -> tuple[FallbackSpeaker, FakeSpeaker, list[str]]:
    standard = FakeSpeaker()
    sp = FallbackSpeaker(
        PiperSpeaker(TtsSettings(voice=JOE), layer, load_voice=load_voice), standard
    )
    closing.append(sp)
    notices: list[str] = []
    sp.on_notice = notices.append
    return sp, standard, notices


def test_reads_every_sentence_off_the_callers_thread(closing):
    """Protects: say() only queues; synthesis and playback run on the speaker's own thread."""
    layer = FakeSoundLayer(speed=0)
    voice = ToneVoice()
    sp = PiperSpeaker(TtsSettings(rate_wpm=140), layer, load_voice=lambda: voice)
    closing.append(sp)
    done = Done()
    sp.on_done = done
    t0 = time.monotonic()
    assert sp.say(QUESTION)
    assert time.monotonic() - t0 < 0.05
    assert done.wait()
    assert done.calls[0][:2] == (QUESTION, True)
    assert voice.threads == ["tts-neural"]
    assert len(layer.output_streams) == 2  # two sentences, played one after the other
    assert audible_s(layer) == pytest.approx(1.0, abs=0.05)
    assert voice.scales == [pytest.approx(length_scale_for(140))] and voice.scales[0] > 1.0


def test_stop_while_speaking_cuts_it_short_and_drops_the_queue(closing):
    """Protects: stop() ends the natural voice within a second; queued text is reported not done."""
    layer = FakeSoundLayer(speed=1)  # real time, so there is time to interrupt
    sp = PiperSpeaker(TtsSettings(), layer, load_voice=lambda: ToneVoice(seconds=3.0))
    closing.append(sp)
    done = Done()
    sp.on_done = done
    sp.say(QUESTION)
    sp.say("A follow-up that should never be heard.")
    deadline = time.monotonic() + 10
    while not (layer.output_streams and layer.output_streams[-1].frames_done > 8000):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    t0 = time.monotonic()
    sp.stop()
    assert done.wait(2, timeout_s=2.0)
    assert time.monotonic() - t0 < 1.0
    assert sorted(c[:2] for c in done.calls) == sorted(
        [(QUESTION, False), ("A follow-up that should never be heard.", False)]
    )
    assert len(layer.output_streams) == 1 and audible_s(layer) < 2.0
    assert sp.available  # stopping is not a failure


def test_stop_through_the_fallback_speaker_does_not_fall_back(closing):
    """Protects: a stopped natural voice stays the voice; no notice, nothing re-read."""
    layer = FakeSoundLayer(speed=1)
    sp, standard, notices = fallback_pair(closing, layer, lambda: ToneVoice(seconds=3.0))
    done = Done()
    sp.on_done = done
    sp.say(QUESTION)
    deadline = time.monotonic() + 10
    while not (layer.output_streams and layer.output_streams[-1].frames_done > 4000):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    sp.stop()
    assert done.wait(1, timeout_s=2.0)
    assert done.calls[0][:2] == (QUESTION, False)
    assert standard.said == [] and notices == [] and not sp.using_fallback


def _raise_import():
    raise ImportError("No module named 'piper'")


@pytest.mark.parametrize(
    "case",
    ["import", "synthesis", "playback"],
)
def test_a_failing_natural_voice_falls_back_to_pyttsx3_with_one_notice(closing, case):
    """Protects: import, synthesis or playback failure -> the standard voice reads, one notice."""
    if case == "import":
        layer, load = FakeSoundLayer(speed=0), _raise_import
    elif case == "synthesis":
        layer, load = FakeSoundLayer(speed=0), lambda: ToneVoice(fail_at=0)
    else:  # the output device refuses the natural voice's stream
        layer, load = FakeSoundLayer(speed=0, busy=("Fake Speaker",)), lambda: ToneVoice()
    sp, standard, notices = fallback_pair(closing, layer, load)
    done = Done()
    sp.on_done = done
    assert sp.say(QUESTION)
    assert sp.say("And what would you do differently?")
    assert done.wait(2)
    assert [c[:2] for c in done.calls] == [
        (QUESTION, True),
        ("And what would you do differently?", True),
    ]
    assert standard.said == [QUESTION, "And what would you do differently?"]
    assert len(notices) == 1 and "\n" not in notices[0]
    assert "standard voice" in notices[0] and sp.notice == notices[0]
    assert sp.using_fallback and sp.available
    # from now on straight to the standard voice, without another notice
    assert sp.say("Next question.") and done.wait(3)
    assert standard.said[-1] == "Next question." and len(notices) == 1


def test_model_load_failure_says_so_in_the_notice(closing):
    """Protects: a voice file that will not load is named in the one-line notice."""

    def broken():
        raise OSError("en_US-joe-medium.onnx: protobuf parsing failed")

    sp, standard, notices = fallback_pair(closing, FakeSoundLayer(speed=0), broken)
    done = Done()
    sp.on_done = done
    sp.say(QUESTION)
    assert done.wait() and done.calls[0][1] is True
    assert "could not be loaded" in notices[0] and "protobuf" in notices[0]


def test_no_notice_when_neither_voice_can_play(closing):
    """Protects: with no speaker at all the app reports 'unavailable', not a fallback notice."""
    layer = FakeSoundLayer(outputs=[])
    standard = FakeSpeaker(available=False, unavailable_reason="No speaker found.")
    sp = FallbackSpeaker(PiperSpeaker(TtsSettings(), layer, load_voice=ToneVoice), standard)
    closing.append(sp)
    notices: list[str] = []
    sp.on_notice = notices.append
    assert not sp.available and sp.unavailable_reason == "No speaker found."
    assert sp.say(QUESTION) is False and notices == []


def test_make_speaker_builds_the_natural_voice_with_pyttsx3_behind_it(closing):
    """Protects: choosing the natural voice in Settings gives the fallback pair; others do not."""
    sp = make_speaker(TtsSettings(voice=JOE), FakeSoundLayer(speed=0))
    closing.append(sp)
    assert isinstance(sp, FallbackSpeaker)
    plain = make_speaker(TtsSettings(voice="gmw/en-us"), FakeSoundLayer(speed=0))
    closing.append(plain)
    assert not isinstance(plain, FallbackSpeaker)


needs_piper = pytest.mark.skipif(
    not neural_installed(),
    reason="the natural voice is not installed: pip install 'voicecoach[voices]'",
)


@needs_piper
def test_real_piper_voice_reads_a_question(closing):
    """Protects: the real Joe voice loads from its package and reads a question, off-thread."""
    layer = FakeSoundLayer(speed=0)
    standard = FakeSpeaker()
    sp = FallbackSpeaker(PiperSpeaker(TtsSettings(voice=JOE), layer), standard)
    closing.append(sp)
    notices: list[str] = []
    sp.on_notice = notices.append
    done = Done()
    sp.on_done = done
    assert sp.say(QUESTION)
    assert done.wait(timeout_s=120)
    text, completed, thread = done.calls[0]
    assert (text, completed) == (QUESTION, True) and thread == "tts-neural"
    assert notices == [] and standard.said == []  # piper read it, not the fallback
    assert [s.rate_hz for s in layer.output_streams] == [22050, 22050]  # one per sentence
    assert 2.0 < audible_s(layer) < 8.0  # thirteen words at 165 words a minute
