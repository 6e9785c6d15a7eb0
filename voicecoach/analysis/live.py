"""Coaching while the user speaks, from the words transcribed so far.

The streaming transcriber hears words a few seconds behind the speaker, so "now" is the section
of the last sentence heard, and time in it runs on the recording clock. The display (`latch`) moves
on only when the words so far clearly fit the next section better than the one shown, so one
clause that sounds like an Action does not move it on; and it moves back only when they clearly
fit an earlier section better, so a wrong step forward is not shown for the rest of the answer.
Cues are gentle nudges, at most one at a time, and only when they can help: once the Action has
been shown, no nudge about the set-up can appear, nor while the last words heard sound like the
Action on their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from voicecoach.analysis import fillers, sections, text
from voicecoach.domain import SECTION_NAMES, SectionName, SectionTargets, Word

# Nudges start once a section is this far past its target (whichever is larger).
OVER_MIN_S = 5.0
OVER_FRAC = 0.2
WRAP_UP_BEFORE_END_S = 20.0  # "head to the result" this long before the total target
# Words this far behind the clock say nothing about what is being said now: the speaker may be
# well into the Action already, so no set-up nudge (one fired 18 s into an Action).
SETUP_NUDGE_MAX_LAG_S = 6.0
# The display moves on to a later section only when the words so far fit an answer that has
# reached it better than one still in the shown section by this much (the splitter's decoder
# scores, natural-log units; 0.5 before the live model, whose steadier reading of the front
# needs less: docs/decisions/star-splitter.md#live) ...
MOVE_ON_MARGIN = 0.25
# ... and back to an earlier section only when the words fit it better than the shown section
# and any later one by this much. Answers rarely go back, but the live guess does step forward
# wrongly (a clause that sounds like an outcome), and a display that never went back then showed
# the wrong section until the end. Both margins were chosen leave-one-author-out on the train
# and dev authors (bench/live_text.py --oof): shown section right on dev 0.765 with 1.0 / 1.0,
# 0.787 with 0.5 / 0.25, and the display 0.3-0.8 s sooner; with the live model 0.795 with
# 0.25 / 0.25 against 0.788 with 0.5 / 0.25 (docs/decisions/star-splitter.md).
MOVE_BACK_MARGIN = 0.25
# A set-up nudge also needs the set-up to beat any later section by this much: while the last
# words could as well be the Action, telling the speaker to move on may be telling them to do
# what they are doing.
SETUP_NUDGE_MIN_MARGIN = 2.0
# ... and the last unit heard, on its own, to sound like the Action with at most this
# probability: the decoder may hold the Action's first clause in the set-up for its neighbours'
# sake, and telling the speaker to move on to what they did is then wrong. Chosen out of fold
# on the train and dev authors (bench/live_text.py --oof) from 0.5 / 0.3 / 0.2; 0.2 since the
# models were refitted on 18 authors (30 Nov: 0.3 let 14 dev polls nudge after the Action).
SETUP_NUDGE_FRONT_MAX_ACTION = 0.2

CueKind = Literal["setup", "action", "wrap_up", "over_time"]
_NO_FIT = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class LiveStatus:
    section: SectionName | None  # where the answer seems to be now; None before any words
    section_start_s: float  # recording time where that section began
    fillers: int  # fillers heard so far
    cue: str | None  # one short nudge, or None
    cue_kind: CueKind | None = None  # what the nudge is about (None with no nudge)
    # how well the words so far fit an answer that has reached each section (S, T, A, R): the
    # splitter's decoder scores, compared by `latch` before the display moves on
    fit: tuple[float, float, float, float] = _NO_FIT
    # where each section began in the words so far (None: not heard)
    starts: tuple[float | None, ...] = (None, None, None, None)
    # the display has shown the Action or Result at some point (set by `latch`): no set-up
    # nudge from then on, even if it has moved back since
    past_setup: bool = False


def live_status(
    words: Sequence[Word], elapsed_s: float, targets: SectionTargets, *, timed: bool = True
) -> LiveStatus:
    """What the words heard so far say (before `latch` decides what to show).

    With `timed` False (a question timed as a whole, a drill) no section is read: the words are
    not split, fillers are counted, and the only nudge is the one about time (the others speak
    of set-up, Action and Result)."""
    if not timed:
        n = len(fillers.find_fillers(words, text.sentence_spans(words))) if words else 0
        cue = _clock_cue(None, elapsed_s, targets)
        return _with_cue(
            LiveStatus(None, 0.0, n, None), cue if cue and cue[0] == "over_time" else None
        )
    if not words:
        return _with_cue(LiveStatus(None, 0.0, 0, None), _clock_cue(None, elapsed_s, targets))
    spans = text.sentence_spans(words)
    reading = sections.read_partial(words, spans, targets.total_s)
    sentences, fit = reading.sentences, reading.fit
    n_fillers = len(fillers.find_fillers(words, spans))
    current = sentences[-1].section
    starts = tuple(
        next((s.start_s for s in sentences if s.section == name), None) for name in SECTION_NAMES
    )
    start = starts[SECTION_NAMES.index(current)]
    assert start is not None
    status = LiveStatus(current, start, n_fillers, None, None, fit, starts)
    cue = _section_cue(
        sentences, current, start, elapsed_s, words[-1].end_s, fit, reading.front, targets
    )
    return _with_cue(status, cue or _clock_cue(current, elapsed_s, targets))


def _with_cue(status: LiveStatus, cue: tuple[CueKind, str] | None) -> LiveStatus:
    kind, message = cue if cue else (None, None)
    return replace(status, cue=message, cue_kind=kind)


def _over(spent_s: float, target_s: float) -> bool:
    return spent_s > target_s + max(OVER_MIN_S, OVER_FRAC * target_s)


def _section_cue(
    sentences: Sequence,
    current: str,
    start_s: float,
    elapsed_s: float,
    heard_s: float,
    fit: Sequence[float],
    front: Sequence[float],
    targets: SectionTargets,
) -> tuple[CueKind, str] | None:
    first = sentences[0].start_s
    if current in ("situation", "task"):
        # Only set-up actually heard counts, only while the words are fresh (time not yet
        # transcribed may already be Action), and only when the words are clearly set-up,
        # the last of them too (the decoder may hold a first Action clause in the set-up).
        if elapsed_s - heard_s > SETUP_NUDGE_MAX_LAG_S:
            return None
        if max(fit[:2]) - max(fit[2:]) < SETUP_NUDGE_MIN_MARGIN:
            return None
        if _share(front, 2) > SETUP_NUDGE_FRONT_MAX_ACTION:
            return None
        spent = heard_s - first
        budget = targets.situation_s + (targets.task_s if current == "task" else 0.0)
        if _over(spent, budget):
            return "setup", f"{int(spent)} s of set-up so far — move on to what you did."
    if current == "action":
        spent = elapsed_s - start_s
        if _over(spent, targets.action_s):
            return "action", f"{int(spent)} s of Action — time to say how it turned out."
    return None


def _share(scores: Sequence[float], k: int) -> float:
    """How sure the splitter is that a unit is in section k, from its scores (log-odds)."""
    top = max(scores)
    p = [math.exp(x - top) for x in scores]
    return p[k] / sum(p)


def _clock_cue(
    current: str | None, elapsed_s: float, targets: SectionTargets
) -> tuple[CueKind, str] | None:
    total = targets.total_s
    if elapsed_s > total:
        return "over_time", "Past the target time — finish your sentence and stop."
    if elapsed_s > total - WRAP_UP_BEFORE_END_S and current != "result":
        return "wrap_up", "Nearly out of time — wrap up with the result."
    return None


def latch(
    previous: LiveStatus | None, new: LiveStatus, elapsed_s: float, targets: SectionTargets
) -> LiveStatus:
    """What to show, given what was shown (`previous`) and what the words now say (`new`).

    The display moves on to a later section only when the words fit it better than the shown
    one (or any before it) by `MOVE_ON_MARGIN`, and back to an earlier one only when they fit
    it better than the shown one (or any after it) by `MOVE_BACK_MARGIN`; otherwise the shown
    section stays, with the new filler count. Once the Action or Result has been shown, a
    set-up nudge is never shown again, whatever the words say.
    """
    if previous is None or previous.section is None:
        shown = new
    else:
        was = SECTION_NAMES.index(previous.section)
        now = SECTION_NAMES.index(new.section) if new.section is not None else -1
        if (
            now == was
            or (now > was and new.fit[now] - max(new.fit[: was + 1]) >= MOVE_ON_MARGIN)
            or (0 <= now < was and new.fit[now] - max(new.fit[was:]) >= MOVE_BACK_MARGIN)
        ):
            shown = new
        else:  # hold: no words yet, or another section not yet clear
            held = LiveStatus(
                previous.section,
                previous.section_start_s,
                new.fillers,
                None,
                None,
                new.fit,
                new.starts,
            )
            shown = _with_cue(held, _clock_cue(previous.section, elapsed_s, targets))
    past = (previous is not None and previous.past_setup) or shown.section in ("action", "result")
    if shown.cue_kind == "setup" and past:
        shown = _with_cue(shown, _clock_cue(shown.section, elapsed_s, targets))
    return replace(shown, past_setup=past)
