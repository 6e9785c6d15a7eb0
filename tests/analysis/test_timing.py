"""Timing verdict wording: sections over and short, tolerance, rounding, balance, missing
sections and the total line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from voicecoach.analysis.timing import clock, timing_verdicts, whole_s
from voicecoach.domain import SECTION_NAMES, Section, SectionTargets
from voicecoach.settings import AnalysisSettings

TARGETS = SectionTargets(15.0, 15.0, 60.0, 20.0, total_s=110.0)  # explicit: 1:50 in total


def _sections(*lengths: tuple[str, float]) -> tuple[Section, ...]:
    """Back-to-back sections of the given lengths, in spoken order."""
    out, t = [], 0.0
    for name, length in lengths:
        out.append(Section(name, t, t + length, TARGETS.for_section(name)))
        t += length
    return tuple(out)


def test_over_and_short_sections_share_one_line():
    """The example from the brief, word for word."""
    secs = _sections(("situation", 41), ("task", 15), ("action", 22), ("result", 20))
    lines = timing_verdicts(secs, (), TARGETS, 98)
    assert lines[0] == "Situation ran 41 s, 26 s over its 15 s target; Action only 22 s of 60 s."


def test_within_tolerance_is_not_called_over():
    """4 s over a 15 s target (< 5 s) and 10 s over 60 s (< 20%) are not 'over'."""
    secs = _sections(("situation", 19), ("task", 15), ("action", 70), ("result", 20))
    lines = timing_verdicts(secs, (), TARGETS, 124)
    assert not any("over its" in line for line in lines)
    assert lines[0] == "Every section was within its target."


def test_just_beyond_tolerance_is_over():
    """13 s over a 60 s Action is beyond 20% (12 s) and is reported."""
    secs = _sections(("situation", 15), ("task", 15), ("action", 73), ("result", 20))
    assert (
        timing_verdicts(secs, (), TARGETS, 123)[0] == "Action ran 73 s, 13 s over its 60 s target."
    )


def test_tolerance_comes_from_settings():
    """With zero tolerance a 1 s overrun is reported."""
    strict = AnalysisSettings(timing_tolerance_s=0.0, timing_tolerance_frac=0.0)
    secs = _sections(("situation", 16), ("task", 15), ("action", 60), ("result", 20))
    lines = timing_verdicts(secs, (), TARGETS, 111, strict)
    assert lines[0] == "Situation ran 16 s, 1 s over its 15 s target."


def test_rounding_is_whole_seconds_and_consistent():
    """40.6 s shows as 41 s and the overrun is computed from the shown figures (26, not 25.6)."""
    secs = _sections(("situation", 40.6), ("action", 60.2))
    line = timing_verdicts(secs, (), TARGETS, 101)[0]
    assert line == "Situation ran 41 s, 26 s over its 15 s target."
    assert whole_s(2.5) == 3 and whole_s(0.49) == 0 and whole_s(-3) == 0


def test_a_short_situation_is_not_a_problem():
    """Running short only matters for Action and Result."""
    secs = _sections(("situation", 3), ("task", 4), ("action", 60), ("result", 20))
    assert timing_verdicts(secs, (), TARGETS, 87)[0] == "Every section was within its target."


def test_short_result_is_reported():
    """A 4 s Result against 20 s is called out."""
    secs = _sections(("situation", 15), ("task", 15), ("action", 60), ("result", 4))
    assert timing_verdicts(secs, (), TARGETS, 94)[0] == "Result only 4 s of 20 s."


def test_situation_longer_than_action_is_named():
    """The commonest STAR mistake gets its own line."""
    secs = _sections(("situation", 41), ("task", 15), ("action", 22), ("result", 20))
    assert "Situation (41 s) took longer than Action (22 s)." in timing_verdicts(
        secs, (), TARGETS, 98
    )


def test_setup_longer_than_action_is_named():
    """Situation plus Task outweighing the Action is named when Situation alone does not."""
    secs = _sections(("situation", 20), ("task", 25), ("action", 40), ("result", 20))
    lines = timing_verdicts(secs, (), TARGETS, 105)
    assert "Situation and Task (45 s together) took longer than Action (40 s)." in lines


def test_missing_sections_each_get_advice_in_star_order():
    """Each missing section gets a line with what to add, in STAR order."""
    secs = _sections(("situation", 15), ("action", 60))
    lines = timing_verdicts(secs, ("result", "task"), TARGETS, 75)
    missing = [line for line in lines if line.startswith("No ")]
    assert missing == [
        "No Task section found: say what you were responsible for or what had to be achieved.",
        "No Result section found: end with what changed and what you learned.",
    ]
    assert "Every section was within its target." not in lines


def test_total_over_a_whole_minute_target():
    """Over the total is said with m:ss and a spelled-out minute target."""
    targets = TARGETS.scaled_to(120)
    lines = timing_verdicts((), (), targets, 154.4)
    assert lines == ("Total 2:34 — 34 s over the two-minute target.",)


def test_total_under_and_within():
    """Under by more than the tolerance says so; close to the target says 'within'."""
    assert timing_verdicts((), (), TARGETS, 60) == ("Total 1:00 — 50 s under the 1:50 target.",)
    assert timing_verdicts((), (), TARGETS, 118) == ("Total 1:58 — within the 1:50 target.",)


def test_no_total_line_without_a_duration():
    """A zero-length answer gets no total line rather than 'Total 0:00'."""
    assert timing_verdicts((), (), TARGETS, 0.0) == ()


def test_clock_format():
    """Durations read m:ss."""
    assert (clock(0), clock(59.6), clock(154.4), clock(-2)) == ("0:00", "1:00", "2:34", "0:00")


_len = st.floats(min_value=-50, max_value=500, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.tuples(st.sampled_from(SECTION_NAMES), _len), max_size=6),
    missing=st.lists(st.sampled_from(SECTION_NAMES), max_size=4, unique=True),
    duration=_len,
)
def test_timing_verdicts_never_crash(lengths, missing, duration):
    """Any sections, overlaps, negative lengths or durations give plain one-line strings."""
    secs = tuple(Section(n, 10.0, 10.0 + x, TARGETS.for_section(n)) for n, x in lengths)
    lines = timing_verdicts(secs, missing, TARGETS, duration)
    assert all(isinstance(line, str) and line and "\n" not in line for line in lines)
    assert not any(re.search(r"-\d", line) for line in lines)  # never a negative figure
