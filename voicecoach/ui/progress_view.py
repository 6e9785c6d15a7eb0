"""ProgressView: trends over time, mock interview runs and a per-question ladder of STAR bars,
drawn with QPainter.

It is given `TakePoint`s and `RunPoint`s (from `voicecoach.progress`, already reduced to the
figures the review and the interview summary show) and only draws them. A run as a whole is
one row of its own (its answers end to end against the run's added-up target, with its
fillers/min, pace and checks passed), never one point on the per-take charts, whose scale is
one answer; its main answers are on those charts as rings among the takes' dots.
Colours are read from the current theme at paint time, so the page
follows light/dark like the review's timeline.

Painted with QPainter rather than a plotting library (pyqtgraph): six small fixed charts and a
bar ladder need no zoom or pan, and painting them here reads the theme exactly as the timeline
does, with no new dependency and nothing to import at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from voicecoach.progress import (
    COMFORTABLE_WPM,
    METRICS,
    MIN_TAKES,
    SHARE_KEYS,
    MetricKey,
    RunPoint,
    Scope,
    Series,
    TakePoint,
    fmt_run,
    fmt_value,
    in_scope,
    left_out,
    question_summary,
    questions,
    rolling_mean,
    run_length_label,
    runs_in_scope,
    scopes,
    series,
)
from voicecoach.report import fmt_time
from voicecoach.ui.style import SECTION_LABELS, current_theme, section_color, set_role
from voicecoach.ui.wheel_guard import guard_wheel

EMPTY_TEXT = (
    "Progress appears after three analysed takes{so_far}.\n\n"
    "You will see how your answers change over time: length against the target, how much of "
    "each answer goes on Situation and Task and how much on Action, fillers per minute, pace "
    "and checks passed — for all takes, per pack or topic, and per question, with each take's "
    "STAR bar stacked under the one before."
)
SCOPE_FEW_TEXT = (
    "Trends for {what} appear from its third analysed take (you have {n} so far). "
    "Until then, its {takes} shown below, question by question."
)
RUNS_NOTE = (
    "Each run's answers end to end (follow-ups lighter, over-target answers in red); "
    "the dashed line is the run's targets added up."
)
# only while the charts are shown (a scope with fewer than three takes hides them)
RUNS_NOTE_RINGS = (
    " In the charts above, each answer of a run is a ring among the takes' dots. Follow-ups "
    "are not in the charts or in the per-question rows."
)
RUNS_NOTE_NO_CHARTS = " Follow-ups are not in the trends or in the per-question rows."
# drills are timed as a whole: no STAR sections, so no shares (never a 0% point)
DRILLS_NOTE = (
    "{n} {takes} timed as a whole (drills, with no STAR sections) {are} left out of the two "
    "share charts; {their} length, fillers, pace and checks are in the others."
)
NO_SHARES_TEXT = "No STAR answers here: drills are timed as a whole, with no sections to share."
LADDER_MAX_ROWS = 30
SUMMARY_COLUMNS = ("first", "best", "latest")


def _hidden_note(name: str) -> QLabel:
    """A muted, wrapping line under the charts, hidden until there is something to say."""
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    set_role(label, "muted")
    label.hide()
    return label


def _day(dt: datetime) -> str:
    return dt.astimezone().strftime("%d %b").lstrip("0")


def _alpha(c: QColor, a: int) -> QColor:
    c = QColor(c)
    c.setAlpha(a)
    return c


class TrendChart(QWidget):
    """One figure over time: a dot per take, the 5-take average as a line, the latest value.
    An answer given in a mock interview is a ring instead of a dot."""

    def __init__(self, key: MetricKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"trend_{key}")
        self.setMinimumSize(240, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._series: Series | None = None
        self._points: dict[int, TakePoint] = {}
        self._interview: frozenset[int] = frozenset()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(320, 170)

    def set_series(
        self, s: Series, points: dict[int, TakePoint], interview: frozenset[int] = frozenset()
    ) -> None:
        """`interview`: the take ids of answers given in a mock interview (drawn as rings)."""
        self._series = s
        self._points = points
        self._interview = interview
        latest = self.latest_text()
        self.setAccessibleName(f"{s.metric.title}: latest {latest}" if latest else s.metric.title)
        self.update()

    def latest_text(self) -> str:
        if self._series is None or not self._series.points:
            return ""
        _t, v, take = self._series.points[-1]
        return fmt_value(self.key, v, self._points.get(take))

    def _range(self, values: list[float]) -> tuple[float, float]:
        lo, hi = min(values), max(values)
        if self.key == "time":
            lo, hi = min(lo, 0.0), max(hi, 0.0)  # the target line is always in view
        elif self.key in ("setup", "action"):
            lo, hi = 0.0, max(hi, 50.0)
        elif self.key == "checks":
            tot = max((p.checks_total for p in self._points.values()), default=1)
            lo, hi = 0.0, float(max(tot, hi, 1))
        elif self.key == "fillers":
            lo = 0.0
        elif self.key == "pace":
            lo, hi = min(lo, COMFORTABLE_WPM[0] - 10), max(hi, COMFORTABLE_WPM[1] + 10)
        if hi - lo < 1e-9:
            lo, hi = lo - 1, hi + 1
        return lo, hi

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        theme = current_theme()
        text, muted, accent = theme.color("text"), theme.color("muted"), theme.color("accent")
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        path = QPainterPath()
        path.addRoundedRect(card, 8, 8)
        p.fillPath(path, theme.color("surface"))
        p.setPen(QPen(theme.color("border"), 1))
        p.drawPath(path)
        if self._series is None:
            return
        m = self._series.metric
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.setPen(text)
        p.drawText(QRectF(12, 8, self.width() - 24, 20), Qt.AlignmentFlag.AlignLeft, m.title)
        latest = self.latest_text()
        p.setPen(accent)
        p.drawText(QRectF(12, 8, self.width() - 24, 20), Qt.AlignmentFlag.AlignRight, latest)
        small = QFont(self.font())
        small.setPointSizeF(max(7.5, self.font().pointSizeF() - 1.5))
        p.setFont(small)
        p.setPen(muted)
        p.drawText(QRectF(12, self.height() - 22, self.width() - 24, 16), 0, m.better)

        pts = self._series.points
        values = [v for _t, v, _i in pts]
        if not values:
            if self.key in SHARE_KEYS and self._points:  # only drills: say why it is empty
                p.setPen(muted)
                p.drawText(
                    QRectF(16, 36, self.width() - 32, self.height() - 36 - 46),
                    Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                    NO_SHARES_TEXT,
                )
            return
        plot, axis_lo, axis_hi, x, y = self._frame(values)
        n = len(values)

        # guides: the comfortable pace band, the target line, the axis figures
        if self.key == "pace":
            band = QRectF(
                plot.left(),
                y(COMFORTABLE_WPM[1]),
                plot.width(),
                y(COMFORTABLE_WPM[0]) - y(COMFORTABLE_WPM[1]),
            )
            p.fillRect(band, _alpha(theme.color("good"), 30))
        p.setPen(QPen(theme.color("border"), 1))
        p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        if self.key == "time":
            p.setPen(QPen(theme.color("good"), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(plot.left(), y(0)), QPointF(plot.right(), y(0)))
        p.setPen(muted)
        for v in (axis_lo, axis_hi):  # the unit is in the title
            label = f"{v:+.0f}" if self.key == "time" and v else f"{v:.{m.decimals}f}"
            p.drawText(
                QRectF(0, y(v) - 8, plot.left() - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label.replace("-", "−"),
            )
        first, last = pts[0][0], pts[-1][0]
        axis = QRectF(plot.left(), plot.bottom() + 2, plot.width(), 16)
        p.drawText(axis, Qt.AlignmentFlag.AlignLeft, _day(first))
        if n > 1:
            p.drawText(axis, Qt.AlignmentFlag.AlignRight, _day(last))
        p.drawText(axis, Qt.AlignmentFlag.AlignHCenter, f"{n} take{'s' if n != 1 else ''}")

        # the takes, faint when there are many; the running average over them
        r = 3.5 if n <= 40 else 2.0
        dot = _alpha(accent, 255 if n <= 12 else 90)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(dot)
        rings = []
        for i, (_t, v, take) in enumerate(pts):
            if take in self._interview:
                rings.append(QPointF(x(i), y(v)))
            else:
                p.drawEllipse(QPointF(x(i), y(v)), r, r)
        line = values if n <= 12 else rolling_mean(values, 5)
        if n > 1:
            p.setPen(QPen(accent, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            trace = QPainterPath(QPointF(x(0), y(line[0])))
            for i in range(1, n):
                trace.lineTo(x(i), y(line[i]))
            p.drawPath(trace)
        p.setPen(QPen(accent, 1.6))
        p.setBrush(theme.color("surface"))
        for c in rings:  # a mock interview's answers: hollow, over the line, so they stand out
            p.drawEllipse(c, r + 1, r + 1)
        p.setPen(QPen(theme.color("surface"), 2))
        p.setBrush(accent)
        p.drawEllipse(QPointF(x(n - 1), y(values[-1])), 4.5, 4.5)
        p.end()

    def _frame(self, values: list[float]):
        """The plot rectangle, the axis range and the take index / value -> pixel mappings."""
        plot = QRectF(40, 36, self.width() - 54, self.height() - 36 - 46)
        axis_lo, axis_hi = self._range(values)
        pad = (axis_hi - axis_lo) * 0.08  # dots on the edge stay whole
        lo, hi = axis_lo - pad, axis_hi + pad
        n = len(values)

        def y(v: float) -> float:
            return plot.bottom() - (v - lo) / (hi - lo) * plot.height()

        def x(i: int) -> float:
            return plot.left() + (plot.width() * (i / (n - 1)) if n > 1 else plot.width() / 2)

        return plot, axis_lo, axis_hi, x, y

    def point_of(self, take_id: int) -> QPointF | None:
        """Where `take_id`'s dot (or ring) is drawn, in widget pixels."""
        if self._series is None:
            return None
        values = self._series.values
        _plot, _lo, _hi, x, y = self._frame(values)
        for i, (_t, v, take) in enumerate(self._series.points):
            if take == take_id:
                return QPointF(x(i), y(v))
        return None


