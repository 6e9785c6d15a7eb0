"""Progress over time, without Qt: the figures a coach watches, take by take, as series.

Every figure of a take comes from `report.take_figures` (the same rounded figures the review,
History and Compare show) and `analysis.timing.total_status`; shares are whole percentages of
the shown lengths, so "Action 62%" is exactly the shown Action seconds over the shown length.
A take timed as a whole (a drill) has no sections, so it has no shares: its two share figures
are None and its take is left out of those two series (never charted as 0%); its length,
fillers, pace and checks count as any take's.
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
from voicecoach.report import COMFORTABLE_WPM, fmt_time, take_figures, timed_as_whole

# Below this many analysed takes a trend says nothing: the page explains what will appear.
MIN_TAKES = 3

MetricKey = Literal["time", "setup", "action", "fillers", "pace", "checks"]
# the figures an answer timed as a whole (a drill) does not have
SHARE_KEYS: tuple[MetricKey, ...] = ("setup", "action")
NO_SHARE = "timed as a whole"


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
    setup_pct: int | None  # Situation + Task, % of the shown length; None: timed as a whole
    action_pct: int | None
    fillers_per_min: float
    pace_wpm: int
    checks_passed: int
    checks_total: int
    # the STAR bar, for the ladder: (section, start_s, end_s) in spoken order
    sections: tuple[tuple[str, float, float], ...]
    duration_s: float  # exact, to scale the bar

    @property
    def timed_as_whole(self) -> bool:
        """A drill: no STAR sections, so no shares."""
        return self.action_pct is None

    def value(self, key: MetricKey) -> float | None:
        """The figure plotted for `key` (see METRICS); None for a share of a drill."""
        if key in SHARE_KEYS and self.timed_as_whole:
            return None
        return {
            "time": float(self.length_s - self.target_s),
            "setup": float(self.setup_pct or 0),
            "action": float(self.action_pct or 0),
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
    whole = timed_as_whole(report)
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
        setup_pct=None
        if whole
        else share_pct(secs.get("situation", 0) + secs.get("task", 0), fig.duration_s),
        action_pct=None if whole else share_pct(secs.get("action", 0), fig.duration_s),
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
    """One figure over time, a point per take that has it (a drill has no shares), oldest
    first."""
    ordered = sorted(points, key=lambda p: (p.created_at, p.take_id))
    return Series(
        METRIC_BY_KEY[key],
        tuple((p.created_at, v, p.take_id) for p in ordered if (v := p.value(key)) is not None),
    )


def left_out(points: Sequence[TakePoint], key: MetricKey) -> int:
    """How many takes `series(points, key)` leaves out: drills, for the two shares."""
    return sum(1 for p in points if p.value(key) is None)


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


def fmt_value(key: MetricKey, value: float | None, point: TakePoint | None = None) -> str:
    """A plotted figure in words, as the review writes it ('+12 s', '34%', '2.1/min');
    a drill's share, which it does not have, as 'timed as a whole'."""
    m = METRIC_BY_KEY[key]
    if value is None:
        return NO_SHARE
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
        return -(p.setup_pct or 0)
    if key == "action":
        return p.action_pct or 0
    if key == "fillers":
        return -p.fillers_per_min
    if key == "pace":
        lo, hi = COMFORTABLE_WPM
        return -max(lo - p.pace_wpm, p.pace_wpm - hi, 0)
    return p.checks_passed / p.checks_total if p.checks_total else 0.0


