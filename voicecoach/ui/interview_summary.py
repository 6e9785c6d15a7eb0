"""InterviewSummaryView: a finished run in one table, its totals and the one thing to work on.

One row per question (a small STAR timeline against the targets, time, thinking, fillers a
minute, pace, the checks that failed) with its follow-up beneath; every answered row opens that
answer's full review (double-click, Enter, or its Open button). No analysis here: every figure
comes from `voicecoach.interview.InterviewSummary`, worded by `report` functions.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicecoach.interview import Figures, InterviewSummary, QuestionRow
from voicecoach.report import check_label, check_short_name, fmt_time
from voicecoach.ui.style import SECTION_LABELS, current_theme, section_color, set_role

FOLLOW_UP_CHECKS = (
    "A follow-up is a short answer: the content checks (headline first, reasons, examples, "
    "a result, a learning) are for the main answers."
)
COLUMNS = ("", "Question", "STAR against target", "Time", "Thinking", "Fillers", "Pace", "Missed")
TAKE_ROLE = Qt.ItemDataRole.UserRole + 1
NO_PACE = "no words heard"  # why there is no pace, where a pace would be
PROMPT_COLUMN = 1
PROMPT_MIN_W = 240  # narrower and a question is a column of single words; scroll instead
PROMPT_LINES = 3  # a longer question ends in "…"; its tooltip holds all of it
MISSED_COLUMN = 7
MISSED_W = 230  # the checks missed, wrapped between words: this wide when there is room ...
MISSED_MIN_W = 150  # ... down to this, taller, before the question column gives way


def fmt_thinking(seconds: float) -> str:
    """Thinking time as the interview shows it everywhere: in tenths ("4.2 s", "10.0 s")."""
    return f"{seconds:.1f} s"


def prompt_lines(text: str, fm: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """`text` wrapped between words into lines no wider than `width`, at most `max_lines` of
    them; when it does not fit, the last line ends with "…" after a whole word. A single word
    wider than the line is shortened with "…" too, so no line is ever cut off mid-word."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if fm.horizontalAdvance(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == max_lines - 1:  # the last line: as many words as fit before "…"
            rest = words[i:]
            if fm.horizontalAdvance(" ".join(rest)) <= width:
                return lines + [" ".join(rest)]
            return lines + [_ended(rest, fm, width)]
    if line:
        lines.append(line)
    return [ln if fm.horizontalAdvance(ln) <= width else _ended([ln], fm, width) for ln in lines]


def _ended(words: list[str], fm: QFontMetrics, width: int) -> str:
    """The first of `words` that fit in `width` followed by "…"."""
    out = ""
    for w in words:
        candidate = f"{out} {w}" if out else w
        if fm.horizontalAdvance(candidate + " …") > width:
            break
        out = candidate
    if not out:  # not even one word fits: shorten it
        return fm.elidedText(words[0], Qt.TextElideMode.ElideRight, width)
    return out + " …"


