"""StarTimeline: the answer's Situation/Task/Action/Result spans against their targets.

One bar of what was said (four colour-blind-safe colours, the part past the target hatched on a
section that ran over), a thin bar of the target spans under it, the 2:00 marker, a time axis
and a caption per section ("Situation 41 s — 26 s over target", "Task — missing"). Over, short
and within use the same rule and tolerance as the timing verdicts (`analysis.timing`), so the
captions and the verdicts beside them always agree. Click a section to play it; drag the
edge between two sections to correct where one ends (`boundaryMoved`). Keyboard: Left/Right pick
a section, Enter plays it (in the app Space stays play/pause, the Review page's shortcut).

An answer timed as a whole (a drill: `report.timed_as_whole`) has no sections: the bar is the
answer's length in one neutral colour, the thin bar one span for the total target, and the only
caption is the total, beside a note that the question has no STAR sections. No section is ever
called missing for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from voicecoach.analysis.timing import section_lengths, section_status, total_status, whole_s
from voicecoach.domain import SECTION_NAMES, Report, Section, SectionTargets
from voicecoach.report import TIMED_AS_WHOLE, fmt_seconds, fmt_time
from voicecoach.settings import AnalysisSettings
from voicecoach.ui.style import SECTION_LABELS, current_theme, section_color, section_tint

PAD_X = 14.0
BAR_Y = 24.0
BAR_H = 34.0
TARGET_GAP = 6.0
TARGET_H = 8.0
AXIS_H = 18.0
CAPTION_Y_GAP = 14.0
CAPTION_H = 38.0
GRAB_PX = 6.0
MIN_SECTION_S = 1.0


@dataclass(frozen=True)
class Caption:
    name: str
    head: str  # "Situation 41 s"
    detail: str  # "26 s over target", "within target", "missing"
    kind: str  # over | short | ok | missing

    @property
    def text(self) -> str:
        return f"{self.head} — {self.detail}"


def caption_for(
    name: str, length_s: float | None, target_s: float, settings: AnalysisSettings | None = None
) -> Caption:
    """One section's caption; `length_s` None when the section is missing."""
    label = SECTION_LABELS[name]
    if length_s is None:
        return Caption(name, label, "missing", "missing")
    d, t = whole_s(length_s), whole_s(target_s)
    head = f"{label} {d} s"
    status = section_status(name, length_s, target_s, settings)
    if status == "over":
        return Caption(name, head, f"{d - t} s over target", "over")
    if status == "short":
        return Caption(name, head, f"{t - d} s short of target", "short")
    return Caption(name, head, "within target", "ok")


def _text_on(color: QColor) -> QColor:
    def lin(c: float) -> float:
        c /= 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(color.red()) + 0.7152 * lin(color.green()) + 0.0722 * lin(color.blue())
    return QColor("#14171c") if lum > 0.28 else QColor("#ffffff")


