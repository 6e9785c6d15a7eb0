"""Live coaching: the last unit heard read on its own, and the latch's chosen margins."""

from __future__ import annotations

import math

from tests.analysis.test_live import SCENE, T
from tests.analysis.words import words_from
from voicecoach.analysis import live, sections
from voicecoach.analysis.live import LiveStatus, latch, live_status
from voicecoach.analysis.text import sentence_spans

# A long set-up, then one clause that sounds like the Action: the decoder keeps it in the
# Situation for its neighbours' sake, but on its own it reads as something done.
FIRST_STEP = SCENE * 4 + "I called the vendor that afternoon. [0.6] "


def test_read_partial_gives_the_last_unit_on_its_own():
    """read_partial places the sentences as assign_sections does for an answer still being
    spoken, and also says how the last unit reads on its own (the model's log-probabilities),
    which can differ from its place."""
    words = words_from(FIRST_STEP)
    spans = sentence_spans(words)
    reading = sections.read_partial(words, spans, 120.0)
    assert reading.sentences == sections.assign_sections(words, spans, expected_s=120.0)
    assert reading.sentences[-1].section == "situation"
    assert abs(sum(math.exp(x) for x in reading.front) - 1.0) < 1e-9
    assert max(range(4), key=lambda k: reading.front[k]) == 2  # alone: the Action


def test_no_set_up_nudge_when_the_last_words_sound_like_the_action(monkeypatch):
    """While the last unit heard sounds like the Action on its own, no 'move on to what you
    did' nudge, even when the decoder still places it in the set-up; a set-up that reads as
    set-up to its last word is still nudged."""
    words = words_from(FIRST_STEP)
    at = words[-1].end_s + 1.0
    monkeypatch.setattr(live, "SETUP_NUDGE_MIN_MARGIN", 0.0)  # let any lead of the set-up pass
    status = live_status(words, at, T)
    assert status.section == "situation" and status.cue_kind is None
    monkeypatch.setattr(live, "SETUP_NUDGE_FRONT_MAX_ACTION", 1.0)  # the check off
    assert live_status(words, at, T).cue_kind == "setup"
    monkeypatch.undo()
    long = words_from(SCENE * 4)
    assert live_status(long, long[-1].end_s + 1.0, T).cue_kind == "setup"


def test_latch_follows_a_moderate_lead():
    """A later section that leads the shown one by 0.3 is shown at once, and an earlier one
    that leads by 0.3 brings the display back (margins 0.25 and 0.25, chosen out of fold:
    holding out for a lead of 1.0, or 0.5 with the live model, left the display wrong and
    later)."""
    shown = latch(None, LiveStatus("situation", 0.5, 0, None, None, (-1.0, -3.0, -5.0, -7.0)), 5, T)
    ahead = LiveStatus("action", 20.0, 0, None, None, (-2.0, -3.0, -1.7, -3.4))
    moved = latch(shown, ahead, 22.0, T)
    assert (moved.section, moved.section_start_s) == ("action", 20.0)
    back = LiveStatus("situation", 0.5, 0, None, None, (-1.7, -4.0, -2.0, -4.0))
    assert latch(moved, back, 23.0, T).section == "situation"
    slight = LiveStatus("situation", 0.5, 0, None, None, (-1.9, -4.0, -2.0, -4.0))
    assert latch(moved, slight, 23.0, T).section == "action"
