"""Live coaching for a question timed as a whole (a drill): the words are not split into STAR
sections (the splitter is not even run, once a second, for nothing), fillers are counted, and
the only nudge is the one about time."""

from __future__ import annotations

import pytest

from tests.analysis.test_live import SCENE, T
from tests.analysis.words import words_from
from voicecoach.analysis import live, sections


def test_a_drill_is_not_split_and_gets_no_set_up_nudge(monkeypatch):
    """Set-up words long past the set-up budget: no section, no set-up nudge, no splitter run."""
    words = words_from(SCENE * 4)
    assert live.live_status(words, words[-1].end_s + 1.0, T).cue_kind == "setup"  # STAR: nudged

    def no_split(*_a, **_k):
        raise AssertionError("a drill must not be split into sections")

    monkeypatch.setattr(sections, "read_partial", no_split)
    status = live.live_status(words, words[-1].end_s + 1.0, T, timed=False)
    assert status.section is None and status.cue is None and status.cue_kind is None


@pytest.mark.parametrize(("from_end_s", "kind"), [(-5.0, None), (5.0, "over_time")])
def test_a_drill_keeps_only_the_nudge_about_time(from_end_s, kind):
    """Nearly out of time says nothing about a Result (a STAR answer is told to wrap up with
    one); past the target it says to stop."""
    words = words_from("Um, a cache keeps the answers close. Uh, it saves a trip, um, mostly.")
    at = T.total_s + from_end_s
    if from_end_s < 0:
        assert live.live_status(words, at, T).cue_kind == "wrap_up"
    status = live.live_status(words, at, T, timed=False)
    assert status.fillers == 3 and status.cue_kind == kind
