"""Progress over time, without Qt: the figures a coach watches, take by take, as series.

Every figure of a take comes from `report.take_figures` (the same rounded figures the review,
History and Compare show) and `analysis.timing.total_status`; shares are whole percentages of
the shown lengths, so "Action 62%" is exactly the shown Action seconds over the shown length.
The progress page (`ui/progress_view.py`) only draws what these functions return.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from voicecoach.analysis.timing import total_status, whole_s
from voicecoach.domain import Report
from voicecoach.report import COMFORTABLE_WPM, take_figures

# Below this many analysed takes a trend says nothing: the page explains what will appear.
MIN_TAKES = 3

MetricKey = Literal["time", "setup", "action", "fillers", "pace", "checks"]


@dataclass(frozen=True)
class Metric:
    key: MetricKey
    title: str
    unit: str  # after the number: " s", "%", "/min", " wpm", ""
    decimals: int
    better: str  # how a coach reads it, shown under the chart


METRICS: tuple[Metric, ...] = (
    Metric("time", "Length against target", " s", 0, "0 is on target; closer to 0 is better"),
    Metric("setup", "Situation + Task share", "%", 0, "of the answer; lower leaves room to act"),
    Metric("action", "Action share", "%", 0, "of the answer; higher is better"),
    Metric("fillers", "Fillers per minute", "/min", 1, "lower is better"),
    Metric("pace", "Pace", " wpm", 0, "130–160 wpm is comfortable"),
    Metric("checks", "Checks passed", "", 0, "more is better"),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}


@dataclass(frozen=True)
class TakePoint:
    """One analysed take, reduced to the figures progress shows (all as the review rounds them)."""

    take_id: int
    created_at: datetime
    question_id: str
    question_text: str
    pack: str
    topic: str
    length_s: int  # shown length
    target_s: int  # shown total target
    time_status: str  # "over" | "under" | "ok", as the review's verdict says
    setup_pct: int  # Situation + Task, % of the shown length
    action_pct: int
    fillers_per_min: float
    pace_wpm: int
    checks_passed: int
    checks_total: int
    # the STAR bar, for the ladder: (section, start_s, end_s) in spoken order
    sections: tuple[tuple[str, float, float], ...]
    duration_s: float  # exact, to scale the bar

    def value(self, key: MetricKey) -> float:
        """The figure plotted for `key` (see METRICS)."""
        return {
            "time": float(self.length_s - self.target_s),
            "setup": float(self.setup_pct),
            "action": float(self.action_pct),
            "fillers": self.fillers_per_min,
            "pace": float(self.pace_wpm),
            "checks": float(self.checks_passed),
        }[key]


def share_pct(part_s: int, whole: int) -> int:
    """`part_s` as a whole percentage of `whole` (half up); 0 when there is no length."""
    if whole <= 0:
        return 0
    return int(math.floor(part_s * 100 / whole + 0.5 + 1e-9))


def take_point(record: Any, report: Report, topic: str = "") -> TakePoint:
    """A stored take (a `TakeRecord`) and its Report as reviewed (corrections applied)."""
    fig = take_figures(report)
    secs = fig.sections_s
    return TakePoint(
        take_id=record.id,
        created_at=record.created_at,
        question_id=record.question_id,
        question_text=record.question_text,
        pack=record.pack,
        topic=topic,
        length_s=fig.duration_s,
        target_s=whole_s(report.targets.total_s),
        time_status=total_status(report.duration_s, report.targets.total_s),
        setup_pct=share_pct(secs.get("situation", 0) + secs.get("task", 0), fig.duration_s),
        action_pct=share_pct(secs.get("action", 0), fig.duration_s),
        fillers_per_min=fig.fillers_per_min,
        pace_wpm=fig.pace_wpm,
        checks_passed=sum(1 for c in report.checks if c.passed),
        checks_total=len(report.checks),
        sections=tuple((s.name, s.start_s, s.end_s) for s in report.sections),
        duration_s=report.duration_s,
    )


# --- scopes -----------------------------------------------------------------------------------

ScopeKind = Literal["all", "pack", "topic", "question"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    value: str = ""
    label: str = "All takes"


def in_scope(points: Sequence[TakePoint], scope: Scope) -> list[TakePoint]:
    if scope.kind == "all":
        return list(points)
    attr = {"pack": "pack", "topic": "topic", "question": "question_id"}[scope.kind]
    return [p for p in points if getattr(p, attr) == scope.value]


def scopes(points: Sequence[TakePoint], pack_titles: dict[str, str] | None = None) -> list[Scope]:
    """Everything, then each pack and each topic that has takes, by how many takes they have."""
    titles = pack_titles or {}
    out = [Scope("all", "", f"All takes ({len(points)})")]
    for kind, attr in (("pack", "pack"), ("topic", "topic")):
        counts: dict[str, int] = {}
        for p in points:
            key = getattr(p, attr)
            if key:
                counts[key] = counts.get(key, 0) + 1
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            name = titles.get(key, key) if kind == "pack" else key
            what = "Pack" if kind == "pack" else "Topic"
            out.append(Scope(kind, key, f"{what}: {name} ({n})"))  # type: ignore[arg-type]
    return out


def questions(points: Sequence[TakePoint]) -> list[tuple[str, str, int]]:
    """(question id, text, number of takes), most practised first."""
    seen: dict[str, list[Any]] = {}
    for p in points:
        entry = seen.setdefault(p.question_id, [p.question_text, 0])
        entry[1] += 1
    return sorted(((q, t, n) for q, (t, n) in seen.items()), key=lambda x: (-x[2], x[1]))


# --- series -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    metric: Metric
    points: tuple[tuple[datetime, float, int], ...]  # (when, value, take id), oldest first

    @property
    def values(self) -> list[float]:
        return [v for _t, v, _i in self.points]


def series(points: Sequence[TakePoint], key: MetricKey) -> Series:
    """One figure over time, a point per take, oldest first."""
    ordered = sorted(points, key=lambda p: (p.created_at, p.take_id))
    return Series(
        METRIC_BY_KEY[key], tuple((p.created_at, p.value(key), p.take_id) for p in ordered)
    )


def rolling_mean(values: Sequence[float], n: int = 5) -> list[float]:
    """The mean of each value and the up to `n - 1` before it: the trend under noisy takes."""
    out: list[float] = []
    total = 0.0
    for i, v in enumerate(values):
        total += v
        if i >= n:
            total -= values[i - n]
        out.append(total / min(i + 1, n))
    return out


def all_series(points: Sequence[TakePoint]) -> dict[MetricKey, Series]:
    return {m.key: series(points, m.key) for m in METRICS}


def fmt_value(key: MetricKey, value: float, point: TakePoint | None = None) -> str:
    """A plotted figure in words, as the review writes it ('+12 s', '34%', '2.1/min')."""
    m = METRIC_BY_KEY[key]
    if key == "time":
        v = int(value)
        return "on target" if v == 0 else f"{v:+d} s".replace("-", "−")
    if key == "checks" and point is not None:
        return f"{point.checks_passed} of {point.checks_total}"
    return f"{value:.{m.decimals}f}{m.unit}"


# --- per question: first, best, latest --------------------------------------------------------


def goodness(key: MetricKey, p: TakePoint) -> float:
    """Higher is better; used to pick a question's best take for each figure."""
    if key == "time":
        return -abs(p.length_s - p.target_s)
    if key == "setup":
        return -p.setup_pct
    if key == "action":
        return p.action_pct
    if key == "fillers":
        return -p.fillers_per_min
    if key == "pace":
        lo, hi = COMFORTABLE_WPM
        return -max(lo - p.pace_wpm, p.pace_wpm - hi, 0)
    return p.checks_passed / p.checks_total if p.checks_total else 0.0


def overall_score(p: TakePoint) -> tuple[float, ...]:
    """How a take ranks as a whole: checks passed, then length nearest the target, then the
    Action share, then fewest fillers (a coach's order of concern)."""
    return (
        goodness("checks", p),
        goodness("time", p),
        goodness("action", p),
        goodness("fillers", p),
        -p.take_id,  # on a tie, the earlier take
    )


@dataclass(frozen=True)
class QuestionSummary:
    question_id: str
    question_text: str
    takes: tuple[TakePoint, ...]  # oldest first: the ladder's rows
    first: TakePoint
    best: TakePoint
    latest: TakePoint


def question_summary(points: Sequence[TakePoint], question_id: str) -> QuestionSummary | None:
    takes = sorted(
        (p for p in points if p.question_id == question_id), key=lambda p: (p.created_at, p.take_id)
    )
    if not takes:
        return None
    return QuestionSummary(
        question_id=question_id,
        question_text=takes[0].question_text,
        takes=tuple(takes),
        first=takes[0],
        best=max(takes, key=overall_score),
        latest=takes[-1],
    )
