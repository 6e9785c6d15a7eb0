"""HistoryView: every take, filterable by pack and question; open, replay, try again, delete,
and compare two takes of the same question side by side.

It is given `TakeRecord`s (plain data from the store) and only reads them; every action goes
out as a signal for the session to carry out. The Story column shows which story from the story
bank an answer told (`set_take_stories`, from the story-bank controller); "Story…" asks for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voicecoach.domain import SECTION_NAMES, VoiceCoachError
from voicecoach.report import (
    TakeFigures,
    fmt_change,
    fmt_seconds,
    fmt_time,
    fmt_when,
    take_figures,
)
from voicecoach.ui.style import (
    SECTION_LABELS,
    current_theme,
    section_color,
    set_icon,
    set_role,
    sort_arrow_follows_order,
)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_TEXT = {
    "recording": "not finished",
    "recorded": "not analysed",
    "analysed": "analysed",
    "failed": "failed",
}
COLUMNS = ("When", "Question", "Length", "Fillers", "Status", "Story")
STORY_COLUMN = 5


def _when(dt: datetime) -> str:
    """The take's recording time, worded as the review header words it."""
    return fmt_when(dt)


def take_figures_of(rec: Any) -> TakeFigures | None:
    """The shown figures of a stored take, as its review shows them (dragged edges applied).

    From the same `report.take_figures` as the review, so History, Compare and the review never
    disagree about a take. None when the take has no readable report.
    """
    if not getattr(rec, "report_json", None):
        return None
    from voicecoach.app.export import take_report

    try:
        report = take_report(rec)
    except VoiceCoachError:
        return None
    return take_figures(report) if report is not None else None


class _Filter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.pack = ""
        self.question = ""
        self.records: dict[int, Any] = {}

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        idx = self.sourceModel().index(row, 0, parent)
        rec = self.records.get(idx.data(ID_ROLE))
        if rec is None:
            return False
        return (not self.pack or rec.pack == self.pack) and (
            not self.question or rec.question_id == self.question
        )


