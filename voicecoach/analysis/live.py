"""Coaching while the user speaks, from the words transcribed so far.

The streaming transcriber commits words a few seconds behind the speaker, so "now" is the
section of the last committed sentence, and time in it runs on the recording clock. Cues are
gentle nudges, at most one at a time, and only when they can help.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.analysis import fillers, sections, text
from voicecoach.domain import SECTION_NAMES, SectionName, SectionTargets, Word

# Nudges start once a section is this far past its target (whichever is larger).
OVER_MIN_S = 5.0
OVER_FRAC = 0.2
WRAP_UP_BEFORE_END_S = 20.0  # "head to the result" this long before the total target
# Words this far behind the clock say nothing about what is being said now: the speaker may be
# well into the Action already, so no set-up nudge (one fired 18 s into an Action).
SETUP_NUDGE_MAX_LAG_S = 6.0


@dataclass(frozen=True)
class LiveStatus:
    section: SectionName | None  # where the answer seems to be now; None before any words
    section_start_s: float  # recording time where that section began
    fillers: int  # fillers heard so far
    cue: str | None  # one short nudge, or None


def live_status(words: Sequence[Word], elapsed_s: float, targets: SectionTargets) -> LiveStatus:
    """What the record panel shows while recording."""
    if not words:
        return LiveStatus(None, 0.0, 0, _clock_cue(None, elapsed_s, targets))
    spans = text.sentence_spans(words)
    sentences = sections.assign_sections(words, spans, expected_s=targets.total_s)
    n_fillers = len(fillers.find_fillers(words, spans))
    current = sentences[-1].section
    start = next(s.start_s for s in sentences if s.section == current)
    cue = _section_cue(sentences, current, start, elapsed_s, words[-1].end_s, targets)
    return LiveStatus(current, start, n_fillers, cue or _clock_cue(current, elapsed_s, targets))


def _over(spent_s: float, target_s: float) -> bool:
    return spent_s > target_s + max(OVER_MIN_S, OVER_FRAC * target_s)


def _section_cue(
    sentences: Sequence,
    current: str,
    start_s: float,
    elapsed_s: float,
    heard_s: float,
    targets: SectionTargets,
) -> str | None:
    first = sentences[0].start_s
    if current in ("situation", "task"):
        # Only set-up actually heard counts, and only while the words are fresh: time not yet
        # transcribed may already be Action.
        if elapsed_s - heard_s > SETUP_NUDGE_MAX_LAG_S:
            return None
        spent = heard_s - first
        budget = targets.situation_s + (targets.task_s if current == "task" else 0.0)
        if _over(spent, budget):
            return f"{int(spent)} s of set-up so far — move on to what you did."
    if current == "action":
        spent = elapsed_s - start_s
        if _over(spent, targets.action_s):
            return f"{int(spent)} s of Action — time to say how it turned out."
    return None


def _clock_cue(current: str | None, elapsed_s: float, targets: SectionTargets) -> str | None:
    total = targets.total_s
    if elapsed_s > total:
        return "Past the target time — finish your sentence and stop."
    if elapsed_s > total - WRAP_UP_BEFORE_END_S and current != "result":
        return "Nearly out of time — wrap up with the result."
    return None


def latch(
    previous: LiveStatus | None, new: LiveStatus, elapsed_s: float, targets: SectionTargets
) -> LiveStatus:
    """What to show: an answer never goes back in STAR order, so neither does the display.

    When more words make the splitter place the latest sentence in an earlier section than it
    showed before, the earlier display stands (with the new filler count), and a nudge meant
    for the earlier section is dropped.
    """
    if previous is None or previous.section is None or new.section is None:
        return new
    if SECTION_NAMES.index(new.section) >= SECTION_NAMES.index(previous.section):
        return new
    cue = _clock_cue(previous.section, elapsed_s, targets)
    return LiveStatus(previous.section, previous.section_start_s, new.fillers, cue)