class StarTimeline(QWidget):
    """Custom-painted STAR timeline; see the module docstring."""

    boundaryMoved = Signal(int, float)  # index of the left section, new boundary time (s)
    sectionClicked = Signal(str)  # section name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("starTimeline")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("STAR section timeline")
        self._sections: tuple[Section, ...] = ()
        self._missing: tuple[str, ...] = ()
        self._whole = False  # timed as a whole: no sections found and none missing
        self._targets = SectionTargets()
        self._duration_s = 0.0
        self._playhead_s: float | None = None
        self._drag: int | None = None  # boundary index being dragged
        self._drag_s = 0.0
        self._press_x: float | None = None
        self._focus_index = 0
        self._editable = True
        self._hover_boundary: int | None = None
        self._settings = AnalysisSettings()

    # --- data ----------------------------------------------------------------------------

    def set_report(self, report: Report) -> None:
        self.set_sections(
            report.sections, report.missing_sections, report.targets, report.duration_s
        )

    def set_sections(
        self,
        sections: tuple[Section, ...],
        missing: tuple[str, ...],
        targets: SectionTargets,
        duration_s: float,
    ) -> None:
        self._sections = tuple(sections)
        self._missing = tuple(missing)
        self._whole = not self._sections and not self._missing
        self._targets = targets
        self._duration_s = float(duration_s)
        self._drag = None
        self._focus_index = min(self._focus_index, max(0, len(self._sections) - 1))
        self.setAccessibleName("Answer length" if self._whole else "STAR section timeline")
        self._describe()
        self.update()

    def _describe(self) -> None:
        parts = [c.text for c in self.captions()]
        if self._whole:
            parts = [TIMED_AS_WHOLE, self.total_caption()]
        self.setAccessibleDescription(". ".join(parts))

    def timed_as_whole(self) -> bool:
        """Whether the answer shown has no STAR sections (a drill): one bar, the total."""
        return self._whole

    def reset_focus(self) -> None:
        """Back to the first section, for a new take (arrow keys start from the start)."""
        self._focus_index = 0
        self.update()

    def set_timing_settings(self, settings: AnalysisSettings) -> None:
        """The tolerances the verdicts use (from Settings.analysis)."""
        self._settings = settings
        self._describe()
        self.update()

    def set_editable(self, editable: bool) -> None:
        """Whether boundaries can be dragged (off for drills and while analysing)."""
        self._editable = editable

    def set_playhead(self, t_s: float | None) -> None:
        self._playhead_s = t_s
        self.update()

    def playhead_s(self) -> float | None:
        """Where the playhead is drawn (None: not drawn)."""
        return self._playhead_s

    def captions(self) -> list[Caption]:
        """One caption per STAR section; none for an answer timed as a whole."""
        if self._whole:
            return []
        lengths = section_lengths(self._sections)
        return [
            caption_for(n, lengths.get(n), self._targets.for_section(n), self._settings)
            for n in SECTION_NAMES
        ]

    def target_spans(self) -> list[tuple[str, float, float]]:
        """The thin bar under the answer: (section, start, end) of each section's target, in
        order from where the answer starts; one ("total", 0, total) span when timed as a whole."""
        if self._whole:
            return [("total", 0.0, self._targets.total_s)]
        t = self._sections[0].start_s if self._sections else 0.0
        out = []
        for name in SECTION_NAMES:
            d = self._targets.for_section(name)
            out.append((name, t, t + d))
            t += d
        return out

    def caption(self, name: str) -> str:
        return next(c.text for c in self.captions() if c.name == name)

    def _total(self) -> tuple[str, str, str]:
        total, target = self._duration_s, self._targets.total_s
        d, t = whole_s(total), whole_s(target)
        status = total_status(total, target, self._settings)
        head = f"Total {fmt_time(total)}"
        if status == "over":
            return head, f"{d - t} s over target", "over"
        if status == "under":
            return head, f"{t - d} s under target", "short"
        return head, "within target", "ok"

    def total_caption(self) -> str:
        head, detail, _kind = self._total()
        return f"{head} — {detail}"

    # --- geometry ------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(720, int(self._height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(360, int(self._height()))

    def _height(self) -> float:
        return BAR_Y + BAR_H + TARGET_GAP + TARGET_H + AXIS_H + CAPTION_Y_GAP + CAPTION_H

    def _span_s(self) -> float:
        return max(self._duration_s, self._targets.total_s, 1.0) * 1.04

    def x_for(self, t_s: float) -> float:
        w = self.width() - 2 * PAD_X
        return PAD_X + w * max(0.0, t_s) / self._span_s()

    def t_for(self, x: float) -> float:
        w = max(1.0, self.width() - 2 * PAD_X)
        return (x - PAD_X) / w * self._span_s()

    def _sections_for_paint(self) -> list[Section]:
        """Sections with a boundary being dragged shown at its new place."""
        secs = list(self._sections)
        if self._drag is not None:
            k = self._drag
            a, b = secs[k], secs[k + 1]
            secs[k] = Section(a.name, a.start_s, self._drag_s, a.target_s)
            secs[k + 1] = Section(b.name, self._drag_s, b.end_s, b.target_s)
        return secs

    def section_rect(self, name: str) -> QRectF | None:
        for s in self._sections_for_paint():
            if s.name == name:
                x0, x1 = self.x_for(s.start_s), self.x_for(s.end_s)
                return QRectF(x0, BAR_Y, max(1.0, x1 - x0), BAR_H)
        return None

    def boundaries(self) -> list[tuple[int, float]]:
        """(index of left section, time) for each edge shared by two adjacent sections."""
        out = []
        for k in range(len(self._sections) - 1):
            a, b = self._sections[k], self._sections[k + 1]
            if abs(a.end_s - b.start_s) < 0.75:
                out.append((k, b.start_s))
        return out

    def boundary_x(self, index: int) -> float:
        for k, t in self.boundaries():
            if k == index:
                return self.x_for(t)
        raise IndexError(index)

    def _boundary_at(self, pos: QPointF) -> int | None:
        if not self._editable or not (BAR_Y - 4 <= pos.y() <= BAR_Y + BAR_H + 4):
            return None
        best, best_d = None, GRAB_PX
        for k, t in self.boundaries():
            d = abs(self.x_for(t) - pos.x())
            if d <= best_d:
                best, best_d = k, d
        return best

    def _section_at(self, pos: QPointF) -> Section | None:
        if not (BAR_Y <= pos.y() <= BAR_Y + BAR_H + TARGET_GAP + TARGET_H):
            return None
        t = self.t_for(pos.x())
        for s in self._sections:
            if s.start_s <= t <= s.end_s:
                return s
        return None

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        theme = current_theme()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = theme.color("surface")
        muted = theme.color("muted")
        text = theme.color("text")
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, self.font().pointSizeF() - 1.5))
        bold = QFont(self.font())
        bold.setBold(True)

        bar = QRectF(PAD_X, BAR_Y, self.width() - 2 * PAD_X, BAR_H)
        track = QPainterPath()
        track.addRoundedRect(bar, 7, 7)
        p.fillPath(track, theme.color("surface_alt"))

        # the spoken sections, clipped to the rounded track
        p.save()
        p.setClipPath(track)
        secs = self._sections_for_paint()
        if self._whole:
            self._paint_whole(p, bold)
        # hatch the part past the target only where the verdicts call the section over
        over = {c.name for c in self.captions() if c.kind == "over"}
        over_names = {s.name: s for s in secs if s.name in over}
        for s in secs:
            r = QRectF(
                self.x_for(s.start_s), BAR_Y, self.x_for(s.end_s) - self.x_for(s.start_s), BAR_H
            )
            color = section_color(s.name)
            p.fillRect(r, color)
            if over_names.get(s.name) == s:
                over = QRectF(self.x_for(s.start_s + s.target_s), BAR_Y, 0, BAR_H)
                over.setRight(r.right())
                hatch = QBrush(_text_on(color), Qt.BrushStyle.BDiagPattern)
                p.setOpacity(0.45)
                p.fillRect(over, hatch)
                p.setOpacity(1.0)
            # label inside when it fits
            p.setFont(bold)
            label = f"{SECTION_LABELS[s.name]} {fmt_seconds(s.duration_s)}"
            fm = p.fontMetrics()
            if fm.horizontalAdvance(label) + 12 > r.width():
                label = SECTION_LABELS[s.name][0]
            if fm.horizontalAdvance(label) + 6 <= r.width():
                p.setPen(_text_on(color))
                p.drawText(r.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, label)
        # separators between sections
        p.setPen(QPen(base, 2))
        for s in secs[1:]:
            x = self.x_for(s.start_s)
            p.drawLine(QPointF(x, BAR_Y), QPointF(x, BAR_Y + BAR_H))
        p.restore()

        # drag handle on the edge under the mouse (or being dragged)
        if self._editable:
            for k, t in self.boundaries():
                if k not in (self._drag, self._hover_boundary):
                    continue
                x = self.x_for(self._drag_s if self._drag == k else t)
                handle = QRectF(x - 3, BAR_Y + BAR_H / 2 - 9, 6, 18)
                p.setPen(QPen(theme.color("border"), 1))
                p.setBrush(base)
                p.drawRoundedRect(handle, 3, 3)

        # focus ring around the keyboard-selected section
        if self.hasFocus() and secs:
            s = secs[min(self._focus_index, len(secs) - 1)]
            r = QRectF(
                self.x_for(s.start_s), BAR_Y, self.x_for(s.end_s) - self.x_for(s.start_s), BAR_H
            )
            p.setPen(QPen(theme.color("accent"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 5, 5)

        # target spans (thin bar); a missing section's target drawn as an outline only
        ty = BAR_Y + BAR_H + TARGET_GAP
        t0 = self._sections[0].start_s if self._sections else 0.0
        missing = set(self._missing)
        for name, t, end in self.target_spans():
            r = QRectF(self.x_for(t), ty, self.x_for(end) - self.x_for(t) - 1, TARGET_H)
            if name == "total":
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(theme.color("border"))
                p.drawRoundedRect(r, 2, 2)
            elif name in missing:
                p.setPen(QPen(section_color(name), 1, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2)
            else:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(section_tint(name, base, 0.55))
                p.drawRoundedRect(r, 2, 2)

        # axis
        ay = ty + TARGET_H + 4
        p.setFont(small)
        p.setPen(muted)
        fm = p.fontMetrics()
        step = 15 if self.width() > 900 else 30
        tick = 0
        while tick <= self._span_s():
            x = self.x_for(tick)
            p.drawLine(QPointF(x, ay), QPointF(x, ay + 3))
            lbl = fmt_time(tick)
            w = fm.horizontalAdvance(lbl)
            p.drawText(
                QRectF(x - w / 2 - 2, ay + 3, w + 4, AXIS_H), Qt.AlignmentFlag.AlignHCenter, lbl
            )
            tick += step

        # total-target marker across both bars
        xt = self.x_for(t0 + self._targets.total_s)
        p.setPen(QPen(text, 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(xt, BAR_Y - 6), QPointF(xt, ty + TARGET_H + 2))
        p.setFont(small)
        lbl = f"{fmt_time(self._targets.total_s)} target"
        w = fm.horizontalAdvance(lbl)
        p.setPen(text)
        p.drawText(
            QRectF(xt - w - 6, 2, w + 4, BAR_Y - 8),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            lbl,
        )

        # playhead
        if self._playhead_s is not None and self._duration_s > 0:
            xp = self.x_for(self._playhead_s)
            p.setPen(QPen(text, 2))
            p.drawLine(QPointF(xp, BAR_Y - 3), QPointF(xp, BAR_Y + BAR_H + 3))

        # captions: one column per section, plus the total
        cy = ay + AXIS_H + CAPTION_Y_GAP - 6
        cols = 5
        colw = (self.width() - 2 * PAD_X) / cols
        if self._whole:  # the note where the section captions would be, then the total
            p.setFont(small)
            p.setPen(muted)
            note = QRectF(PAD_X, cy, 4 * colw - 8, fm.height() * 2 + 4)
            p.drawText(
                note,
                Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                TIMED_AS_WHOLE + ": the answer is timed against its total only.",
            )
        for i, cap in enumerate([*self.captions(), None]):
            x = PAD_X + (4 if self._whole else i) * colw
            if cap is None:
                head, detail, kind = self._total()
                p.setPen(QPen(text, 1.5, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x + 1, cy + 2), QPointF(x + 1, cy + 14))
            else:
                head, detail, kind = cap.head, cap.detail, cap.kind
                sw = QRectF(x, cy + 2, 12, 12)
                color = section_color(cap.name)
                if kind == "missing":
                    p.setPen(QPen(color, 1.5, Qt.PenStyle.DashLine))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                else:
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(color)
                p.drawRoundedRect(sw, 3, 3)
            p.setFont(bold)
            p.setPen(text)
            hfm = p.fontMetrics()
            p.drawText(
                QRectF(x + 18, cy, colw - 22, hfm.height() + 2),
                Qt.AlignmentFlag.AlignLeft,
                hfm.elidedText(head, Qt.TextElideMode.ElideRight, int(colw - 22)),
            )
            p.setFont(small)
            p.setPen(theme.color("bad") if kind in ("over", "short", "missing") else muted)
            p.drawText(
                QRectF(x + 18, cy + hfm.height() + 2, colw - 22, fm.height() + 2),
                Qt.AlignmentFlag.AlignLeft,
                fm.elidedText(detail, Qt.TextElideMode.ElideRight, int(colw - 22)),
            )
        p.end()

    def _paint_whole(self, p: QPainter, bold: QFont) -> None:
        """An answer timed as a whole: one bar for its length, the part past the total target
        hatched when the total is over (clipped to the track by the caller)."""
        theme = current_theme()
        color = theme.color("muted")
        r = QRectF(self.x_for(0.0), BAR_Y, self.x_for(self._duration_s) - self.x_for(0.0), BAR_H)
        p.fillRect(r, color)
        if total_status(self._duration_s, self._targets.total_s, self._settings) == "over":
            over = QRectF(self.x_for(self._targets.total_s), BAR_Y, 0, BAR_H)
            over.setRight(r.right())
            p.setOpacity(0.45)
            p.fillRect(over, QBrush(_text_on(color), Qt.BrushStyle.BDiagPattern))
            p.setOpacity(1.0)
        p.setFont(bold)
        label = f"Answer {fmt_time(self._duration_s)}"
        if p.fontMetrics().horizontalAdvance(label) + 12 <= r.width():
            p.setPen(_text_on(color))
            p.drawText(r.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, label)

    # --- interaction ---------------------------------------------------------------------

    def _bounds_for(self, k: int) -> tuple[float, float]:
        a, b = self._sections[k], self._sections[k + 1]
        return a.start_s + MIN_SECTION_S, b.end_s - MIN_SECTION_S

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if e.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(e)
        pos = e.position()
        self._press_x = pos.x()
        k = self._boundary_at(pos)
        if k is not None:
            self._drag = k
            self._drag_s = self._sections[k + 1].start_s
        e.accept()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        pos = e.position()
        if self._drag is not None:
            lo, hi = self._bounds_for(self._drag)
            self._drag_s = min(hi, max(lo, self.t_for(pos.x())))
            self.update()
            return
        hover = self._boundary_at(pos)
        if hover != self._hover_boundary:
            self._hover_boundary = hover
            self.update()
        if hover is not None:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif self._section_at(pos) is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if e.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(e)
        pos = e.position()
        moved = self._press_x is not None and abs(pos.x() - self._press_x) > 3
        self._press_x = None
        if self._drag is not None:
            k, t = self._drag, self._drag_s
            self._drag = None
            self.update()
            if moved:
                self.boundaryMoved.emit(k, round(t, 2))
                return
        s = self._section_at(pos)
        if s is not None and not moved:
            self._focus_index = self._sections.index(s)
            self.sectionClicked.emit(s.name)

    def keyPressEvent(self, e) -> None:  # noqa: N802
        n = len(self._sections)
        if n == 0:
            return super().keyPressEvent(e)
        if e.key() == Qt.Key.Key_Left:
            self._focus_index = max(0, self._focus_index - 1)
            self.update()
        elif e.key() == Qt.Key.Key_Right:
            self._focus_index = min(n - 1, self._focus_index + 1)
            self.update()
        elif e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.sectionClicked.emit(self._sections[self._focus_index].name)
        else:
            super().keyPressEvent(e)

    def leaveEvent(self, e) -> None:  # noqa: N802
        if self._hover_boundary is not None:
            self._hover_boundary = None
            self.update()
        super().leaveEvent(e)

    def tooltip_at(self, pos: QPointF) -> str:
        k = self._boundary_at(pos)
        if k is not None:
            a, b = self._sections[k], self._sections[k + 1]
            return (
                f"Edge between {SECTION_LABELS[a.name]} and {SECTION_LABELS[b.name]} at "
                f"{fmt_time(b.start_s)}. Drag to correct where {SECTION_LABELS[a.name]} ends."
            )
        s = self._section_at(pos)
        if s is None:
            return ""
        cap = next(c for c in self.captions() if c.name == s.name)
        return (
            f"<b>{SECTION_LABELS[s.name]}</b> {fmt_time(s.start_s)}–{fmt_time(s.end_s)}<br>"
            f"{whole_s(s.duration_s)} s of a {whole_s(s.target_s)} s target — {cap.detail}.<br>"
            "Click (or Enter) to play this section."
        )

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            tip = self.tooltip_at(QPointF(e.pos()))
            if tip:
                QToolTip.showText(e.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)