class CompareView(QFrame):
    """Two takes of one question in two columns: section lengths, total and fillers."""

    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setProperty("card", True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        self.title = QLabel("Compare")
        set_role(self.title, "title")
        close = QPushButton("Close")
        close.setProperty("kind", "flat")
        close.clicked.connect(self.closeRequested)
        head.addWidget(self.title, 1)
        head.addWidget(close)
        lay.addLayout(head)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(6)
        lay.addLayout(self.grid)
        self._pair: tuple[Any, Any] | None = None
        self.hide()

    def retheme(self) -> None:
        if self._pair is not None and not self.isHidden():
            self.show_pair(*self._pair)

    def cell(self, row: str, col: int) -> str:
        """Text of a cell (row name: situation..result, total, fillers; col 1 or 2)."""
        w = self.findChild(QLabel, f"cmp_{row}_{col}")
        return w.text() if w is not None else ""

    def show_pair(self, a, b) -> None:
        """a, b: TakeRecords of one question, shown older first."""
        if b.created_at < a.created_at:
            a, b = b, a
        self._pair = (a, b)
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.deleteLater()
        self.title.setText(f"Compare: {a.question_text}")
        self.title.setWordWrap(True)
        theme = current_theme()
        heads = ((1, "EARLIER", a), (2, "LATER", b), (3, "CHANGE", None))
        for col, text, rec in heads:
            h = QLabel(text)
            set_role(h, "heading")
            if rec is not None:
                # two takes a minute apart read the same as "Today 05:28": name them in order
                h.setToolTip(rec.created_at.astimezone().strftime("%a %d %b %Y, %H:%M:%S"))
                h.setText(f"{text} · {_when(rec.created_at)}")
            self.grid.addWidget(h, 0, col)
        fa, fb = take_figures_of(a), take_figures_of(b)
        if fa is None or fb is None:
            return
        ta = (a.report_json or {}).get("targets", {})
        rows: list[tuple[str, str, str, str, str]] = []
        # two takes of a drill are timed as a whole: no section rows (none is "missing")
        for n in SECTION_NAMES if not (fa.whole and fb.whole) else ():
            target = ta.get(f"{n}_s")
            tgt = f"  (target {fmt_seconds(target)})" if target else ""
            change = fmt_change(fa.sections_s.get(n), fb.sections_s.get(n), " s")
            rows.append(
                (n, SECTION_LABELS[n] + tgt, fa.section_text(n), fb.section_text(n), change)
            )
        rows.append(
            (
                "total",
                "Total",
                fa.length_text,
                fb.length_text,
                fmt_change(fa.duration_s, fb.duration_s, " s"),
            )
        )
        rows.append(
            (
                "fillers",
                "Fillers",
                fa.fillers_text,
                fb.fillers_text,
                fmt_change(fa.fillers_per_min, fb.fillers_per_min, "/min", 1),
            )
        )
        rows.append(
            (
                "pace",
                "Pace",
                fa.pace_text,
                fb.pace_text,
                fmt_change(fa.pace_wpm, fb.pace_wpm, " wpm"),
            )
        )
        for r, (key, label, va, vb, change) in enumerate(rows, start=1):
            name = QLabel(label)
            if key in SECTION_LABELS:
                c = section_color(key).name()
                name.setText(f"<span style='color:{c}'>■</span> {label}")
            self.grid.addWidget(name, r, 0)
            for col, v in ((1, va), (2, vb)):
                lbl = QLabel(v)
                lbl.setObjectName(f"cmp_{key}_{col}")
                if v == "missing":
                    lbl.setStyleSheet(f"color: {theme.colors['bad']};")
                self.grid.addWidget(lbl, r, col)
            ch = QLabel(change)
            ch.setObjectName(f"cmp_{key}_change")
            set_role(ch, "muted")
            self.grid.addWidget(ch, r, 3)
        self.grid.setColumnStretch(3, 1)
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.show()


class HistoryView(QWidget):
    openRequested = Signal(int)
    replayRequested = Signal(int)
    retryRequested = Signal(str)  # question id
    deleteRequested = Signal(int)
    analyseRequested = Signal(int)  # an unfinished take
    storyChoiceRequested = Signal(int)  # take id: ask which story this answer told

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self._records: dict[int, Any] = {}
        self._pack_titles: dict[str, str] = {}
        self._take_stories: dict[int, str] = {}
        self.confirm_delete = self._confirm_delete  # replaced in tests

        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 16)
        lay.setSpacing(12)
        title = QLabel("History")
        set_role(title, "title")
        lay.addWidget(title)

        filters = QHBoxLayout()
        self.pack = QComboBox()
        self.pack.setObjectName("historyPack")
        self.pack.setAccessibleName("Filter by pack")
        self.question = QComboBox()
        self.question.setObjectName("historyQuestion")
        self.question.setAccessibleName("Filter by question")
        self.question.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.question.setMinimumContentsLength(30)
        for text, w in (("Pack", self.pack), ("Question", self.question)):
            lbl = QLabel(text)
            set_role(lbl, "muted")
            lbl.setBuddy(w)
            filters.addWidget(lbl)
            filters.addWidget(w, 1 if w is self.question else 0)
        filters.addStretch(0)
        lay.addLayout(filters)

        self.model = QStandardItemModel(0, len(COLUMNS))
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = _Filter()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        sort_arrow_follows_order(hh)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.doubleClicked.connect(lambda _i: self._open())
        lay.addWidget(self.table, 1)

        self.empty = QLabel("No takes yet. Your recorded answers will be listed here.")
        self.empty.setObjectName("historyEmpty")
        set_role(self.empty, "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.open_btn = QPushButton("Open review")
        self.open_btn.setObjectName("historyOpen")
        self.open_btn.setProperty("kind", "primary")
        self.replay_btn = QPushButton("Replay")
        self.replay_btn.setObjectName("historyReplay")
        set_icon(self.replay_btn, "play", "text", 16)
        self.retry_btn = QPushButton("Try again")
        self.retry_btn.setObjectName("historyRetry")
        set_icon(self.retry_btn, "retry", "text", 16)
        self.compare_btn = QPushButton("Compare two")
        self.compare_btn.setObjectName("historyCompare")
        set_icon(self.compare_btn, "compare", "text", 16)
        self.compare_btn.setToolTip("Select two analysed takes of the same question")
        self.story_btn = QPushButton("Story…")
        self.story_btn.setObjectName("historyStory")
        self.story_btn.setToolTip(
            "Say which story from your story bank this answer told (a suggestion comes first)"
        )
        self.story_btn.hide()  # shown once a story bank is connected (set_take_stories)
        self.delete_btn = QPushButton("Delete…")
        self.delete_btn.setObjectName("historyDelete")
        set_icon(self.delete_btn, "trash", "bad", 16)
        for b in (self.open_btn, self.replay_btn, self.retry_btn, self.compare_btn, self.story_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_btn)
        lay.addLayout(buttons)

        self.compare = CompareView()
        self.compare.closeRequested.connect(self.compare.hide)
        lay.addWidget(self.compare)

        self.open_btn.clicked.connect(self._open)
        self.replay_btn.clicked.connect(lambda: self._emit_selected(self.replayRequested))
        self.retry_btn.clicked.connect(self._retry)
        self.compare_btn.clicked.connect(self._compare)
        self.story_btn.clicked.connect(lambda: self._emit_selected(self.storyChoiceRequested))
        self.delete_btn.clicked.connect(self._delete)
        self.pack.currentIndexChanged.connect(self._filter_changed)
        self.question.currentIndexChanged.connect(self._filter_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # --- data ----------------------------------------------------------------------------

    def retheme(self) -> None:
        """Status colours are item data: list the takes again in the new theme."""
        if self._records:
            self.set_takes(list(self._records.values()), self._pack_titles)

    def set_takes(self, records: list, pack_titles: dict[str, str] | None = None) -> None:
        self._pack_titles = dict(pack_titles or {})
        selected = set(self.selected_ids())
        self._records = {r.id: r for r in records}
        self.proxy.records = self._records
        self.model.removeRows(0, self.model.rowCount())
        theme = current_theme()
        for r in records:
            items = [QStandardItem() for _ in COLUMNS]
            items[0].setText(_when(r.created_at))
            items[0].setData(r.created_at.timestamp(), SORT_ROLE)
            # the number `voicecoach export TAKE_ID` asks for, where a user can find it
            items[0].setToolTip(
                f"Take {r.id}, recorded "
                f"{r.created_at.astimezone().strftime('%a %d %b %Y, %H:%M')}"
                f"<br>(the number for <code>voicecoach export {r.id}</code>)"
            )
            items[1].setText(r.question_text)
            items[1].setToolTip(r.question_text)
            items[1].setData(r.question_text.lower(), SORT_ROLE)
            fig = take_figures_of(r)
            dur = r.duration_s or 0.0
            if fig is not None:  # the length the review shows, not the recorder's count
                items[2].setText(fig.length_text)
                dur = float(fig.duration_s)
            else:
                items[2].setText(fmt_time(dur) if r.duration_s else "—")
            items[2].setData(dur, SORT_ROLE)
            items[3].setText(fig.rate_text if fig is not None else "—")
            items[3].setData(fig.fillers_per_min if fig is not None else -1.0, SORT_ROLE)
            status = STATUS_TEXT.get(r.status, r.status)
            items[4].setText(status)
            items[4].setData(status, SORT_ROLE)
            if r.status == "failed":
                items[4].setForeground(theme.color("bad"))
                items[4].setToolTip(r.error or "")
            elif r.status != "analysed":
                items[4].setForeground(theme.color("muted"))
            story = self._take_stories.get(r.id, "")
            items[STORY_COLUMN].setText(story)
            items[STORY_COLUMN].setToolTip(story)
            items[STORY_COLUMN].setData(story.lower(), SORT_ROLE)
            for it in items:
                it.setData(r.id, ID_ROLE)
            self.model.appendRow(items)
        self._fill_filters(records, pack_titles or {})
        self.proxy.invalidate()
        self.table.sortByColumn(
            self.table.horizontalHeader().sortIndicatorSection(),
            self.table.horizontalHeader().sortIndicatorOrder(),
        )
        self.empty.setVisible(not records)
        self.table.setVisible(bool(records))
        self.table.setColumnHidden(STORY_COLUMN, self.story_btn.isHidden())
        self.select_ids(selected & set(self._records))
        self._update_buttons()

    def set_take_stories(self, titles: dict[int, str]) -> None:
        """take id -> title of the story it told; shows the Story column and "Story…"."""
        self._take_stories = dict(titles)
        self.story_btn.show()
        self.table.setColumnHidden(STORY_COLUMN, False)
        for row in range(self.model.rowCount()):
            item = self.model.item(row, STORY_COLUMN)
            title = self._take_stories.get(item.data(ID_ROLE), "")
            item.setText(title)
            item.setToolTip(title)
            item.setData(title.lower(), SORT_ROLE)
        self.proxy.invalidate()

    def story_of(self, take_id: int) -> str:
        """The title shown in the Story column for a take ("" when none)."""
        return self._take_stories.get(take_id, "")

    def record(self, take_id: int) -> Any | None:
        """The TakeRecord listed under this id, or None."""
        return self._records.get(take_id)

    def _fill_filters(self, records: list, pack_titles: dict[str, str]) -> None:
        cur_pack, cur_q = self.pack.currentData(), self.question.currentData()
        for combo in (self.pack, self.question):
            combo.blockSignals(True)
            combo.clear()
        self.pack.addItem("All packs", "")
        for p in dict.fromkeys(r.pack for r in records):
            self.pack.addItem(pack_titles.get(p, p) or "(no pack)", p)
        self.question.addItem("All questions", "")
        for qid, text in dict.fromkeys((r.question_id, r.question_text) for r in records):
            self.question.addItem(text, qid)
            self.question.setItemData(self.question.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        self.pack.setCurrentIndex(max(0, self.pack.findData(cur_pack)))
        self.question.setCurrentIndex(max(0, self.question.findData(cur_q)))
        for combo in (self.pack, self.question):
            combo.blockSignals(False)
        self._filter_changed()

    def set_filter(self, pack: str = "", question_id: str = "") -> None:
        self.pack.setCurrentIndex(max(0, self.pack.findData(pack)))
        self.question.setCurrentIndex(max(0, self.question.findData(question_id)))

    def _filter_changed(self, *_a) -> None:
        self.proxy.pack = self.pack.currentData() or ""
        self.proxy.question = self.question.currentData() or ""
        self.proxy.invalidate()
        self._update_buttons()

    def visible_ids(self) -> list[int]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    # --- selection -----------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [r.data(ID_ROLE) for r in rows]

    def select_ids(self, ids) -> None:
        sm = self.table.selectionModel()
        sm.clearSelection()
        for r in range(self.proxy.rowCount()):
            idx = self.proxy.index(r, 0)
            if idx.data(ID_ROLE) in ids:
                sm.select(
                    idx,
                    sm.SelectionFlag.Select | sm.SelectionFlag.Rows,
                )

    def _update_buttons(self) -> None:
        ids = self.selected_ids()
        one = len(ids) == 1
        rec = self._records.get(ids[0]) if one else None
        self.open_btn.setEnabled(one)
        self.open_btn.setText(
            "Analyse now"
            if rec is not None and rec.status in ("recording", "recorded")
            else "Open review"
        )
        self.replay_btn.setEnabled(one)
        self.retry_btn.setEnabled(one)
        self.delete_btn.setEnabled(bool(ids))
        self.story_btn.setEnabled(rec is not None and rec.status == "analysed")
        recs = [self._records[i] for i in ids if i in self._records]
        self.compare_btn.setEnabled(
            len(recs) == 2
            and recs[0].question_id == recs[1].question_id
            and all(r.report_json for r in recs)
        )

    def _emit_selected(self, signal) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            signal.emit(ids[0])

    def _open(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        rec = self._records[ids[0]]
        if rec.status in ("recording", "recorded"):
            self.analyseRequested.emit(rec.id)
        else:
            self.openRequested.emit(rec.id)

    def _retry(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.retryRequested.emit(self._records[ids[0]].question_id)

    def _compare(self) -> None:
        recs = [self._records[i] for i in self.selected_ids()]
        if len(recs) == 2:
            self.compare.show_pair(*recs)

    def _confirm_delete(self, n: int) -> bool:
        what = "this take" if n == 1 else f"these {n} takes"
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete takes")
        box.setText(f"Delete {what}?")
        box.setInformativeText("The recording and its review are removed. This cannot be undone.")
        box.setStandardButtons(QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _delete(self) -> None:
        ids = self.selected_ids()
        if ids and self.confirm_delete(len(ids)):
            for i in ids:
                self.deleteRequested.emit(i)
