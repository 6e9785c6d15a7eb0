"""No <defunct> look-ahead process: a child that ends, however it ends, is reaped at once, and a
closed look-ahead (the model changed in Settings) never starts another (newcomer's report: a
`[python] <defunct>` child stayed until quit after the speech model was switched)."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from voicecoach.settings import TranscriberSettings
from voicecoach.speech.lookahead import Lookahead
from voicecoach.speech.transcriber import WhisperTranscriber

pytestmark = pytest.mark.e2e


def _children() -> dict[int, str]:
    """This process's child processes and their states ("Z": ended, not reaped)."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            out[int(d)] = fields[0]
    return out


def _ready(ahead: Lookahead, timeout_s: float = 120.0) -> int:
    t_end = time.monotonic() + timeout_s
    while not ahead.ready:
        assert time.monotonic() < t_end, "the look-ahead process never became ready"
        time.sleep(0.05)
    assert ahead._proc is not None
    return ahead._proc.pid


def _gone(pid: int) -> bool:
    return pid not in _children()


def _wait_gone(pid: int, timeout_s: float) -> None:
    t_end = time.monotonic() + timeout_s
    while not _gone(pid):
        state = _children().get(pid)
        assert time.monotonic() < t_end, f"child {pid} still there, state {state} (Z: zombie)"
        time.sleep(0.05)


def test_a_child_that_ends_itself_is_reaped_without_being_asked_again():
    """The child ends itself after `idle_s`; nothing asks the look-ahead anything after that
    (the user reads the review, or changed the model), and still no zombie is left."""
    ahead = Lookahead(TranscriberSettings(), 0.25, idle_s=1.0)
    try:
        ahead.warm()
        pid = _ready(ahead)
        _wait_gone(pid, 30.0)
    finally:
        ahead.close()


def test_after_a_model_switch_the_old_look_ahead_leaves_no_child():
    """What Settings → Speech model does (`SpeechModel._replace` closes the old transcriber):
    its child is ended and reaped, and a late guess asked of the old look-ahead (an answer's
    stream still holding it) starts no new child that would end later as a zombie."""
    before = set(_children())
    old = WhisperTranscriber(TranscriberSettings())
    ahead = old.lookahead()  # a recording started
    pid = _ready(ahead)
    old.close()  # the model changed
    assert ahead.decode(np.zeros(16000, dtype=np.float32)) is None  # a late guess: none
    ahead.warm()
    assert ahead._proc is None and ahead.starts == 1
    _wait_gone(pid, 10.0)
    assert {p: s for p, s in _children().items() if p not in before} == {}