class LadderChart(QWidget):
    """One question's takes, oldest at the top: each take's STAR bar under the previous one."""

    takeClicked = Signal(int)
    ROW_H = 24
    GAP = 8
    LEFT = 78
    RIGHT = 56

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressLadder")
        self._takes: tuple[TakePoint, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_takes(self, takes: Sequence[TakePoint]) -> None:
        self._takes = tuple(takes)[-LADDER_MAX_ROWS:]
        self.setFixedHeight(self._legend_h() + len(self._takes) * (self.ROW_H + self.GAP) + 8)
        self.update()

    def rows(self) -> tuple[TakePoint, ...]:
        return self._takes

    def _legend_h(self) -> int:
        return 26

    def _row_top(self, i: int) -> float:
        return self._legend_h() + i * (self.ROW_H + self.GAP)

    def mouseReleaseEvent(self, e) -> None:  # noqa: N802 (Qt override)
        i = int((e.position().y() - self._legend_h()) // (self.ROW_H + self.GAP))
        if 0 <= i < len(self._takes) and e.position().y() >= self._legend_h():
            self.takeClicked.emit(self._takes[i].take_id)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        theme = current_theme()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self._takes:
            return
        muted, text = theme.color("muted"), theme.color("text")
        # legend: the STAR colours, or one swatch when every take is timed as a whole (drills)
        x0 = float(self.LEFT)
        legend = (
            [(name, label, section_color(name)) for name, label in SECTION_LABELS.items()]
            if any(not t.timed_as_whole for t in self._takes)
            else []
        )
        if any(t.timed_as_whole for t in self._takes):
            legend.append(("whole", "Timed as a whole", muted))
        for _name, label, color in legend:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(QRectF(x0, 6, 12, 12), 3, 3)
            p.setPen(text)
            w = p.fontMetrics().horizontalAdvance(label)
            p.drawText(QRectF(x0 + 16, 2, w + 4, 20), Qt.AlignmentFlag.AlignVCenter, label)
            x0 += 16 + w + 18
        p.setPen(QPen(muted, 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x0, 12), QPointF(x0 + 16, 12))
        p.setPen(muted)
        p.drawText(QRectF(x0 + 20, 2, 80, 20), Qt.AlignmentFlag.AlignVCenter, "target")

        scale_s = max(max(t.duration_s for t in self._takes), max(t.target_s for t in self._takes))
        width = self.width() - self.LEFT - self.RIGHT
        bar_bg = theme.color("surface_alt")

        def x(t: float) -> float:
            return self.LEFT + max(0.0, min(t, scale_s)) / scale_s * width

        for i, take in enumerate(self._takes):
            top = self._row_top(i)
            row = QRectF(self.LEFT, top, width, self.ROW_H)
            p.setPen(muted)
            p.drawText(
                QRectF(0, top, self.LEFT - 10, self.ROW_H),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _day(take.created_at),
            )
            bar = QRectF(self.LEFT, top, x(take.duration_s) - self.LEFT, self.ROW_H)
            clip = QPainterPath()
            clip.addRoundedRect(bar, 5, 5)
            p.save()
            p.setClipPath(clip)
            p.fillRect(bar, muted if take.timed_as_whole else bar_bg)
            for name, start, end in take.sections:
                p.fillRect(
                    QRectF(x(start), top, x(end) - x(start), self.ROW_H), section_color(name)
                )
            p.restore()
            p.setPen(QPen(muted, 1.5, Qt.PenStyle.DashLine))
            tx = x(take.target_s)
            p.drawLine(QPointF(tx, row.top() - 3), QPointF(tx, row.bottom() + 3))
            p.setPen(theme.color("bad") if take.time_status == "over" else text)
            p.drawText(
                QRectF(self.width() - self.RIGHT + 8, top, self.RIGHT - 8, self.ROW_H),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fmt_time(take.length_s),
            )
        p.end()


class RunsChart(QWidget):
    """Mock interview runs, oldest at the top: one bar per run, each answer a segment (its
    follow-up lighter), the dashed line the run's added-up target, its figures underneath."""

    runClicked = Signal(int)
    BAR_H = 18
    TEXT_H = 18
    GAP = 10
    LEFT = 78
    RIGHT = 104

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressRuns")
        self._runs: tuple[RunPoint, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_runs(self, runs: Sequence[RunPoint]) -> None:
        self._runs = tuple(runs)[-LADDER_MAX_ROWS:]
        self.setFixedHeight(len(self._runs) * self._row_h() + 4)
        names = [f"{_day(r.created_at)}: {fmt_run(r)}" for r in self._runs]
        self.setAccessibleName("Mock interviews. " + ". ".join(names))
        self.update()

    def rows(self) -> tuple[RunPoint, ...]:
        return self._runs

    def _row_h(self) -> int:
        return self.BAR_H + self.TEXT_H + self.GAP

    def mouseReleaseEvent(self, e) -> None:  # noqa: N802 (Qt override)
        i = int(e.position().y() // self._row_h())
        if 0 <= i < len(self._runs):
            self.runClicked.emit(self._runs[i].run_id)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        if not self._runs:
            return
        theme = current_theme()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        muted, text, accent = theme.color("muted"), theme.color("text"), theme.color("accent")
        scale_s = float(max(max(r.length_s, r.target_s) for r in self._runs) or 1)
        width = self.width() - self.LEFT - self.RIGHT

        def x(t: float) -> float:
            return self.LEFT + max(0.0, min(t, scale_s)) / scale_s * width

        small = QFont(self.font())
        small.setPointSizeF(max(7.5, self.font().pointSizeF() - 1.0))
        for i, run in enumerate(self._runs):
            top = i * self._row_h()
            p.setFont(self.font())
            p.setPen(muted)
            p.drawText(
                QRectF(0, top, self.LEFT - 10, self.BAR_H),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _day(run.created_at),
            )
            p.fillRect(QRectF(self.LEFT, top, width, self.BAR_H), theme.color("surface_alt"))
            t = 0.0
            for a in run.answers:
                seg = QRectF(x(t), top, max(1.0, x(t + a.length_s) - x(t) - 1), self.BAR_H)
                color = accent if a.kind == "answer" else _alpha(accent, 110)
                if a.status == "over":
                    color = (
                        theme.color("bad")
                        if a.kind == "answer"
                        else _alpha(theme.color("bad"), 110)
                    )
                p.fillRect(seg, color)
                t += a.length_s
            p.setPen(QPen(text, 1.5, Qt.PenStyle.DashLine))
            tx = x(run.target_s)
            p.drawLine(QPointF(tx, top - 3), QPointF(tx, top + self.BAR_H + 3))
            over = run.over_s
            p.setPen(theme.color("bad") if over > 0 else text)
            p.drawText(
                QRectF(self.width() - self.RIGHT + 8, top, self.RIGHT - 8, self.BAR_H),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                run_length_label(run),
            )
            p.setFont(small)
            p.setPen(muted)
            p.drawText(
                QRectF(self.LEFT, top + self.BAR_H + 1, width + self.RIGHT, self.TEXT_H),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fmt_run(run) + (" · ended early" if run.status == "ended_early" else ""),
            )
        p.end()


class ProgressView(QWidget):
    """The Progress page: scope picker, six trend charts, and one question's takes."""

    openRequested = Signal(int)  # a take id, to open its review
    runOpenRequested = Signal(int)  # an interview run id, to open its summary

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressView")
        self._points: list[TakePoint] = []
        self._runs: list[RunPoint] = []
        self._scopes: list[Scope] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        head = QHBoxLayout()
        title = QLabel("Progress")
        set_role(title, "title")
        head.addWidget(title, 1)
        scope_label = QLabel("Show")
        set_role(scope_label, "muted")
        self.scope = QComboBox()
        self.scope.setObjectName("progressScope")
        self.scope.setAccessibleName("Show progress for")
        self.scope.setMinimumContentsLength(24)
        scope_label.setBuddy(self.scope)
        head.addWidget(scope_label)
        head.addWidget(self.scope)
        outer.addLayout(head)

        self.empty = QLabel(EMPTY_TEXT.format(so_far=""))
        self.empty.setObjectName("progressEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMaximumWidth(560)
        set_role(self.empty, "muted")
        outer.addWidget(self.empty, 1, Qt.AlignmentFlag.AlignCenter)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("progressScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("progressBody")
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 8, 0)
        bl.setSpacing(12)
        self.trends = QWidget()
        self.trends.setObjectName("progressTrends")
        grid = QGridLayout(self.trends)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.charts: dict[str, TrendChart] = {}
        for i, m in enumerate(METRICS):
            chart = TrendChart(m.key)
            self.charts[m.key] = chart
            grid.addWidget(chart, i // 3, i % 3)
        bl.addWidget(self.trends)
        # a pack or topic with one or two takes: a line of a single dot says nothing
        self.scope_few = _hidden_note("progressScopeFew")
        bl.addWidget(self.scope_few)
        self.drills_note = _hidden_note("progressDrillsNote")
        bl.addWidget(self.drills_note)

        self.runs_title = QLabel("Mock interviews, run by run")
        self.runs_title.setObjectName("progressRunsTitle")
        set_role(self.runs_title, "heading")
        bl.addWidget(self.runs_title)
        self.runs = RunsChart()
        self.runs.setToolTip("Click a run to open its summary")
        self.runs.runClicked.connect(self.runOpenRequested)
        bl.addWidget(self.runs)
        self.runs_note = QLabel(RUNS_NOTE + RUNS_NOTE_RINGS)
        self.runs_note.setObjectName("progressRunsNote")
        self.runs_note.setWordWrap(True)
        set_role(self.runs_note, "muted")
        bl.addWidget(self.runs_note)

        qhead = QHBoxLayout()
        qtitle = QLabel("One question, take by take")
        set_role(qtitle, "heading")
        qhead.addWidget(qtitle)
        qhead.addStretch(1)
        self.question = QComboBox()
        self.question.setObjectName("progressQuestion")
        self.question.setAccessibleName("Question")
        self.question.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.question.setMinimumContentsLength(40)
        guard_wheel(self.question)  # the wheel scrolls the page, not the question
        qhead.addWidget(self.question, 2)
        bl.addLayout(qhead)

        # the question's first, best and latest take, figure by figure: made once, filled per
        # question (new labels on a shown page appear an event late, and cost a polish each)
        self.summary_box = QWidget()
        self.summary_box.setObjectName("progressSummary")
        self.summary = QGridLayout(self.summary_box)
        self.summary.setContentsMargins(0, 0, 0, 0)
        self.summary.setHorizontalSpacing(24)
        self.summary.setVerticalSpacing(4)
        self._heads: dict[str, QLabel] = {}
        self._cells: dict[tuple[str, str], QLabel] = {}
        for c, col in enumerate(SUMMARY_COLUMNS, start=1):
            head = QLabel()
            set_role(head, "heading")
            self._heads[col] = head
            self.summary.addWidget(head, 0, c)
        for r, m in enumerate(METRICS, start=1):
            self.summary.addWidget(QLabel(m.title), r, 0)
            for c, col in enumerate(SUMMARY_COLUMNS, start=1):
                cell = QLabel()
                cell.setObjectName(f"prog_{m.key}_{col}")
                self._cells[(m.key, col)] = cell
                self.summary.addWidget(cell, r, c)
        self.summary.setColumnStretch(4, 1)
        bl.addWidget(self.summary_box)
        self.ladder = LadderChart()
        self.ladder.setToolTip("Click a take to open its review")
        self.ladder.takeClicked.connect(self.openRequested)
        bl.addWidget(self.ladder)
        self.ladder_note = QLabel("")
        self.ladder_note.setObjectName("progressLadderNote")
        set_role(self.ladder_note, "muted")
        bl.addWidget(self.ladder_note)
        bl.addStretch(1)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)

        self.scope.currentIndexChanged.connect(self._show_scope)
        self.question.currentIndexChanged.connect(self._show_question)
        self._set_empty(True)

    # --- data ----------------------------------------------------------------------------

    def set_points(
        self,
        points: Sequence[TakePoint],
        pack_titles: dict[str, str] | None = None,
        runs: Sequence[RunPoint] = (),
    ):
        """All analysed takes and interview runs (oldest first); keeps the chosen scope and
        question if they remain."""
        self._points = list(points)
        self._runs = list(runs)
        cur_scope = self.scope.currentData()
        cur_q = self.question.currentData()
        self._scopes = scopes(self._points, pack_titles)
        self.scope.blockSignals(True)
        self.scope.clear()
        for s in self._scopes:
            self.scope.addItem(s.label, (s.kind, s.value))
        keep = next((i for i, s in enumerate(self._scopes) if (s.kind, s.value) == cur_scope), 0)
        self.scope.setCurrentIndex(keep)
        self.scope.blockSignals(False)
        n = len(self._points)
        so_far = f" (you have {n} so far)" if n else ""
        self.empty.setText(EMPTY_TEXT.format(so_far=so_far))
        self._set_empty(n < MIN_TAKES)
        self._show_scope(question=cur_q)

    def current_scope(self) -> Scope | None:
        i = self.scope.currentIndex()
        return self._scopes[i] if 0 <= i < len(self._scopes) else None

    def _set_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.scroll.setVisible(not empty)
        self.scope.setEnabled(not empty)

    def _show_scope(self, *_a, question: str | None = None) -> None:
        scope = self.current_scope()
        chosen = in_scope(self._points, scope) if scope is not None else []
        by_id = {p.take_id: p for p in chosen}
        runs = runs_in_scope(self._runs, scope) if scope is not None else []
        interview = frozenset(t for r in runs for t in r.answer_take_ids)
        for m in METRICS:
            self.charts[m.key].set_series(series(chosen, m.key), by_id, interview)
        few = scope is not None and len(chosen) < MIN_TAKES and len(self._points) >= MIN_TAKES
        self.trends.setVisible(not few)
        self.scope_few.setVisible(few)
        drills = left_out(chosen, "action")
        self.drills_note.setVisible(drills > 0 and not few)
        one = drills == 1
        self.drills_note.setText(
            DRILLS_NOTE.format(
                n=drills,
                takes="take" if one else "takes",
                are="is" if one else "are",
                their="its" if one else "their",
            )
        )
        if few and scope is not None:
            what = f"this {scope.kind}" if scope.kind in ("pack", "topic") else "this choice"
            takes = "take is" if len(chosen) == 1 else "takes are"
            self.scope_few.setText(SCOPE_FEW_TEXT.format(what=what, n=len(chosen), takes=takes))
        self.runs.set_runs(runs)
        self.runs_note.setText(RUNS_NOTE + (RUNS_NOTE_NO_CHARTS if few else RUNS_NOTE_RINGS))
        for w in (self.runs_title, self.runs, self.runs_note):
            w.setVisible(bool(runs))
        if len(runs) > LADDER_MAX_ROWS:
            self.runs_title.setText(f"Mock interviews: the latest {LADDER_MAX_ROWS} of {len(runs)}")
        else:
            self.runs_title.setText("Mock interviews, run by run")
        qs = questions(chosen)
        self.question.blockSignals(True)
        self.question.clear()
        for qid, text, n in qs:
            self.question.addItem(f"{text}  ({n} take{'s' if n != 1 else ''})", qid)
            self.question.setItemData(self.question.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        if question is not None:
            self.question.setCurrentIndex(max(0, self.question.findData(question)))
        self.question.blockSignals(False)
        self._show_question()

    def _show_question(self, *_a) -> None:
        qid = self.question.currentData()
        summary = question_summary(self._points, qid) if qid else None
        self.summary_box.setVisible(summary is not None)
        if summary is None:
            self.ladder.set_takes(())
            self.ladder_note.setText("")
            return
        takes = {"first": summary.first, "best": summary.best, "latest": summary.latest}
        for col, take in takes.items():
            self._heads[col].setText(f"{col.upper()} · {_day(take.created_at)}")
            for m in METRICS:
                self._cells[(m.key, col)].setText(fmt_value(m.key, take.value(m.key), take))
        self.ladder.set_takes(summary.takes)
        n = len(summary.takes)
        shown = min(n, LADDER_MAX_ROWS)
        note = "Each take's STAR bar, oldest at the top; the dashed line is the target."
        if all(t.timed_as_whole for t in summary.takes):
            note = (
                "Each take's length, oldest at the top (timed as a whole, no STAR sections); "
                "the dashed line is the target."
            )
        if shown < n:
            note += f" The latest {shown} of {n} takes are shown."
        self.ladder_note.setText(note + " Click a bar to open that take.")

    def summary_text(self, metric: str, column: str) -> str:
        """Text of a per-question cell (column: first, best, latest)."""
        w = self.findChild(QLabel, f"prog_{metric}_{column}")
        return w.text() if w is not None else ""
