"""Live coaching from a partial transcript: current section, filler count, gentle cues."""

from __future__ import annotations

import random

from tests.analysis.words import words_from
from voicecoach.analysis.live import LiveStatus, latch, live_status
from voicecoach.domain import SECTION_NAMES, SectionTargets

T = SectionTargets()
SCENE = (
    "Last year I was the tech lead on our payments team. [0.6] "
    "We had a checkout service that kept timing out at peak, um, every Friday. [0.6] "
    "The company was about to run its biggest sale of the year. [0.6] "
)
TASK = "My job was to find the cause and fix it before the sale. [0.6] "
ACTION = (
    "I started by pulling the traces from the slowest requests. [0.6] "
    "Then I rewrote the query and added a cache in front of it. [0.6] "
)
RESULT = "As a result, timeouts dropped from four percent to almost zero. [0.6] "


def test_no_words_yet():
    """Before anything is transcribed there is no section and no cue inside the target."""
    s = live_status((), 5.0, T)
    assert s.section is None and s.fillers == 0 and s.cue is None


def test_tracks_the_section_and_fillers():
    """The section of the latest sentence is 'now', and fillers so far are counted."""
    words = words_from(SCENE + TASK + ACTION)
    s = live_status(words, words[-1].end_s + 1, T)
    assert s.section == "action"
    assert s.fillers == 1
    first_action = next(w for w in words if w.text == "started")
    assert abs(s.section_start_s - (first_action.start_s - 0.4)) < 0.5


def test_long_situation_gets_a_nudge_towards_action():
    """Set-up heard well past its target prompts a move to the Action."""
    words = words_from(SCENE)
    assert live_status(words, 12.0, T).cue is None
    long = words_from(SCENE * 4)
    s = live_status(long, long[-1].end_s + 1.0, T)
    assert s.section == "situation"
    assert s.cue is not None and "what you did" in s.cue


def test_no_set_up_nudge_when_the_words_lag_behind_the_clock():
    """Words far behind the clock may hide an Action already begun: no set-up nudge then, and
    the seconds quoted are set-up heard, not the clock (it fired 18 s into an Action)."""
    words = words_from(SCENE)
    assert live_status(words, words[-1].end_s + 30.0, T).cue is None
    long = words_from(SCENE * 4)
    s = live_status(long, long[-1].end_s + 5.0, T)
    assert s.cue is not None and s.cue.startswith(f"{int(long[-1].end_s - long[0].start_s)} s")


def test_set_up_nudge_needs_words_that_are_clearly_set_up(monkeypatch):
    """While the last words could as well be the Action, no set-up nudge: it fires only when
    the set-up beats every later section by SETUP_NUDGE_MIN_MARGIN."""
    from voicecoach.analysis import live

    long = words_from(SCENE * 4)
    fit = live_status(long, long[-1].end_s + 1.0, T).fit
    lead = max(fit[:2]) - max(fit[2:])
    monkeypatch.setattr(live, "SETUP_NUDGE_MIN_MARGIN", lead + 0.1)
    assert live_status(long, long[-1].end_s + 1.0, T).cue is None
    monkeypatch.setattr(live, "SETUP_NUDGE_MIN_MARGIN", lead - 0.1)
    assert live_status(long, long[-1].end_s + 1.0, T).cue_kind == "setup"


def test_long_action_nudges_towards_result():
    """An Action far past its target prompts the Result."""
    words = words_from(SCENE + TASK + ACTION)
    start = live_status(words, 30.0, T).section_start_s
    s = live_status(words, start + 90.0, T)
    assert s.cue is not None and "turned out" in s.cue


def test_near_the_end_without_a_result():
    """Close to the total target and still not in the Result: wrap up."""
    words = words_from(SCENE + TASK + ACTION)
    start = live_status(words, 30.0, T).section_start_s
    s = live_status(words, T.total_s - 10, SectionTargets(action_s=200.0))
    assert start < T.total_s - 10
    assert s.cue is not None and "wrap up" in s.cue


def test_in_result_near_the_end_is_left_alone():
    """Already giving the result near the end: no nagging until past the total."""
    words = words_from(SCENE + TASK + ACTION + RESULT)
    assert live_status(words, T.total_s - 10, T).section == "result"
    assert live_status(words, T.total_s - 10, T).cue is None
    assert "Past the target" in (live_status(words, T.total_s + 5, T).cue or "")


