"""StoryBankView: the user's stories: a list, an editor, import/export, and topic coverage.

The editor holds a title, one line each for Situation, Task, Action and Result, tags (comma
separated) and the questions the story answers (picked from the packs). Below, the topics of
the packs that no story answers yet. The view holds no storage and reads no files: Save,
Delete, Import and Export go out as signals (with the file chosen in a dialog) for the
story-bank controller, which answers with `set_stories`, `show_message` or `show_field_error`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from voicecoach.stories import NOTE_FIELDS, NOTE_LABELS, Story, TopicCoverage, parse_tags
from voicecoach.ui.style import current_theme, section_color, set_icon, set_role

ID_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2
FILE_FILTER = "Story files (*.toml *.json);;TOML (*.toml);;JSON (*.json)"
PLACEHOLDERS = {
    "situation": "Where and when: the context in one line",
    "task": "What you had to do, and why it mattered",
    "action": "What you did yourself (the longest part when you tell it)",
    "result": "What changed, with a number if you have one",
}


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _StoryDelegate(QStyledItemDelegate):
    """Two lines per story: the title in bold, then its tags and question count, muted."""

    PAD = 8

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        fm = QFontMetrics(option.font)
        return QSize(option.rect.width(), fm.height() * 2 + self.PAD * 2 + 2)

    def paint(self, painter, option, index) -> None:
        painter.save()
        theme = current_theme()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, theme.color("selection"))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(option.rect, theme.color("surface_alt"))
        r = option.rect.adjusted(self.PAD + 4, self.PAD, -self.PAD, -self.PAD)
        bold = QFont(option.font)
        bold.setBold(True)
        fm = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        title = fm.elidedText(index.data(), Qt.TextElideMode.ElideRight, r.width())
        painter.drawText(QRect(r.left(), r.top(), r.width(), fm.height()), 0, title)
        painter.setFont(option.font)
        painter.setPen(theme.color("muted"))
        detail = QFontMetrics(option.font).elidedText(
            index.data(DETAIL_ROLE) or "", Qt.TextElideMode.ElideRight, r.width()
        )
        painter.drawText(
            QRect(r.left(), r.top() + fm.height() + 2, r.width(), fm.height()), 0, detail
        )
        painter.setPen(theme.color("border"))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        painter.restore()


class StoryBankView(QWidget):
    saveRequested = Signal(object)  # Story (id None for a new one)
    deleteRequested = Signal(int)
    importRequested = Signal(str)  # path
    exportRequested = Signal(str)  # path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyBankView")
        self._stories: dict[int, Story] = {}
        self._editing: Story | None = None  # the saved story in the editor (None: a new one)
        self._linked: list[str] = []
        self._question_labels: dict[str, str] = {}
        self._dirty = False
        self._filling = False
        # replaced in tests
        self.ask_import_path = self._ask_import_path
        self.ask_export_path = self._ask_export_path
        self.confirm_delete = self._confirm_delete
        self.confirm_discard = self._confirm_discard

        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 16)
        lay.setSpacing(12)
        head = QHBoxLayout()
        title = QLabel("Story bank")
        set_role(title, "title")
        head.addWidget(title)
        sub = QLabel("The few stories you tell across many questions, ready to reuse.")
        set_role(sub, "muted")
        head.addWidget(sub, 1)
        self.import_btn = QPushButton("Import…")
        self.import_btn.setObjectName("storyImport")
        set_icon(self.import_btn, "open", "text", 16)
        self.import_btn.setToolTip("Add stories from a .toml or .json file")
        self.export_btn = QPushButton("Export…")
        self.export_btn.setObjectName("storyExport")
        self.export_btn.setToolTip("Save every story to a .toml or .json file")
        head.addWidget(self.import_btn)
        head.addWidget(self.export_btn)
        lay.addLayout(head)

        self.message = QLabel("")
        self.message.setObjectName("storyMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        lay.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = QWidget()
        left.setMinimumWidth(300)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("storyList")
        self.list.setAccessibleName("Your stories")
        self.list.setItemDelegate(_StoryDelegate(self.list))
        self.list.setMouseTracking(True)
        ll.addWidget(self.list, 1)
        self.empty = QLabel("No stories yet. Press “New story” to write your first.")
        self.empty.setObjectName("storyEmpty")
        self.empty.setWordWrap(True)
        set_role(self.empty, "muted")
        ll.addWidget(self.empty)
        lb = QHBoxLayout()
        self.new_btn = QPushButton("New story")
        self.new_btn.setObjectName("storyNew")
        self.delete_btn = QPushButton("Delete…")
        self.delete_btn.setObjectName("storyDelete")
        set_icon(self.delete_btn, "trash", "bad", 16)
        lb.addWidget(self.new_btn)
        lb.addStretch(1)
        lb.addWidget(self.delete_btn)
        ll.addLayout(lb)
        split.addWidget(left)

        editor = QFrame()
        editor.setObjectName("storyEditor")
        editor.setProperty("card", True)
        el = QVBoxLayout(editor)
        el.setContentsMargins(20, 16, 20, 16)
        el.setSpacing(10)
        self.editor_heading = QLabel("NEW STORY")
        set_role(self.editor_heading, "heading")
        el.addWidget(self.editor_heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("storyTitle")
        self.title_edit.setPlaceholderText("A short name you will recognise")
        form.addRow("Title", self.title_edit)
        self.note_edits: dict[str, QLineEdit] = {}
        for n in NOTE_FIELDS:
            e = QLineEdit()
            e.setObjectName(f"story_{n}")
            e.setPlaceholderText(PLACEHOLDERS[n])
            e.setAccessibleName(NOTE_LABELS[n])
            lbl = QLabel(f"<span style='color:{section_color(n).name()}'>■</span> {NOTE_LABELS[n]}")
            lbl.setBuddy(e)
            form.addRow(lbl, e)
            self.note_edits[n] = e
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("storyTags")
        self.tags_edit.setPlaceholderText("Comma separated: conflict, ownership, on call")
        form.addRow("Tags", self.tags_edit)
        el.addLayout(form)

        qhead = QLabel("ANSWERS THESE QUESTIONS")
        set_role(qhead, "heading")
        el.addWidget(qhead)
        self.linked = QListWidget()
        self.linked.setObjectName("storyLinked")
        self.linked.setAccessibleName("Questions this story answers")
        self.linked.setWordWrap(True)
        self.linked.setSpacing(3)
        self.linked.setMinimumHeight(70)
        el.addWidget(self.linked, 1)
        pick = QHBoxLayout()
        self.question_pick = QComboBox()
        self.question_pick.setObjectName("storyQuestionPick")
        self.question_pick.setAccessibleName("Question to link")
        self.question_pick.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.question_pick.setMinimumContentsLength(20)
        self.question_pick.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.link_btn = QPushButton("Link")
        self.link_btn.setObjectName("storyLink")
        self.unlink_btn = QPushButton("Unlink")
        self.unlink_btn.setObjectName("storyUnlink")
        pick.addWidget(self.question_pick, 1)
        pick.addWidget(self.link_btn)
        pick.addWidget(self.unlink_btn)
        el.addLayout(pick)

        self.field_error = QLabel("")
        self.field_error.setObjectName("storyFieldError")
        self.field_error.setWordWrap(True)
        set_role(self.field_error, "bad")
        self.field_error.hide()
        el.addWidget(self.field_error)
        eb = QHBoxLayout()
        self.save_btn = QPushButton("Save story")
        self.save_btn.setObjectName("storySave")
        self.save_btn.setProperty("kind", "primary")
        self.revert_btn = QPushButton("Revert")
        self.revert_btn.setObjectName("storyRevert")
        eb.addStretch(1)
        eb.addWidget(self.revert_btn)
        eb.addWidget(self.save_btn)
        el.addLayout(eb)
        split.addWidget(editor)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 3)

        cov = QFrame()
        cov.setObjectName("storyCoverage")
        cov.setProperty("card", True)
        cl = QVBoxLayout(cov)
        cl.setContentsMargins(20, 12, 20, 12)
        self.coverage_heading = QLabel("TOPICS WITH NO STORY YET")
        self.coverage_heading.setObjectName("storyCoverageHeading")
        set_role(self.coverage_heading, "heading")
        cl.addWidget(self.coverage_heading)
        self.coverage_help = QLabel(
            "How many questions each topic has is in brackets. Link a story to any one of "
            "them and the topic is covered."
        )
        self.coverage_help.setWordWrap(True)
        set_role(self.coverage_help, "muted")
        cl.addWidget(self.coverage_help)
        self.coverage = QLabel("")
        self.coverage.setObjectName("storyCoverageText")
        self.coverage.setWordWrap(True)
        self.coverage.setTextFormat(Qt.TextFormat.RichText)
        cl.addWidget(self.coverage)
        lay.addWidget(cov)
        self._uncovered: list[TopicCoverage] = []
        self._total_topics = 0

        self.list.currentItemChanged.connect(self._selection_changed)
        self.new_btn.clicked.connect(self.new_story)
        self.delete_btn.clicked.connect(self._delete)
        self.save_btn.clicked.connect(self._save)
        self.revert_btn.clicked.connect(self._revert)
        self.link_btn.clicked.connect(self._link)
        self.unlink_btn.clicked.connect(self._unlink)
        self.linked.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.import_btn.clicked.connect(self._import)
        self.export_btn.clicked.connect(self._export)
        for e in (self.title_edit, self.tags_edit, *self.note_edits.values()):
            e.textEdited.connect(self._edited)
        self.new_story()

    # --- data from the controller ----------------------------------------------------------

    def set_questions(self, packs: Any) -> None:
        """The loaded PackSet: what the question picker offers (pack · topic — prompt)."""
        self.question_pick.clear()
        self._question_labels = {}
        self.question_pick.addItem("Choose a question to link…", "")
        for name, pack in packs.packs.items():
            for q in pack.questions:
                label = f"{pack.title or name} · {q.topic} — {q.prompt}"
                self._question_labels[q.id] = label
                self.question_pick.addItem(label, q.id)
                self.question_pick.setItemData(
                    self.question_pick.count() - 1, q.prompt, Qt.ItemDataRole.ToolTipRole
                )
        self._fill_linked()

    def set_stories(self, stories: list[Story], select_id: int | None = None) -> None:
        """The bank, by title; the editor shows `select_id` (or keeps what it showed)."""
        keep = self.current_id()
        self._stories = {s.id: s for s in stories if s.id is not None}
        self._filling = True
        self.list.clear()
        for s in stories:
            n = len(s.question_ids)
            answers = f"{n} question{'s' if n != 1 else ''}" if n else "no question linked"
            item = QListWidgetItem(s.title)
            item.setData(ID_ROLE, s.id)
            item.setData(DETAIL_ROLE, " · ".join([*s.tags, answers]))
            item.setToolTip(s.title)
            self.list.addItem(item)
        self._filling = False
        self.empty.setVisible(not stories)
        self.list.setVisible(bool(stories))
        if select_id is not None and select_id in self._stories:
            self._select_row_of(select_id)
            self._load(self._stories[select_id])
        elif self._dirty:  # unsaved edits stay in the editor
            self._select_row_of(self.current_id())
        elif keep is not None and keep in self._stories:
            self._select_row_of(keep)
            self._load(self._stories[keep])
        else:
            self._select_row_of(None)
            self._load(None)
        self._update_buttons()

    def set_coverage(self, uncovered: list[TopicCoverage], total_topics: int) -> None:
        """The topics no story answers, grouped by pack."""
        self._uncovered = list(uncovered)
        self._total_topics = total_topics
        n = len(uncovered)
        self.coverage_help.setVisible(bool(n))
        if not n:
            self.coverage_heading.setText("EVERY TOPIC HAS A STORY")
            self.coverage.setText("Each topic in the packs has at least one story linked.")
            return
        self.coverage_heading.setText(f"TOPICS WITH NO STORY YET · {n} OF {total_topics}")
        muted = current_theme().colors["muted"]
        groups: dict[str, list[str]] = {}
        for c in uncovered:
            groups.setdefault(c.pack_title, []).append(
                f"{_esc(c.topic)} <span style='color:{muted}'>({len(c.question_ids)})</span>"
            )
        self.coverage.setText(
            "<br>".join(f"<b>{_esc(p)}:</b> {' · '.join(ts)}" for p, ts in groups.items())
        )

    def uncovered(self) -> list[tuple[str, str]]:
        """(pack, topic) of each topic shown as having no story."""
        return [(c.pack, c.topic) for c in self._uncovered]

    def show_message(self, text: str, kind: str = "info") -> None:
        """A line above the bank: "info", "good" or "bad" (an import that failed, and why)."""
        self.message.setText(text)
        set_role(self.message, {"bad": "bad", "good": "good"}.get(kind, "muted"))
        self.message.setVisible(bool(text))

    def show_field_error(self, field: str, text: str) -> None:
        """A save refused: say why under the editor and put the cursor in the field."""
        self.field_error.setText(text)
        self.field_error.show()
        target = {"title": self.title_edit, "tags": self.tags_edit, **self.note_edits}.get(field)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            target.selectAll()

    # --- the editor ------------------------------------------------------------------------

    def draft(self) -> Story:
        """The story as the editor shows it now (id None when it is new)."""
        base = self._editing or Story(title="")
        return replace(
            base,
            title=self.title_edit.text(),
            **{n: e.text() for n, e in self.note_edits.items()},
            tags=parse_tags(self.tags_edit.text()),
            question_ids=tuple(self._linked),
        )

    def is_dirty(self) -> bool:
        return self._dirty

    def current_id(self) -> int | None:
        return self._editing.id if self._editing is not None else None

    def new_story(self) -> None:
        if self._dirty and not self._may_discard():
            return
        self._select_row_of(None)
        self._load(None)
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_story(self, story_id: int) -> None:
        if story_id in self._stories:
            self._select_row_of(story_id)
            self._selection_changed(self.list.currentItem(), None)

    def _load(self, story: Story | None) -> None:
        self._editing = story
        s = story or Story(title="")
        self.title_edit.setText(s.title)
        for n, e in self.note_edits.items():
            e.setText(s.note(n))
        self.tags_edit.setText(", ".join(s.tags))
        self._linked = list(s.question_ids)
        self._fill_linked()
        self.editor_heading.setText("NEW STORY" if story is None else "EDIT STORY")
        self.field_error.hide()
        self._set_dirty(False)

    def _fill_linked(self) -> None:
        self.linked.clear()
        for qid in self._linked:
            label = self._question_labels.get(qid)
            item = QListWidgetItem(label or f"{qid} (not in the loaded packs; kept)")
            item.setData(ID_ROLE, qid)
            item.setToolTip(qid)
            self.linked.addItem(item)
        self._update_buttons()

    def linked_ids(self) -> list[str]:
        return list(self._linked)

    def _link(self) -> None:
        qid = self.question_pick.currentData()
        if qid and qid not in self._linked:
            self._linked.append(qid)
            self._fill_linked()
            self._set_dirty(True)

    def _unlink(self) -> None:
        item = self.linked.currentItem()
        if item is not None:
            self._linked.remove(item.data(ID_ROLE))
            self._fill_linked()
            self._set_dirty(True)

    def _edited(self, *_a) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_btn.setEnabled(self._dirty)
        self.revert_btn.setEnabled(self._dirty)
        self.delete_btn.setEnabled(self._editing is not None)
        self.unlink_btn.setEnabled(self.linked.currentItem() is not None)
        self.export_btn.setEnabled(bool(self._stories))

    def _save(self) -> None:
        self.field_error.hide()
        self.saveRequested.emit(self.draft())

    def saved(self, story: Story) -> None:
        """The controller saved the editor's story: it is now the one being edited."""
        self._dirty = False
        self._editing = story

    def _revert(self) -> None:
        self._load(self._editing)

    def _select_row_of(self, story_id: int | None) -> None:
        self._filling = True
        try:
            if story_id is None:
                self.list.setCurrentRow(-1)
                return
            for row in range(self.list.count()):
                if self.list.item(row).data(ID_ROLE) == story_id:
                    self.list.setCurrentRow(row)
                    return
        finally:
            self._filling = False

    def _selection_changed(self, current, _previous) -> None:
        if self._filling:
            return
        sid = current.data(ID_ROLE) if current is not None else None
        if self._editing is not None and sid == self._editing.id:
            return
        if self._dirty and not self._may_discard():
            # stay on the story being edited
            self._select_row_of(self._editing.id if self._editing is not None else None)
            return
        self._load(self._stories.get(sid) if sid is not None else None)

    def _may_discard(self) -> bool:
        return self.confirm_discard(self.draft().title or "this new story")

    # --- dialogs (replaced in tests) -------------------------------------------------------

    def _delete(self) -> None:
        if self._editing is not None and self.confirm_delete(self._editing.title):
            self.deleteRequested.emit(self._editing.id)

    def _import(self) -> None:
        path = self.ask_import_path()
        if path:
            self.importRequested.emit(path)

    def _export(self) -> None:
        path = self.ask_export_path()
        if path:
            self.exportRequested.emit(path)

    def _ask_import_path(self) -> str:
        path, _f = QFileDialog.getOpenFileName(self, "Import stories", "", FILE_FILTER)
        return path

    def _ask_export_path(self) -> str:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export stories", "stories.toml", FILE_FILTER
        )
        if path and not path.lower().endswith((".toml", ".json")):
            path += ".json" if "JSON" in chosen and "TOML" not in chosen else ".toml"
        return path

    def _confirm_delete(self, title: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete story")
        box.setText(f"Delete the story “{title}”?")
        box.setInformativeText(
            "Its notes and question links are removed. Answers that told it stay in History "
            "without a story. This cannot be undone."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _confirm_discard(self, title: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Your changes to “{title}” are not saved.")
        box.setInformativeText("Discard them, or keep editing to save them first?")
        box.setStandardButtons(
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        )
        box.button(QMessageBox.StandardButton.Cancel).setText("Keep editing")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    def retheme(self) -> None:
        """The coverage line has the muted colour in its rich text: write it again."""
        self.set_coverage(self._uncovered, self._total_topics)