class PromptDelegate(QStyledItemDelegate):
    """Draws a question wrapped between words on up to PROMPT_LINES lines (see
    `prompt_lines`); the row is made as tall as the lines shown."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self.table = table

    def lines(self, index: QModelIndex, option: QStyleOptionViewItem | None = None) -> list[str]:
        """The lines this cell shows at its column's present width."""
        opt = QStyleOptionViewItem(option) if option is not None else QStyleOptionViewItem()
        if option is None:
            opt.initFrom(self.table.viewport())
        self.initStyleOption(opt, index)
        rect = self._text_rect(opt, self.table.columnWidth(index.column()))
        return prompt_lines(opt.text, QFontMetrics(opt.font), rect.width(), PROMPT_LINES)

    def _text_rect(self, opt: QStyleOptionViewItem, width: int) -> QRect:
        o = QStyleOptionViewItem(opt)
        o.rect = QRect(0, 0, width, 200)
        style = self.table.style() or QApplication.style()
        r = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, o, self.table)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1
        return r.adjusted(margin, 0, -margin, 0)

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt override)
        n = len(self.lines(index, option))
        one = QStyleOptionViewItem(option)
        self.initStyleOption(one, index)
        one.text = "X"  # the height of one line of text with the item's padding
        one.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText
        style = self.table.style() or QApplication.style()
        line = style.sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, one, QSize(), self.table
        ).height()
        step = QFontMetrics(one.font).lineSpacing()
        return QSize(PROMPT_MIN_W, line + max(n - 1, 0) * step)

    def paint(self, painter: QPainter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        lines = prompt_lines(
            opt.text,
            QFontMetrics(opt.font),
            self._text_rect(opt, opt.rect.width()).width(),
            PROMPT_LINES,
        )
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = self._text_rect(opt, opt.rect.width()).translated(opt.rect.topLeft())
        rect.setTop(opt.rect.top())
        rect.setHeight(opt.rect.height())
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(role))
        step = QFontMetrics(opt.font).lineSpacing()
        y = rect.top() + (rect.height() - step * len(lines)) / 2
        for ln in lines:
            painter.drawText(
                QRectF(rect.left(), y, rect.width(), step),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                ln,
            )
            y += step
        painter.restore()


