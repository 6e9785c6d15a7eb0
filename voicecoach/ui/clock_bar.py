"""ClockBar: elapsed recording time against the target, with the STAR section target marks.

Painted: a track split at the cumulative section targets (0:15, 0:30, 1:30 by default), faintly
tinted with the section each window is for, and filled up to the elapsed time. The fill shows
what was actually *heard* (`set_heard`, from the live transcript): each section in its colour
from where it began, so a Situation that runs into the Action window shows as blue there. Until
anything is heard (or without live cues) the fill is neutral. Past the total target the part
over is drawn in the warning colour.

A question timed as a whole (a drill, `timed_sections` False) has no section windows: the track
is plain, the fill neutral, and the only mark is the total target.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from voicecoach.domain import SECTION_NAMES, SectionTargets
from voicecoach.report import fmt_time
from voicecoach.ui.style import SECTION_LABELS, current_theme, section_color, section_tint

TRACK_Y = 18.0
TRACK_H = 14.0


class ClockBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockBar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._targets = SectionTargets()
        self._elapsed_s = 0.0
        self._timed_sections = True
        self._heard: list[tuple[str, float]] = []

    def sizeHint(self) -> QSize:
        return QSize(600, 56)

    def set_targets(self, targets: SectionTargets, timed_sections: bool = True) -> None:
        self._targets = targets
        self._timed_sections = timed_sections
        self.update()

    def set_heard(self, spans: list[tuple[str, float]]) -> None:
        """(section, start time) of each section heard so far, in spoken order."""
        self._heard = list(spans)
        self.update()

    def heard_section_at(self, t_s: float) -> str | None:
        """The section heard at `t_s` (None before the first words or without live status)."""
        found = None
        for name, start in self._heard:
            if start <= t_s:
                found = name
        return found

    def set_elapsed(self, seconds: float) -> None:
        self._elapsed_s = max(0.0, seconds)
        self.update()

    def marks(self) -> list[tuple[str, float]]:
        """(section, end time) of each section's window: 0:15, 0:30, 1:30, then the 2:00 total.

        The Result window runs to the total target, which leaves slack for a closing line.
        """
        out, t = [], 0.0
        for n in SECTION_NAMES[:-1]:
            t += self._targets.for_section(n)
            out.append((n, t))
        out.append((SECTION_NAMES[-1], max(t, self._targets.total_s)))
        return out

    def tick_times(self) -> list[float]:
        """Where the bar has a mark: each section window's end, or only the total target when
        the question is timed as a whole (a drill has no windows to mark)."""
        if not self._timed_sections:
            return [self._targets.total_s]
        return [end for _name, end in self.marks()]

    def expected_section(self, t_s: float) -> str | None:
        """The section a speaker keeping to the targets would be in at `t_s` (None: past all)."""
        for name, end in self.marks():
            if t_s < end:
                return name
        return None

    def _x(self, t: float) -> float:
        span = max(self._targets.total_s, self._elapsed_s) * 1.03
        return 8 + (self.width() - 16) * t / span

    def paintEvent(self, _e) -> None:  # noqa: N802
        theme = current_theme()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = theme.color("surface")
        track = QRectF(self._x(0), TRACK_Y, self._x(self._targets.total_s) - self._x(0), TRACK_H)
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, self.font().pointSizeF() - 1.5))
        p.setFont(small)

        # target windows, faintly coloured
        path = QPainterPath()
        path.addRoundedRect(track, TRACK_H / 2, TRACK_H / 2)
        p.save()
        p.setClipPath(path)
        if self._timed_sections:
            start = 0.0
            for name, end in self.marks():
                r = QRectF(self._x(start), TRACK_Y, self._x(end) - self._x(start), TRACK_H)
                p.fillRect(r, section_tint(name, base, 0.22))
                start = end
        else:
            p.fillRect(track, theme.color("surface_alt"))
        # elapsed fill: neutral, then each heard section in its colour from where it began
        now = min(self._elapsed_s, self._targets.total_s)
        if self._elapsed_s > 0:
            elapsed = QRectF(self._x(0), TRACK_Y, self._x(now) - self._x(0), TRACK_H)
            if not self._timed_sections:
                p.fillRect(elapsed, theme.color("accent"))
            else:
                p.setOpacity(0.45)
                p.fillRect(elapsed, theme.color("muted"))
                p.setOpacity(1.0)
            for i, (name, start) in enumerate(self._heard if self._timed_sections else []):
                end = self._heard[i + 1][1] if i + 1 < len(self._heard) else now
                a, b = min(start, now), min(end, now)
                if b > a:
                    r = QRectF(self._x(a), TRACK_Y, self._x(b) - self._x(a), TRACK_H)
                    p.fillRect(r, section_color(name))
        p.restore()
        if self._elapsed_s > self._targets.total_s:
            over = QRectF(
                self._x(self._targets.total_s) + 2,
                TRACK_Y,
                self._x(self._elapsed_s) - self._x(self._targets.total_s) - 2,
                TRACK_H,
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(theme.color("bad"))
            p.drawRoundedRect(over, TRACK_H / 2, TRACK_H / 2)

        # marks and labels
        fm = p.fontMetrics()
        start = 0.0
        marks = self.marks() if self._timed_sections else [("total", t) for t in self.tick_times()]
        for name, end in marks:
            x = self._x(end)
            p.setPen(QPen(theme.color("muted"), 1))
            p.drawLine(QPointF(x, TRACK_Y - 3), QPointF(x, TRACK_Y + TRACK_H + 3))
            lbl = fmt_time(end)
            w = fm.horizontalAdvance(lbl)
            p.drawText(
                QRectF(x - w / 2 - 2, TRACK_Y + TRACK_H + 4, w + 4, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                lbl,
            )
            if self._timed_sections:
                mid = QRectF(self._x(start), 0, self._x(end) - self._x(start), TRACK_Y - 2)
                name_lbl = SECTION_LABELS[name]
                if fm.horizontalAdvance(name_lbl) + 6 > mid.width():
                    name_lbl = name_lbl[0]
                p.setPen(theme.color("muted"))
                p.drawText(mid, Qt.AlignmentFlag.AlignCenter, name_lbl)
            start = end
        p.end()
