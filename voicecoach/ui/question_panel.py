"""QuestionPanel: choose a question (pack, topic, question, or "Surprise me") and read it.

The question is shown large; "Read again" asks for it to be read aloud; a one-line notice says
when reading aloud is not available; hints and key points fold away. The hints live in their own
scrolling card (`hints_box`), which the main window places under the record panel so that a long
list of hints never pushes the Record button off a small screen. The panel only filters the
PackSet it is given (plain data) and reports choices; the session decides what is current.

When the question has stories linked to it in the story bank, `story_card` shows them, their
notes one click away (folded while recording unless the user keeps them open). The stories come
from a function the story-bank controller gives (`set_story_source`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicecoach.domain import Question
from voicecoach.ui.story_card import StoryNotesCard
from voicecoach.ui.style import set_icon, set_role

ALL = ""


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class QuestionPanel(QFrame):
    questionChosen = Signal(str)  # question id
    surpriseRequested = Signal(str, str)  # pack name or "", topic or ""
    readAgainRequested = Signal()
    # the pack or topic was changed away from the question shown: show one from the new choice
    filterChanged = Signal(str, str)  # pack name or "", topic or ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionPanel")
        self.setProperty("card", True)
        self._packs = None
        self._question: Question | None = None
        self._filling = False
        self._following = False  # widening the filter to show a question chosen elsewhere

        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.setSpacing(10)

        # Two rows: the pack and the topic share the first, each as wide as the other, so that
        # a title as long as "Senior engineer: core behavioural" is shown whole down to the
        # window's minimum size (on one row with the question it was cut to "Senior
        # engineer:"); the question and "Surprise me" take the second.
        pick = QGridLayout()
        pick.setHorizontalSpacing(8)
        pick.setVerticalSpacing(8)
        self.pack = QComboBox()
        self.pack.setObjectName("packCombo")
        self.pack.setAccessibleName("Question pack")
        self.topic = QComboBox()
        self.topic.setObjectName("topicCombo")
        self.topic.setAccessibleName("Topic")
        self.question = QComboBox()
        self.question.setObjectName("questionCombo")
        self.question.setAccessibleName("Question")
        # The combos ask for a few characters, not their longest entry: the panel's minimum
        # width stays below the window's, so the layout sizes the question for the width it
        # really has (a layout computes a wrapped label's height at no less than its minimum
        # width, and a panel squeezed below that clipped the question's second line).
        for combo, chars in ((self.pack, 10), (self.topic, 12), (self.question, 16)):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(chars)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.surprise = QPushButton("Surprise me")
        self.surprise.setObjectName("surpriseButton")
        set_icon(self.surprise, "shuffle", "text", 18)
        self.surprise.setToolTip("A random question from this pack and topic (Ctrl+N)")
        for col, (label, w) in enumerate((("Pack", self.pack), ("Topic", self.topic))):
            lbl = QLabel(label)
            set_role(lbl, "muted")
            lbl.setBuddy(w)
            pick.addWidget(lbl, 0, 2 * col)
            pick.addWidget(w, 0, 2 * col + 1)
        lbl = QLabel("Question")
        set_role(lbl, "muted")
        lbl.setBuddy(self.question)
        pick.addWidget(lbl, 1, 0)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.question, 1)
        row.addWidget(self.surprise)
        pick.addLayout(row, 1, 1, 1, 3)
        pick.setColumnStretch(1, 1)
        pick.setColumnStretch(3, 1)
        lay.addLayout(pick)

        self.meta = QLabel("")
        self.meta.setObjectName("questionMeta")
        set_role(self.meta, "heading")
        lay.addWidget(self.meta)

        self.prompt = QLabel("Pick a question, or press “Surprise me”.")
        self.prompt.setObjectName("questionPrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.prompt, "question")
        lay.addWidget(self.prompt)

        row = QHBoxLayout()
        self.read_again = QPushButton("Read again")
        self.read_again.setObjectName("readAgainButton")
        set_icon(self.read_again, "speaker", "text", 18)
        self.read_again.setToolTip("Hear the question again (Ctrl+R)")
        self.read_again.clicked.connect(self.readAgainRequested)
        self.tts_notice = QLabel("")
        self.tts_notice.setObjectName("ttsNotice")
        set_role(self.tts_notice, "muted")
        self.tts_notice.hide()
        self.hints_toggle = QToolButton()
        self.hints_toggle.setObjectName("hintsToggle")
        self.hints_toggle.setText("Hints and key points")
        self.hints_toggle.setCheckable(True)
        self.hints_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.hints_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.hints_toggle.toggled.connect(self._toggle_hints)
        self.hints_toggle.clicked.connect(lambda: setattr(self, "_hints_touched", True))
        self._hints_touched = False
        row.addWidget(self.read_again)
        row.addWidget(self.tts_notice)
        row.addStretch(1)
        row.addWidget(self.hints_toggle)
        lay.addLayout(row)

        self.story_card = StoryNotesCard()
        self._story_source: Callable[[str], list] | None = None
        lay.addWidget(self.story_card)

        self.hints = QLabel("")
        self.hints.setObjectName("questionHints")
        self.hints.setWordWrap(True)
        self.hints.setTextFormat(Qt.TextFormat.RichText)
        self.hints.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hints.setContentsMargins(20, 12, 20, 12)
        self.hints_box = QScrollArea()
        self.hints_box.setObjectName("hintsBox")
        self.hints_box.setProperty("card", True)
        self.hints_box.setWidgetResizable(True)
        self.hints_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hints_box.setWidget(self.hints)
        self.hints_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hints_box.hide()
        lay.addWidget(self.hints_box)

        # Focus by Tab, not by a click: after a mouse click, Space still records (see
        # main_window.SpaceKeeper) instead of pressing the clicked button again.
        for b in (self.surprise, self.read_again, self.hints_toggle):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        self.pack.currentIndexChanged.connect(self._pack_changed)
        self.topic.currentIndexChanged.connect(self._topic_changed)
        self.question.currentIndexChanged.connect(self._question_changed)
        self.surprise.clicked.connect(
            lambda: self.surpriseRequested.emit(
                self.pack.currentData() or ALL, self.topic.currentData() or ALL
            )
        )

    # --- data ----------------------------------------------------------------------------

    def set_packs(self, packs) -> None:
        """The loaded PackSet (`.packs` name -> Pack, `.questions()`, `.topics()`)."""
        self._packs = packs
        self._filling = True
        self.pack.clear()
        self.pack.addItem("All packs", ALL)
        for name, p in packs.packs.items():
            title = getattr(p, "title", name) or name
            self.pack.addItem(title, name)
            # a user's pack may have a title longer than the box: whole in its tooltip
            self.pack.setItemData(self.pack.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
        self._filling = False
        self._pack_changed()

    def _pack_changed(self, *_a) -> None:
        if self._packs is None:
            return
        was = self._filling
        self._filling = True
        self.topic.clear()
        self.topic.addItem("All topics", ALL)
        for t in self._packs.topics(self.pack.currentData() or None):
            self.topic.addItem(t, t)
        self._filling = was
        self._topic_changed()

    def _topic_changed(self, *_a) -> None:
        if self._packs is None:
            return
        was = self._filling
        self._filling = True
        self.question.clear()
        qs = self._packs.questions(
            self.pack.currentData() or None, self.topic.currentData() or None
        )
        self.question.addItem(f"Choose a question ({len(qs)})…", ALL)
        for q in qs:
            self.question.addItem(q.prompt, q.id)
            self.question.setItemData(
                self.question.count() - 1, q.prompt, Qt.ItemDataRole.ToolTipRole
            )
        self._filling = was
        if self._question is not None:
            i = self.question.findData(self._question.id)
            if i >= 0:
                self._select_quietly(i)
            elif qs and not self._filling and not self._following:
                # The question on screen is not in the new pack/topic: it must not stay there
                # to be answered by mistake. The session picks one from the new choice.
                self.filterChanged.emit(
                    self.pack.currentData() or ALL, self.topic.currentData() or ALL
                )

    def _question_changed(self, index: int) -> None:
        if self._filling:
            return
        qid = self.question.itemData(index)
        if qid:
            self.questionChosen.emit(qid)

    def _select_quietly(self, index: int) -> None:
        was = self._filling
        self._filling = True
        self.question.setCurrentIndex(index)
        self._filling = was

    def set_story_source(self, stories_for: Callable[[str], list] | None) -> None:
        """`stories_for(question_id)` -> the stories linked to it (None: no story bank)."""
        self._story_source = stories_for
        self.refresh_stories()

    def refresh_stories(self) -> None:
        """Ask again for the current question's stories (after the story bank changed)."""
        q = self._question
        if self._story_source is None or q is None:
            self.story_card.set_stories([])
            return
        self.story_card.set_stories(self._story_source(q.id))

    def set_question(self, q: Question | None) -> None:
        self._question = q
        self.refresh_stories()
        if q is None:
            self.prompt.setText("Pick a question, or press “Surprise me”.")
            self._fit_prompt()
            self.meta.setText("")
            self.hints.setText("")
            self.read_again.setEnabled(False)
            return
        self.read_again.setEnabled(True)
        self.prompt.setText(q.prompt)
        self._fit_prompt()
        kind = "drill · timed as a whole" if q.kind == "drill" else "STAR answer"
        self.meta.setText(f"{q.topic.upper()}  ·  {q.difficulty.upper()}  ·  {kind.upper()}")
        parts = []
        if q.probing:
            parts.append(f"<p><b>What they listen for.</b> {_esc(q.probing)}</p>")
        if q.structure_hint:
            parts.append(f"<p><b>Shape.</b> {_esc(q.structure_hint)}</p>")
        if q.key_points:
            items = "".join(f"<li>{_esc(k)}</li>" for k in q.key_points)
            parts.append(f"<p><b>Key points</b></p><ul style='margin-top:0'>{items}</ul>")
        if q.mistakes:
            items = "".join(f"<li>{_esc(k)}</li>" for k in q.mistakes)
            parts.append(f"<p><b>Common mistakes</b></p><ul style='margin-top:0'>{items}</ul>")
        self.hints.setText("".join(parts) or "No hints for this question.")
        if parts and not self._hints_touched:
            self.hints_toggle.setChecked(True)  # shown until the user folds them away
        i = self.question.findData(q.id)
        if i < 0 and self._packs is not None:
            # chosen from outside the current filter (history, surprise across packs): widen it
            self._following = True
            try:
                self.pack.setCurrentIndex(max(0, self.pack.findData(q.pack)))
                self.topic.setCurrentIndex(0)
            finally:
                self._following = False
            i = self.question.findData(q.id)
        if i >= 0:
            self._select_quietly(i)

    def current_question(self) -> Question | None:
        return self._question

    def set_tts_available(self, available: bool, reason: str = "") -> None:
        self.read_again.setVisible(available)
        self.tts_notice.setVisible(not available)
        self.tts_notice.setText(
            reason or "Reading aloud is not available on this computer — read the question above."
        )

    def set_busy(self, busy: bool) -> None:
        """While recording or analysing, the question cannot change."""
        for w in (self.pack, self.topic, self.question, self.surprise):
            w.setEnabled(not busy)
        self.story_card.set_recording(busy)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_prompt()

    def _fit_prompt(self) -> None:
        """Keep the question's every wrapped line in view at the width it was given, even when
        the panel is squeezed below its minimum width."""
        need = self.prompt.heightForWidth(self.prompt.width())
        if need > 0 and need != self.prompt.minimumHeight():
            self.prompt.setMinimumHeight(need)

    def _toggle_hints(self, on: bool) -> None:
        self.hints_box.setVisible(on)
        self.hints_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
