"""The look-ahead process: the same words as the app's own decode, and Stop can end a guess."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tests.speech.test_transcriber import _piper_sentence
from voicecoach.settings import TranscriberSettings
from voicecoach.speech.lookahead import Lookahead
from voicecoach.speech.transcriber import WhisperTranscriber

pytestmark = pytest.mark.e2e


def _ready(ahead: Lookahead, timeout_s: float = 120.0) -> None:
    t_end = time.monotonic() + timeout_s
    while not ahead.ready:
        assert time.monotonic() < t_end, "the look-ahead process never became ready"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    pytest.importorskip("piper")
    return _piper_sentence(
        "We had two weeks left, so I split the migration into four steps and shipped "
        "the first one on Monday."
    )


@pytest.fixture
def ahead():
    a = Lookahead(TranscriberSettings(), 0.25)
    yield a
    a.close()


def test_a_guess_is_the_decode_the_app_would_make(speech, ahead):
    """Same model, same settings, another process: the same words at the same times, so a
    guess can stand in for the final decode of exactly that audio."""
    assert ahead.decode(speech) is None  # not started: no guess, and no waiting
    ahead.warm()
    _ready(ahead)
    guess = ahead.decode(speech)
    assert guess is not None
    here = WhisperTranscriber(TranscriberSettings()).transcribe_stretch(speech)
    assert guess.words == here.words and guess.voiced_gaps == here.voiced_gaps
    assert "migration" in " ".join(w.text.lower() for w in guess.words)


def test_drop_ends_a_guess_at_once_and_the_next_answer_gets_a_new_process(speech, ahead):
    ahead.warm()
    _ready(ahead)
    long = np.concatenate([speech] * 3)  # a few seconds of decoding
    out: list = []
    worker = threading.Thread(target=lambda: out.append(ahead.decode(long)))
    worker.start()
    while not ahead.drop():  # drop only ends a guess in progress
        time.sleep(0.005)
    t0 = time.perf_counter()
    worker.join(timeout=10)
    assert not worker.is_alive() and out == [None]
    assert time.perf_counter() - t0 < 0.5
    assert ahead.dropped == 1 and not ahead.ready
    ahead.warm()  # as the next recording does
    _ready(ahead)
    again = ahead.decode(speech)
    assert again is not None and again.words


def test_a_model_the_child_cannot_load_means_no_guesses_not_an_error(speech, tmp_path):
    """A broken model folder: the child says so, the parent stops asking and every guess is
    simply absent (the app's own decoding then reports the model error, with its message)."""
    ahead = Lookahead(TranscriberSettings(model=str(tmp_path)), 0.25)
    try:
        ahead.warm()
        t_end = time.monotonic() + 60
        while not ahead._failed and time.monotonic() < t_end:
            assert not ahead.ready
            time.sleep(0.05)
        assert ahead._failed
        assert ahead.decode(speech) is None
        ahead.warm()  # no endless restarts of a child that cannot work
        assert ahead._proc is None
    finally:
        ahead.close()


def _gone(pid: int) -> bool:
    """The process has ended and been reaped (no zombie left either)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ")[1].startswith(("Z", "X"))
    except OSError:
        return True


def test_an_idle_child_ends_itself_and_the_next_guess_brings_it_back(speech):
    """Between answers the child is a model's worth of memory for nothing: after `idle_s`
    without a request it ends itself; a guess asked for then starts a new one (that guess is
    missed, the next ones are made as before)."""
    ahead = Lookahead(TranscriberSettings(), 0.25, idle_s=1.0)
    try:
        ahead.warm()
        _ready(ahead)
        first = ahead.decode(speech)
        assert first is not None
        pid = ahead._proc.pid
        t_end = time.monotonic() + 30
        while ahead.ready:  # polls the process: ended on its own?
            assert time.monotonic() < t_end, "the idle child never ended itself"
            time.sleep(0.1)
        assert _gone(pid)
        assert ahead.decode(speech) is None and ahead.missed == 1
        assert ahead.starts == 2  # that request started a new child
        _ready(ahead)
        again = ahead.decode(speech)
        assert again is not None and again.words == first.words
    finally:
        ahead.close()


def test_release_ends_the_child_until_the_next_recording_warms_it(speech, ahead):
    ahead.warm()
    _ready(ahead)
    pid = ahead._proc.pid
    ahead.release()  # Stop: no more guesses for this answer
    assert _gone(pid) and ahead._proc is None
    assert ahead.decode(speech) is None  # a late guess does not start it again
    assert ahead._proc is None and ahead.starts == 1
    ahead.warm()  # the next recording
    _ready(ahead)
    assert ahead.decode(speech) is not None and ahead.starts == 2


def test_release_by_an_earlier_recording_leaves_the_next_ones_child(ahead):
    """An interview's answer may be analysed after the next answer has started recording:
    that late Stop must not end the child the new recording is using."""
    ahead.warm()
    first = ahead.generation
    ahead.warm()  # the next answer started before the first one's analysis ran
    pid = ahead._proc.pid
    ahead.release(first)
    assert ahead._proc is not None and ahead._proc.pid == pid and not _gone(pid)
    ahead.release(ahead.generation)  # the new answer's own Stop
    assert ahead._proc is None and _gone(pid)


def test_release_during_a_guess_keeps_the_guess_then_ends_the_child(speech, ahead):
    """The rest of the answer may need the guess in flight at Stop: release lets it finish."""
    ahead.warm()
    _ready(ahead)
    pid = ahead._proc.pid
    out: list = []
    worker = threading.Thread(target=lambda: out.append(ahead.decode(speech)))
    worker.start()
    t_end = time.monotonic() + 10
    while not ahead._busy and worker.is_alive():
        assert time.monotonic() < t_end
        time.sleep(0.001)
    ahead.release()
    worker.join(timeout=60)
    assert out and out[0] is not None and "migration" in " ".join(w.text for w in out[0].words)
    assert ahead._proc is None and _gone(pid)
