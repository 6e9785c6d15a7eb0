"""Plain-language timing verdicts: which STAR sections ran over or short, and the total.

Every figure is rounded to whole seconds first and the differences are taken from the rounded
figures, so a line never reads "ran 41 s, 27 s over its 15 s target".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from voicecoach.domain import SECTION_NAMES, Section, SectionTargets
from voicecoach.settings import AnalysisSettings

# Running short only matters where the substance is: a 6 s Situation is a good thing.
SHORT_MATTERS = ("action", "result")

MISSING_ADVICE = {
    "situation": "open with a sentence or two of context: where, when, what was at stake.",
    "task": "say what you were responsible for or what had to be achieved.",
    "action": "spend most of the answer on the steps you took yourself.",
    "result": "end with what changed and what you learned.",
}

_MINUTE_WORDS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def whole_s(seconds: float) -> int:
    """Seconds rounded half up to a whole number (never negative, never banker's rounding).

    Taken to the millisecond first, as stored reports keep times, so a fresh review and the
    same take reopened from History round alike. Every shown length goes through here.
    """
    if not math.isfinite(seconds) or seconds <= 0:
        return 0
    return int(math.floor(round(seconds, 3) + 0.5))


def clock(seconds: float) -> str:
    """2:34 — how the app writes durations."""
    s = whole_s(seconds)
    return f"{s // 60}:{s % 60:02d}"


def section_status(
    name: str, length_s: float, target_s: float, settings: AnalysisSettings | None = None
) -> str:
    """Over, short or ok ("over", "short", "ok") for one section, by the same rule as the verdicts.

    Over or short only beyond the tolerance, and short only where it matters (Action, Result);
    the review's timeline uses this so that its captions never disagree with the verdicts.
    """
    cfg = settings or AnalysisSettings()
    d, t = whole_s(length_s), whole_s(target_s)
    if _beyond(length_s - target_s, target_s, cfg) and d > t:
        return "over"
    if name in SHORT_MATTERS and _beyond(target_s - length_s, target_s, cfg) and d < t:
        return "short"
    return "ok"


def total_status(
    duration_s: float, total_s: float, settings: AnalysisSettings | None = None
) -> str:
    """Over, under or ok ("over", "under", "ok") for the whole answer, as the verdicts say."""
    cfg = settings or AnalysisSettings()
    d, t = whole_s(duration_s), whole_s(total_s)
    if _beyond(duration_s - total_s, total_s, cfg) and d > t:
        return "over"
    if _beyond(total_s - duration_s, total_s, cfg) and d < t:
        return "under"
    return "ok"


def timing_verdicts(
    sections: Sequence[Section],
    missing: Sequence[str],
    targets: SectionTargets,
    duration_s: float,
    settings: AnalysisSettings | None = None,
) -> tuple[str, ...]:
    """Plain lines in this order: sections over/short, balance, missing sections, total.

    A section or the total is "over" (or "short") only when it misses its target by more than
    both `settings.timing_tolerance_s` and `settings.timing_tolerance_frac` of the target.
    """
    cfg = settings or AnalysisSettings()
    lines: list[str] = []

    lengths = section_lengths(sections)  # spoken order; a split section summed

    parts: list[str] = []
    for name, length in lengths.items():
        target = targets.for_section(name)  # type: ignore[arg-type]
        d, t = whole_s(length), whole_s(target)
        status = section_status(name, length, target, cfg)
        if status == "over":
            parts.append(f"{name.title()} ran {d} s, {d - t} s over its {t} s target")
        elif status == "short":
            parts.append(f"{name.title()} only {d} s of {t} s")
    if parts:
        lines.append("; ".join(parts) + ".")
    elif lengths and not missing and set(lengths) >= set(SECTION_NAMES):
        lines.append("Every section was within its target.")

    balance = _balance(lengths)
    if balance:
        lines.append(balance)

    for name in SECTION_NAMES:
        if name in missing:
            lines.append(f"No {name.title()} section found: {MISSING_ADVICE[name]}")

    total = targets.total_s
    if duration_s > 0 and total > 0:
        d, t = whole_s(duration_s), whole_s(total)
        target = f"the {_target_name(t)} target"
        status = total_status(duration_s, total, cfg)
        if status == "over":
            lines.append(f"Total {clock(d)} — {d - t} s over {target}.")
        elif status == "under":
            lines.append(f"Total {clock(d)} — {t - d} s under {target}.")
        else:
            lines.append(f"Total {clock(d)} — within {target}.")
    return tuple(lines)


def _beyond(excess_s: float, target_s: float, cfg: AnalysisSettings) -> bool:
    return excess_s > max(cfg.timing_tolerance_s, cfg.timing_tolerance_frac * target_s)


def section_lengths(sections: Sequence[Section]) -> dict[str, float]:
    """Seconds per section name, in spoken order; a section split in two counts once, summed."""
    lengths: dict[str, float] = {}
    for s in sections:
        lengths[s.name] = lengths.get(s.name, 0.0) + max(0.0, s.duration_s)
    return lengths


def timing_ok(
    sections: Sequence[Section],
    missing: Sequence[str],
    targets: SectionTargets,
    duration_s: float,
    settings: AnalysisSettings | None = None,
) -> bool:
    """True when the verdicts have nothing to warn about (no section off, none missing, the
    set-up not outweighing the Action, the total within its target)."""
    cfg = settings or AnalysisSettings()
    lengths = section_lengths(sections)
    if missing or _balance(lengths):
        return False
    if any(
        section_status(n, v, targets.for_section(n), cfg) != "ok"  # type: ignore[arg-type]
        for n, v in lengths.items()
    ):
        return False
    return duration_s <= 0 or total_status(duration_s, targets.total_s, cfg) == "ok"


def _balance(lengths: dict[str, float]) -> str | None:
    """The setup outweighing the Action is the commonest STAR mistake: name it."""
    if "action" not in lengths or "situation" not in lengths:
        return None
    act, sit = lengths["action"], lengths["situation"]
    a, s = whole_s(act), whole_s(sit)
    if sit > act and s > a:
        return f"Situation ({s} s) took longer than Action ({a} s)."
    setup = sit + lengths.get("task", 0.0)
    if "task" in lengths and setup > act and whole_s(setup) > a:
        return f"Situation and Task ({whole_s(setup)} s together) took longer than Action ({a} s)."
    return None


def _target_name(t: int) -> str:
    if t % 60 == 0 and 1 <= t // 60 < len(_MINUTE_WORDS):
        return f"{_MINUTE_WORDS[t // 60]}-minute"
    return clock(t)