def overall_score(p: TakePoint) -> tuple[float, ...]:
    """How a take ranks as a whole: every STAR section told first (a take stopped half-way is
    never the best, however few checks it had to fail), then checks passed, then length nearest
    the target, then the Action share, then fewest fillers (a coach's order of concern)."""
    return (
        len({name for name, _a, _b in p.sections}),
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


# --- mock interview runs ----------------------------------------------------------------------


@dataclass(frozen=True)
class RunAnswer:
    """One answered slot of a run, for the run's bar: its shown length against its target."""

    position: int
    kind: str  # answer | follow_up
    length_s: int
    target_s: int
    status: str  # over | under | ok


@dataclass(frozen=True)
class RunPoint:
    """A mock interview run as one point: the run's totals, as its summary shows them.

    Follow-ups count in the run's time (they were spoken in it) but never in a question's
    trend: `History.list_figures` leaves follow-up takes out of the TakePoints."""

    run_id: int
    created_at: datetime
    pack: str
    status: str  # finished | ended_early
    questions: int
    answered: int
    follow_ups_answered: int
    length_s: int  # shown lengths of every answer and follow-up, added up
    target_s: int  # their targets, added up
    over_target: int  # answers and follow-ups over their target
    fillers_per_min: float  # over the whole run
    pace_wpm: int
    checks_passed: int  # over the main answers
    checks_total: int
    thinking_s: float
    question_ids: tuple[str, ...]
    topics: tuple[str, ...]
    answers: tuple[RunAnswer, ...]  # spoken order
    answer_take_ids: tuple[int, ...] = ()  # the main answers' takes: points on the trends too

    @property
    def over_s(self) -> int:
        """Seconds over (+) or under (−) the run's added-up targets."""
        return self.length_s - self.target_s


def run_point(record: Any, points_by_take: dict[int, TakePoint] | None = None) -> RunPoint | None:
    """A stored run (an `InterviewRecord`) as a point; None while it has no summary or no
    answered question. Checks come from the answers' TakePoints (`points_by_take`), so they
    count as the per-take trends count them."""
    from voicecoach.interview import summary_from_json

    if not record.summary:
        return None
    summary = summary_from_json(record.summary)
    t = summary.totals
    if t.answered == 0:
        return None
    by_take = points_by_take or {}
    answers: list[RunAnswer] = []
    take_ids: list[int] = []
    passed = total = 0
    for row in summary.rows:
        for kind, f in (("answer", row.figures), ("follow_up", _fu_figures(row))):
            if f is None:
                continue
            answers.append(RunAnswer(row.position, kind, f.length_s, f.target_s, f.total_status))
            if kind == "answer" and f.take_id is not None:
                take_ids.append(f.take_id)
            if kind == "answer" and f.take_id in by_take:
                p = by_take[f.take_id]
                passed, total = passed + p.checks_passed, total + p.checks_total
    answered_rows = [r for r in summary.rows if r.figures is not None]
    return RunPoint(
        run_id=record.id,
        created_at=record.created_at,
        pack=record.pack,
        status=summary.status,
        questions=t.questions,
        answered=t.answered,
        follow_ups_answered=t.follow_ups_answered,
        length_s=t.answer_s + t.follow_up_s,
        target_s=sum(a.target_s for a in answers),
        over_target=t.over_target,
        fillers_per_min=t.fillers_per_min,
        pace_wpm=t.pace_wpm,
        checks_passed=passed,
        checks_total=total,
        thinking_s=t.thinking_s,
        question_ids=tuple(r.question_id for r in answered_rows),
        topics=tuple(dict.fromkeys(r.topic for r in answered_rows)),
        answers=tuple(answers),
        answer_take_ids=tuple(take_ids),
    )


def _fu_figures(row: Any) -> Any:
    return row.follow_up.figures if row.follow_up is not None else None


def run_points(records: Sequence[Any], points: Sequence[TakePoint]) -> list[RunPoint]:
    """Finished (or ended early) runs with an answer, oldest first."""
    by_take = {p.take_id: p for p in points}
    out = [rp for rec in records if (rp := run_point(rec, by_take)) is not None]
    return sorted(out, key=lambda r: (r.created_at, r.run_id))


def runs_in_scope(runs: Sequence[RunPoint], scope: Scope) -> list[RunPoint]:
    """The runs that belong to a scope: of that pack, or with an answer on that topic or
    question."""
    if scope.kind == "all":
        return list(runs)
    if scope.kind == "pack":
        return [r for r in runs if r.pack == scope.value]
    if scope.kind == "topic":
        return [r for r in runs if scope.value in r.topics]
    return [r for r in runs if scope.value in r.question_ids]


def run_length_label(run: RunPoint) -> str:
    """The figure at the end of a run's bar: time spoken of the run's added-up target, so it
    cannot be read as the dashed target line's own label."""
    return f"{fmt_time(run.length_s)} of {fmt_time(run.target_s)}"


def fmt_run(run: RunPoint) -> str:
    """A run's figures in one line: time against target, fillers/min, checks passed."""
    over = run.over_s
    time = "on target" if over == 0 else f"{abs(over)} s {'over' if over > 0 else 'under'} target"
    checks = f"{run.checks_passed} of {run.checks_total} checks" if run.checks_total else ""
    parts = [f"{run.answered} of {run.questions} answered", f"{fmt_time(run.length_s)}, {time}"]
    parts += [f"{run.fillers_per_min:.1f} fillers/min", f"{run.pace_wpm} wpm"]
    if checks:
        parts.append(checks)
    return " · ".join(parts)