class MiniStarBar(QWidget):
    """Each section's length as a coloured bar over a faint bar of its target."""

    def __init__(self, row: QuestionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setMinimumWidth(180)
        names = [s.name for s in row.sections] + list(row.missing_sections)
        self.setToolTip(
            "  ".join(
                f"{SECTION_LABELS.get(s.name, s.name)} {s.length_s} s of {s.target_s} s"
                + {"over": " (over)", "short": " (short)"}.get(s.status, "")
                for s in row.sections
            )
            + "".join(f"  {SECTION_LABELS.get(n, n)} missing" for n in row.missing_sections)
            if names
            else "Timed as a whole (no STAR sections)"
        )

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(220, 26)

    def paintEvent(self, _e) -> None:  # noqa: N802 (Qt override)
        sections = self.row.sections
        if not sections:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = current_theme()
        w, h = self.width() - 4, self.height()
        total = max(sum(max(s.length_s, s.target_s) for s in sections), 1)
        x = 2.0
        bad = theme.color("bad")
        for s in sections:
            slot = w * max(s.length_s, s.target_s) / total
            target_w = w * s.target_s / total
            length_w = w * s.length_s / total
            col = section_color(s.name)
            faint = QColor(col)
            faint.setAlpha(55)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(faint)
            p.drawRoundedRect(QRectF(x, h * 0.3, max(target_w, 1), h * 0.4), 2, 2)
            p.setBrush(col)
            p.drawRoundedRect(QRectF(x, h * 0.36, max(length_w, 1), h * 0.28), 2, 2)
            if s.status == "over":
                p.setPen(QPen(bad, 2))
                p.drawLine(int(x + target_w), int(h * 0.18), int(x + target_w), int(h * 0.82))
            x += slot + 2
        p.end()


class InterviewSummaryView(QWidget):
    openRequested = Signal(int)  # take id of the answer to review
    exportRequested = Signal()  # the run shown, as a report to share

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interviewSummary")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        self.title = QLabel("Interview summary")
        self.title.setObjectName("interviewSummaryTitle")
        set_role(self.title, "title")
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("interviewExport")
        self.export_button.setToolTip("Save this interview as a page or PDF to share")
        self.export_button.clicked.connect(self.exportRequested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.export_button)
        lay.addLayout(top)
        self.focus = QLabel("")
        self.focus.setObjectName("interviewFocus")
        self.focus.setWordWrap(True)
        self.focus.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.focus)
        self.totals = QLabel("")
        self.totals.setObjectName("interviewTotals")
        self.totals.setWordWrap(True)
        set_role(self.totals, "muted")
        lay.addWidget(self.totals)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("interviewRows")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeaderItem(2).setToolTip(
            "Each STAR section: the solid bar is how long you spoke, the faint bar its target; "
            "a red line marks a section over its target"
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.prompts = PromptDelegate(self.table)
        self.table.setItemDelegateForColumn(PROMPT_COLUMN, self.prompts)
        head = self.table.horizontalHeader()
        # the question takes the room the others leave, but never less than PROMPT_MIN_W:
        # a Stretch column shrinks to a few letters in a narrow window (words were cut off)
        head.setSectionResizeMode(PROMPT_COLUMN, QHeaderView.ResizeMode.Fixed)
        for c in (0, 3, 4, 5, 6):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for c, width in ((2, 220), (MISSED_COLUMN, MISSED_W)):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(c, width)
        # wrapped text needs the final column widths: fit the rows again when they change
        head.sectionResized.connect(self._columns_changed)
        self.table.itemActivated.connect(self._activated)
        lay.addWidget(self.table, 1)
        self.summary: InterviewSummary | None = None

    def set_summary(self, summary: InterviewSummary) -> None:
        self.summary = summary
        t = summary.totals
        ended = " (ended early)" if summary.status == "ended_early" else ""
        self.title.setText(f"Interview summary{ended}")
        self.focus.setText(f"<b>Work on this first:</b> {_esc(summary.focus.text)}")
        follow = (
            f", {t.follow_ups_answered} of {t.follow_ups_asked} follow-ups"
            if t.follow_ups_asked
            else ""
        )
        answered = f"Answered {t.answered} of {t.questions} questions{follow}"
        if not (t.answered or t.follow_ups_answered):
            # "speaking 0:00 · pace 0 wpm" read as figures measured: there were none
            self.totals.setText(f"{answered} · no answer was recorded, so there are no figures")
        else:
            pace = f"pace {t.pace_wpm} wpm" if t.pace_wpm else f"no pace ({NO_PACE})"
            self.totals.setText(
                f"{answered} · speaking {fmt_time(t.answer_s + t.follow_up_s)} · thinking "
                f"{fmt_thinking(t.thinking_s)} · fillers {t.fillers} "
                f"({t.fillers_per_min:.1f}/min) · {pace} · {t.over_target} over target"
            )
        self.table.setRowCount(0)
        for row in summary.rows:
            self._add_row(row)
            if row.follow_up is not None:
                self._add_follow_up(row)
        self._fit_prompt_column()
        first = next((r for r in range(self.table.rowCount()) if self._take_at(r)), None)
        if first is not None:
            self.table.selectRow(first)
            self.table.setCurrentCell(first, 1)

    def showEvent(self, e) -> None:  # noqa: N802 (Qt override)
        super().showEvent(e)
        self._fit_prompt_column()

    def resizeEvent(self, e) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(e)
        self._fit_prompt_column()

    def _columns_changed(self, column: int, _old: int, _new: int) -> None:
        if column in (PROMPT_COLUMN, MISSED_COLUMN):
            self.table.resizeRowsToContents()
        else:
            self._fit_prompt_column()

    def _fit_prompt_column(self) -> None:
        """The question and missed-checks columns share the width the others leave: the
        checks get MISSED_W, or down to MISSED_MIN_W (wrapped on more lines) so the question
        keeps PROMPT_MIN_W; only below both minimums does the table scroll sideways. Then the
        rows fit their text."""
        shared = (PROMPT_COLUMN, MISSED_COLUMN)
        others = sum(
            self.table.columnWidth(c) for c in range(self.table.columnCount()) if c not in shared
        )
        bar = self.table.verticalScrollBar()
        room = self.table.width() - 2 * self.table.frameWidth() - others
        if bar.isVisible():
            room -= bar.width()
        missed = min(MISSED_W, max(MISSED_MIN_W, room - PROMPT_MIN_W))
        width = max(PROMPT_MIN_W, room - missed)
        changed = False
        for column, w in ((MISSED_COLUMN, missed), (PROMPT_COLUMN, width)):
            if self.table.columnWidth(column) != w:
                self.table.setColumnWidth(column, w)  # rows refit in _columns_changed
                changed = True
        if not changed:
            self.table.resizeRowsToContents()

    def prompt_lines(self, row: int) -> list[str]:
        """The lines the question cell of `row` shows at its present width."""
        return self.prompts.lines(self.table.model().index(row, PROMPT_COLUMN))

    def take_ids(self) -> list[int]:
        """The answers the rows open, top to bottom (rows without one are left out)."""
        out = []
        for r in range(self.table.rowCount()):
            take = self.table.item(r, 1).data(TAKE_ROLE)
            if take is not None:
                out.append(int(take))
        return out

    def _add_row(self, row: QuestionRow) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        f = row.figures
        self._cells(r, f"{row.position + 1}", row.prompt, f)
        if f is not None and row.sections:
            self.table.setCellWidget(r, 2, MiniStarBar(row))
        elif f is not None:
            self.table.setItem(r, 2, _muted("timed as a whole"))
        # Short names fit the column ("Headline first, Examples, Contrast"); the tooltip has the
        # checks' full labels.
        missed = [check_short_name(c) for c in f.failed_checks] if f else []
        full = [check_label(c) for c in f.failed_checks] if f else []
        gone = [f"no {m.title()}" for m in row.missing_sections]
        item = QTableWidgetItem(", ".join(missed + gone) if f else "")
        if full or gone:
            item.setToolTip("Not yet:\n" + "\n".join(full + gone))
        self.table.setItem(r, 7, item)

    def _add_follow_up(self, row: QuestionRow) -> None:
        fu = row.follow_up
        assert fu is not None
        r = self.table.rowCount()
        self.table.insertRow(r)
        self._cells(r, "", f"↳ Follow-up: {fu.prompt}", fu.figures)
        if fu.figures is not None:
            self.table.setItem(r, 2, _muted("timed as a whole"))
            # The content checks are for a whole STAR answer; the summary's text and the export
            # do not hold a short follow-up to them either.
            note = _muted("—")
            note.setToolTip(FOLLOW_UP_CHECKS)
            self.table.setItem(r, 7, note)

    def _cells(self, r: int, num: str, prompt: str, f: Figures | None) -> None:
        self.table.setItem(r, 0, QTableWidgetItem(num))
        item = QTableWidgetItem(prompt)
        item.setToolTip(prompt)
        if f is not None and f.take_id is not None:
            item.setData(TAKE_ROLE, f.take_id)
            item.setToolTip(f"{prompt}\n\nDouble-click to open the full review of this answer.")
        self.table.setItem(r, 1, item)
        if f is None:
            self.table.setItem(r, 3, QTableWidgetItem("not answered"))
            return
        over = {"over": " ▲", "under": " ▼"}.get(f.total_status, "")
        self.table.setItem(
            r, 3, QTableWidgetItem(f"{fmt_time(f.length_s)} / {fmt_time(f.target_s)}{over}")
        )
        self.table.setItem(r, 4, QTableWidgetItem(fmt_thinking(f.thinking_s)))
        self.table.setItem(r, 5, QTableWidgetItem(f"{f.fillers_per_min:.1f}/min"))
        if f.pace_wpm:
            self.table.setItem(r, 6, QTableWidgetItem(f"{f.pace_wpm} wpm"))
        else:  # no words heard: no pace, rather than a pace of 0
            self.table.setItem(r, 6, _muted("—"))
            self.table.item(r, 6).setToolTip(f"No pace: {NO_PACE}.")

    def _take_at(self, row: int) -> int | None:
        item = self.table.item(row, 1)
        take = item.data(TAKE_ROLE) if item is not None else None
        return None if take is None else int(take)

    def _activated(self, item: QTableWidgetItem) -> None:
        take = self._take_at(item.row())
        if take is not None:
            self.openRequested.emit(take)

    def open_selected(self) -> None:
        items = self.table.selectedItems()
        if items:
            self._activated(items[0])


def _muted(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setForeground(current_theme().color("muted"))
    return item


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_button(view: InterviewSummaryView) -> QPushButton:
    """An "Open review" button for the selected row (kept beside the table by the page)."""
    b = QPushButton("Open the review of this answer")
    b.setObjectName("interviewOpenAnswer")
    b.clicked.connect(view.open_selected)
    return b
