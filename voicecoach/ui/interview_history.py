"""InterviewHistory: past mock interviews, one row per run; open one (its summary) or delete it
with all its answers. Shown beside the takes on the History page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicecoach.report import fmt_when
from voicecoach.ui.style import set_role

STATUS_TEXT = {"running": "not finished", "finished": "finished", "ended_early": "ended early"}


class InterviewHistory(QWidget):
    openRequested = Signal(int)  # run id
    deleteRequested = Signal(int)  # run id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interviewHistory")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 12, 24, 12)
        head = QLabel("Mock interviews")
        set_role(head, "title")
        lay.addWidget(head)
        self.empty = QLabel("No interviews yet. Start one from the Interview page.")
        set_role(self.empty, "muted")
        lay.addWidget(self.empty)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("interviewRuns")
        self.table.setHorizontalHeaderLabels(("When", "Pack", "Questions", "Status"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for c in (0, 2, 3):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemActivated.connect(lambda _i: self._open())
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.open = QPushButton("Open summary")
        self.open.setObjectName("interviewRunOpen")
        self.open.clicked.connect(self._open)
        self.delete = QPushButton("Delete interview…")
        self.delete.setObjectName("interviewRunDelete")
        self.delete.clicked.connect(self._delete)
        row.addWidget(self.open)
        row.addWidget(self.delete)
        row.addStretch(1)
        lay.addLayout(row)
        # asks before deleting; tests replace it
        self.confirm: Callable[[str], bool] = self._ask
        self.set_runs([])

    def set_runs(self, runs, pack_titles: dict[str, str] | None = None) -> None:
        titles = pack_titles or {}
        self.table.setRowCount(0)
        for rec in runs:
            r = self.table.rowCount()
            self.table.insertRow(r)
            # worded as the Takes list words a take ("Today 11:09"); the full date on hover
            when = QTableWidgetItem(fmt_when(rec.created_at))
            when.setToolTip(rec.created_at.astimezone().strftime("%A %d %B %Y, %H:%M"))
            when.setData(Qt.ItemDataRole.UserRole, rec.id)
            self.table.setItem(r, 0, when)
            pack = titles.get(rec.pack, rec.pack) if rec.pack else "All packs"
            self.table.setItem(r, 1, QTableWidgetItem(pack))
            n = len(rec.plan.get("items", []))
            self.table.setItem(r, 2, QTableWidgetItem(str(n)))
            self.table.setItem(r, 3, QTableWidgetItem(STATUS_TEXT.get(rec.status, rec.status)))
        self.empty.setVisible(not runs)
        self.table.setVisible(bool(runs))
        self.open.setEnabled(bool(runs))
        self.delete.setEnabled(bool(runs))
        if runs:
            self.table.selectRow(0)
            self.table.setCurrentCell(0, 1)

    def run_ids(self) -> list[int]:
        return [
            int(self.table.item(r, 0).data(Qt.ItemDataRole.UserRole))
            for r in range(self.table.rowCount())
        ]

    def selected_run(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return int(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def _open(self) -> None:
        run = self.selected_run()
        if run is not None:
            self.openRequested.emit(run)

    def _delete(self) -> None:
        run = self.selected_run()
        if run is not None and self.confirm(
            "Delete this interview with all its answers and their recordings?"
        ):
            self.deleteRequested.emit(run)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Delete interview", text)
        return answer == QMessageBox.StandardButton.Yes
