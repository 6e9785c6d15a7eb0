"""StoryChooser: after an answer, the user says which story it told; the suggestion comes first.

A small dialog over History. It is given the choices already ranked (plain data); it returns the
story id chosen, or None for "no story". No storage here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicecoach.stories import StoryChoice
from voicecoach.ui.style import set_role

ID_ROLE = Qt.ItemDataRole.UserRole + 1
NO_STORY = -1


class StoryChooser(QDialog):
    def __init__(
        self,
        question_text: str,
        choices: list[StoryChoice],
        suggested: bool,
        current_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        """`choices`: the suggestion first when `suggested`, then the rest by title."""
        super().__init__(parent)
        self.setObjectName("storyChooser")
        self.setWindowTitle("Which story did you tell?")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        head = QLabel(f"Which story from your bank did this answer tell?\n“{question_text}”")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.list = QListWidget()
        self.list.setObjectName("storyChoices")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        for i, c in enumerate(choices):
            text = c.title
            if i == 0 and suggested:
                text = f"Suggested: {c.title}\n{c.reason}"
            item = QListWidgetItem(text)
            if i == 0 and suggested:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            item.setData(ID_ROLE, c.story_id)
            item.setToolTip(c.reason or c.title)
            self.list.addItem(item)
        none = QListWidgetItem("No story from my bank")
        none.setData(ID_ROLE, NO_STORY)
        italic = none.font()
        italic.setItalic(True)
        none.setFont(italic)
        self.list.addItem(none)
        self.note = QLabel(
            ""
            if suggested or not choices
            else "No story shares enough words with this answer to suggest one; pick it yourself."
        )
        self.note.setObjectName("storyChooserNote")
        self.note.setWordWrap(True)
        set_role(self.note, "muted")
        self.note.setVisible(bool(self.note.text()))
        lay.addWidget(self.note)
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use this story")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        lay.addWidget(buttons)
        want = (
            current_id
            if current_id is not None
            else (choices[0].story_id if suggested and choices else NO_STORY)
        )
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == want:
                self.list.setCurrentRow(row)
                break

    def options(self) -> list[tuple[int | None, str]]:
        """(story id or None, text) in the order shown."""
        out = []
        for row in range(self.list.count()):
            it = self.list.item(row)
            sid = it.data(ID_ROLE)
            out.append((None if sid == NO_STORY else sid, it.text()))
        return out

    def chosen(self) -> int | None:
        it = self.list.currentItem()
        sid = it.data(ID_ROLE) if it is not None else NO_STORY
        return None if sid == NO_STORY else sid


def ask_story(
    question_text: str,
    choices: list[StoryChoice],
    suggested: bool,
    current_id: int | None,
    parent: QWidget | None = None,
) -> tuple[bool, int | None]:
    """Show the chooser; (True, story id or None) when confirmed, (False, None) when cancelled."""
    dlg = StoryChooser(question_text, choices, suggested, current_id, parent)
    if dlg.exec() == QDialog.DialogCode.Accepted:
        return True, dlg.chosen()
    return False, None
