"""StoryNotesCard: the story linked to the question on screen, its notes one click away.

Shown in the question panel only when the question has a linked story. The notes (one line
each for Situation, Task, Action, Result) open with one click; while recording they fold away
unless "Keep open while answering" is ticked, and come back as they were afterwards. Given plain
`stories.Story` values; no storage here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicecoach.stories import NOTE_FIELDS, NOTE_LABELS, Story
from voicecoach.ui.style import keep_check_edges, section_color


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def notes_html(story: Story) -> str:
    """The four notes as rich text, each after its section's colour; empty ones say so."""
    rows = []
    for n in NOTE_FIELDS:
        c = section_color(n).name()
        text = _esc(story.note(n)) or "<i>(no note)</i>"
        rows.append(
            f"<tr><td style='padding:2px 10px 2px 0; white-space:nowrap'>"
            f"<span style='color:{c}'>■</span> <b>{NOTE_LABELS[n]}</b></td>"
            f"<td style='padding:2px 0'>{text}</td></tr>"
        )
    return "<table cellspacing='0'>" + "".join(rows) + "</table>"


class StoryNotesCard(QFrame):
    keepOpenChanged = Signal(bool)  # the user ticked or cleared "Keep open while answering"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyCard")
        self._stories: list[Story] = []
        self._recording = False
        self._open_wanted = False  # what the user last chose with the toggle

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.toggle = QToolButton()
        self.toggle.setObjectName("storyNotesToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolTip("Show or hide the notes of the story you linked to this question")
        self.toggle.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.title = QLabel("")
        self.title.setObjectName("storyCardTitle")
        self.title.setStyleSheet("font-weight: 600;")
        self.chooser = QComboBox()
        self.chooser.setObjectName("storyCardChooser")
        self.chooser.setAccessibleName("Linked story")
        self.chooser.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.keep_open = QCheckBox("Keep open while answering")
        self.keep_open.setObjectName("storyKeepOpen")
        self.keep_open.setToolTip(
            "Normally the notes fold away while you record, so you tell the story instead of "
            "reading it. Tick this to keep them on screen."
        )
        self.keep_open.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        keep_check_edges(self.keep_open)
        row.addWidget(self.toggle)
        row.addWidget(self.title)
        row.addWidget(self.chooser)
        row.addStretch(1)
        row.addWidget(self.keep_open)
        lay.addLayout(row)

        self.notes = QLabel("")
        self.notes.setObjectName("storyNotes")
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setContentsMargins(22, 0, 0, 0)
        self.notes.hide()
        lay.addWidget(self.notes)

        self.toggle.toggled.connect(self._toggled)
        self.chooser.currentIndexChanged.connect(lambda _i: self._show_notes())
        self.keep_open.toggled.connect(self._keep_changed)
        self.hide()

    # --- data ----------------------------------------------------------------------------

    def set_stories(self, stories: list[Story]) -> None:
        """The stories linked to the question on screen (the card hides when there are none)."""
        shown = self.current_story()
        self._stories = list(stories)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for s in self._stories:
            self.chooser.addItem(s.title, s.id)
        if shown is not None:
            self.chooser.setCurrentIndex(max(0, self.chooser.findData(shown.id)))
        self.chooser.blockSignals(False)
        several = len(self._stories) > 1
        self.chooser.setVisible(several)
        self.title.setVisible(not several)
        n = len(self._stories)
        self.toggle.setText("Your story" if n == 1 else f"Your stories ({n})")
        self.setVisible(bool(self._stories))
        self._show_notes()

    def current_story(self) -> Story | None:
        if not self._stories:
            return None
        i = self.chooser.currentIndex()
        return self._stories[i] if 0 <= i < len(self._stories) else self._stories[0]

    def set_keep_open(self, keep: bool) -> None:
        self.keep_open.setChecked(keep)

    def set_recording(self, recording: bool) -> None:
        """While recording the notes fold away unless kept open; afterwards they are as the
        user left them."""
        if recording == self._recording:
            return
        self._recording = recording
        self._apply_open(self._open_wanted and (not recording or self.keep_open.isChecked()))

    def notes_visible(self) -> bool:
        return self.isVisible() and self.notes.isVisible()

    # --- behaviour -----------------------------------------------------------------------

    def _toggled(self, on: bool) -> None:
        self._open_wanted = on
        self._apply_open(on)

    def _apply_open(self, on: bool) -> None:
        self.toggle.blockSignals(True)
        self.toggle.setChecked(on)
        self.toggle.blockSignals(False)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.notes.setVisible(on)

    def _keep_changed(self, keep: bool) -> None:
        if self._recording:
            self._apply_open(self._open_wanted and keep)
        self.keepOpenChanged.emit(keep)

    def _show_notes(self) -> None:
        s = self.current_story()
        if s is None:
            self.notes.setText("")
            self.title.setText("")
            return
        self.title.setText(s.title)
        self.notes.setText(notes_html(s))
        tags = ", ".join(s.tags)
        self.notes.setToolTip(f"Tags: {tags}" if tags else "")

    def retheme(self) -> None:
        self._show_notes()  # the section colours are in the rich text
