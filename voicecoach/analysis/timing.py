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
    """Seconds rounded half up to a whole number (never negative, never banker's rounding)."""
    if not math.isfinite(seconds) or seconds <= 0:
        return 0
    return int(math.floor(seconds + 0.5))


def clock(seconds: float) -> str:
    """2:34 — how the app writes durations."""
    s = whole_s(seconds)
    return f"{s // 60}:{s % 60:02d}"


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

    lengths: dict[str, float] = {}
    for s in sections:  # spoken order; a section split in two counts once, summed
        lengths[s.name] = lengths.get(s.name, 0.0) + max(0.0, s.duration_s)

    parts: list[str] = []
    for name, length in lengths.items():
        target = targets.for_section(name)  # type: ignore[arg-type]
        d, t = whole_s(length), whole_s(target)
        if _beyond(length - target, target, cfg) and d > t:
            parts.append(f"{name.title()} ran {d} s, {d - t} s over its {t} s target")
        elif name in SHORT_MATTERS and _beyond(target - length, target, cfg) and d < t:
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
        if _beyond(duration_s - total, total, cfg) and d > t:
            lines.append(f"Total {clock(d)} — {d - t} s over {target}.")
        elif _beyond(total - duration_s, total, cfg) and d < t:
            lines.append(f"Total {clock(d)} — {t - d} s under {target}.")
        else:
            lines.append(f"Total {clock(d)} — within {target}.")
    return tuple(lines)


def _beyond(excess_s: float, target_s: float, cfg: AnalysisSettings) -> bool:
    return excess_s > max(cfg.timing_tolerance_s, cfg.timing_tolerance_frac * target_s)


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
