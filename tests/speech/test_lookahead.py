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
