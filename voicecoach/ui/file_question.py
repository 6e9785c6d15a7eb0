"""FileQuestionDialog: which question a recorded answer was for, before a file is analysed.

The answer is timed against that question's targets and titled with it in the review and in
History; "None" keeps the general targets. The current question is offered first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from voicecoach.domain import Question
from voicecoach.report import fmt_time
from voicecoach.ui.style import set_role

NONE = ""


class FileQuestionDialog(QDialog):
    def __init__(
        self,
        packs,
        current: Question | None,
        file_name: str,
        general_total_s: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("fileQuestionDialog")
        self.setWindowTitle("Analyse a recorded answer")
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        title = QLabel(f"Which question was <b>{_esc(file_name)}</b> answering?")
        title.setWordWrap(True)
        lay.addWidget(title)
        note = QLabel(
            "Its section targets and length are used, and the review and History are titled "
            "with it."
        )
        note.setWordWrap(True)
        set_role(note, "muted")
        lay.addWidget(note)

        self.combo = QComboBox()
        self.combo.setObjectName("fileQuestionCombo")
        self.combo.setAccessibleName("Question the answer was for")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(40)
        self.combo.addItem(f"None — a general answer ({fmt_time(general_total_s)} target)", NONE)
        if current is not None:
            self.combo.addItem(f"This question: {current.prompt}", current.id)
        titles = {name: getattr(p, "title", name) or name for name, p in packs.packs.items()}
        for q in packs.questions():
            if current is not None and q.id == current.id:
                continue
            self.combo.addItem(f"{titles.get(q.pack, q.pack)} · {q.prompt}", q.id)
        for i in range(self.combo.count()):
            self.combo.setItemData(i, self.combo.itemText(i), Qt.ItemDataRole.ToolTipRole)
        self.combo.setCurrentIndex(1 if current is not None else 0)
        lay.addWidget(self.combo)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Analyse")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def question_id(self) -> str | None:
        """The chosen question's id; None for "none"."""
        return self.combo.currentData() or None


def ask(
    packs,
    current: Question | None,
    file_name: str,
    general_total_s: float,
    parent: QWidget | None = None,
) -> str | None:
    """Ask which question; returns the id, "" for none, or None when the user cancels."""
    dlg = FileQuestionDialog(packs, current, file_name, general_total_s, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.question_id() or ""


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