def test_partial_answer_is_not_pushed_forward():
    """Scene-setting heard so far stays Situation: later sections are 'not yet', not missing."""
    for upto in (SCENE, SCENE + TASK):
        words = words_from(upto)
        expected = "situation" if upto == SCENE else "task"
        assert live_status(words, words[-1].end_s + 2, T).section == expected


def test_section_heard_never_goes_backwards_as_words_arrive():
    """Feeding the answer sentence by sentence, the live section only moves forward."""
    order = ["situation", "task", "action", "result"]
    sentences = [s + "." for s in (SCENE + TASK + ACTION + RESULT).split(". [0.6] ") if s]
    seen = []
    for k in range(1, len(sentences) + 1):
        words = words_from(" [0.6] ".join(sentences[:k]))
        seen.append(live_status(words, words[-1].end_s + 1, T).section)
    assert seen == sorted(seen, key=order.index)
    assert seen[-1] == "result"


def test_latch_goes_back_only_when_the_earlier_section_is_clear():
    """A later guess of an earlier section keeps the shown section unless the words clearly fit
    the earlier one (a wrong step forward is then undone); a set-up nudge never comes back."""
    shown = latch(None, LiveStatus("action", 40.0, 2, None, None, (-9.0, -8.0, -1.0, -5.0)), 40, T)
    nudge = "48 s of set-up so far — move on to what you did."
    unsure = LiveStatus("situation", 0.5, 3, nudge, "setup", (-1.9, -4.0, -2.0, -8.0))
    kept = latch(shown, unsure, 50.0, T)
    assert (kept.section, kept.section_start_s, kept.fillers, kept.cue) == ("action", 40.0, 3, None)
    clear = LiveStatus("situation", 0.5, 3, nudge, "setup", (-1.5, -4.0, -2.0, -8.0))
    back = latch(kept, clear, 51.0, T)
    assert (back.section, back.section_start_s, back.fillers) == ("situation", 0.5, 3)
    assert back.cue_kind != "setup" and back.past_setup
    assert latch(back, clear, 52.0, T).cue_kind != "setup"  # not later either
    ahead = LiveStatus("result", 90.0, 4, None, None, (-9.0, -8.0, -6.0, -1.0))
    assert latch(back, ahead, 95.0, T).section == "result"
    assert latch(None, clear, 50.0, T).cue_kind == "setup"  # nothing shown yet: nudge stands


def test_latch_moves_on_only_when_the_next_section_is_clear():
    """One clause that sounds like the next section does not move the display on for good: it
    moves when the words fit the later section clearly better than the shown one."""
    shown = LiveStatus("situation", 0.5, 0, None, None, (-1.0, -3.0, -5.0, -7.0))
    starts = (0.5, None, 20.0, None)
    unsure = LiveStatus("action", 20.0, 0, None, None, (-2.0, -3.0, -1.85, -3.6), starts)
    held = latch(shown, unsure, 22.0, T)
    assert (held.section, held.section_start_s) == ("situation", 0.5)
    clear = LiveStatus("action", 20.0, 0, None, None, (-6.0, -5.0, -1.0, -3.0), starts)
    moved = latch(held, clear, 25.0, T)
    assert (moved.section, moved.section_start_s) == ("action", 20.0)


def test_no_set_up_nudge_once_the_action_was_shown():
    """Once the display has shown the Action (or Result), no set-up nudge can appear, whatever
    later words say: revised words that read as a long set-up, or any status at all."""
    long = words_from(SCENE * 4)
    setup = live_status(long, long[-1].end_s + 1.0, T)
    assert setup.cue_kind == "setup"  # the nudge these words give on their own
    action = live_status(words_from(SCENE + TASK + ACTION), 40.0, T)
    assert action.section == "action"
    shown = latch(None, action, 40.0, T)
    assert latch(shown, setup, long[-1].end_s + 1.0, T).cue_kind != "setup"
    # any status, even one naming a later section with a set-up nudge attached
    rng = random.Random(7)
    for _ in range(500):
        shown, ever = None, False
        for step in range(12):
            fit = tuple(rng.uniform(-8.0, 0.0) for _ in range(4))
            name = rng.choice([*SECTION_NAMES, None])
            kind = rng.choice(["setup", "action", "wrap_up", None])
            new = LiveStatus(name, float(step), 0, "nudge" if kind else None, kind, fit)
            shown = latch(shown, new, float(step), T)
            if ever:
                assert shown.cue_kind != "setup"
            ever = ever or shown.section in ("action", "result")
