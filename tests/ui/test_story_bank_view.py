"""StoryBankView: the editor builds the story, unsaved edits are not lost, coverage, files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPushButton

from voicecoach.packs import load_packs
from voicecoach.stories import Story, StoryChoice, TopicCoverage
from voicecoach.ui.story_bank_view import StoryBankView
from voicecoach.ui.story_chooser import StoryChooser

A = Story(title="Alpha", situation="S1", tags=("x",), question_ids=("gone-q",), id=1)
B = Story(title="Beta", action="A2", id=2)


@pytest.fixture(scope="module")
def packs():
    return load_packs()


@pytest.fixture
def view(qtbot, themed, packs):
    v = StoryBankView()
    qtbot.addWidget(v)
    v.set_questions(packs)
    v.set_stories([A, B])
    v.show()
    return v


def _type(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_new_story_is_built_from_the_editor(qtbot, view, packs) -> None:
    """Typed title, notes, tags and a linked question come out of Save as one Story."""
    view.findChild(QPushButton, "storyNew").click()
    _type(qtbot, view.findChild(QLineEdit, "storyTitle"), "Gamma")
    _type(qtbot, view.findChild(QLineEdit, "story_result"), "Shipped on time")
    _type(qtbot, view.findChild(QLineEdit, "storyTags"), "Delivery, scope")
    q = packs.questions()[3]
    pick = view.question_pick
    pick.setCurrentIndex(pick.findData(q.id))
    view.findChild(QPushButton, "storyLink").click()
    assert view.findChild(QPushButton, "storySave").isEnabled()
    with qtbot.waitSignal(view.saveRequested, timeout=1000) as sig:
        view.findChild(QPushButton, "storySave").click()
    story = sig.args[0]
    assert story.id is None
    assert (story.title, story.result, story.tags) == (
        "Gamma",
        "Shipped on time",
        ("delivery", "scope"),
    )
    assert story.question_ids == (q.id,)


def test_selecting_loads_and_keeps_unknown_links(view) -> None:
    """A story's fields fill the editor; a link to a question no longer in the packs is kept."""
    view.select_story(1)
    assert view.findChild(QLineEdit, "storyTitle").text() == "Alpha"
    assert view.findChild(QLineEdit, "story_situation").text() == "S1"
    linked = view.findChild(QListWidget, "storyLinked")
    assert "not in the loaded packs" in linked.item(0).text()
    assert view.draft().question_ids == ("gone-q",) and view.draft().id == 1


def test_unsaved_edits_are_not_dropped_without_asking(qtbot, view) -> None:
    """Switching story with unsaved edits asks; "keep editing" leaves the edits in place."""
    asked: list[str] = []
    view.confirm_discard = lambda title: asked.append(title) or False
    view.select_story(1)
    _type(qtbot, view.findChild(QLineEdit, "story_task"), "new task")
    view.list.setCurrentRow(1)  # Beta
    assert asked == ["Alpha"]
    assert view.findChild(QLineEdit, "story_task").text() == "new task"
    assert view.current_id() == 1 and view.list.currentRow() == 0
    view.confirm_discard = lambda title: True
    view.list.setCurrentRow(1)
    assert view.current_id() == 2 and not view.is_dirty()


def test_refresh_keeps_unsaved_edits(qtbot, view) -> None:
    """The bank listed again (an import) does not wipe the editor."""
    view.select_story(2)
    _type(qtbot, view.findChild(QLineEdit, "story_result"), "half typed")
    view.set_stories([A, B, Story(title="Imported", id=3)])
    assert view.findChild(QLineEdit, "story_result").text() == "half typed"
    assert view.is_dirty() and view.current_id() == 2


def test_field_error_focuses_the_field(view) -> None:
    """A refused save says why and puts the cursor where the problem is."""
    view.show_field_error("task", "Too long.")
    err = view.findChild(QLabel, "storyFieldError")
    assert err.isVisible() and err.text() == "Too long."
    assert view.findChild(QLineEdit, "story_task").hasFocus()


def test_coverage_lists_uncovered_topics(view) -> None:
    """Uncovered topics are shown by pack, with the count; none left says so."""
    rows = [
        TopicCoverage("p", "Pack P", "Conflict", ("q1", "q2"), ()),
        TopicCoverage("p", "Pack P", "Hiring", ("q3",), ()),
    ]
    view.set_coverage(rows, 5)
    text = view.findChild(QLabel, "storyCoverageText").text()
    assert "Pack P" in text and "Conflict" in text and "(2)" in text and "Hiring" in text
    assert "2 OF 5" in view.findChild(QLabel, "storyCoverageHeading").text()
    assert view.uncovered() == [("p", "Conflict"), ("p", "Hiring")]
    view.set_coverage([], 5)
    assert "EVERY TOPIC" in view.findChild(QLabel, "storyCoverageHeading").text()


def test_import_and_export_ask_for_a_file(qtbot, view) -> None:
    """The buttons emit the chosen path; cancelling the dialog emits nothing."""
    view.ask_import_path = lambda: "/tmp/in.toml"
    with qtbot.waitSignal(view.importRequested, timeout=1000) as sig:
        view.findChild(QPushButton, "storyImport").click()
    assert sig.args == ["/tmp/in.toml"]
    view.ask_export_path = lambda: ""
    with qtbot.assertNotEmitted(view.exportRequested):
        view.findChild(QPushButton, "storyExport").click()


def test_delete_asks_first(qtbot, view) -> None:
    """Delete emits only after confirmation."""
    view.select_story(2)
    view.confirm_delete = lambda title: False
    with qtbot.assertNotEmitted(view.deleteRequested):
        view.findChild(QPushButton, "storyDelete").click()
    view.confirm_delete = lambda title: title == "Beta"
    with qtbot.waitSignal(view.deleteRequested, timeout=1000) as sig:
        view.findChild(QPushButton, "storyDelete").click()
    assert sig.args == [2]


def test_chooser_puts_the_suggestion_first(qtbot, themed) -> None:
    """The suggestion is first, says why, and is preselected; "no story" is always offered."""
    choices = [StoryChoice(2, "Beta", "Your answer used 4 of 9 key words"), StoryChoice(1, "Alpha")]
    dlg = StoryChooser("Tell me about X?", choices, True, None)
    qtbot.addWidget(dlg)
    opts = dlg.options()
    assert opts[0][0] == 2 and opts[0][1].startswith("Suggested: Beta") and "4 of 9" in opts[0][1]
    assert [o[0] for o in opts] == [2, 1, None]
    assert dlg.chosen() == 2
    dlg.list.setCurrentRow(2)
    assert dlg.chosen() is None
    # a story already recorded for the take is preselected instead
    again = StoryChooser("Q?", choices, True, 1)
    qtbot.addWidget(again)
    assert again.chosen() == 1
    unsure = StoryChooser("Q?", [StoryChoice(1, "Alpha")], False, None)
    qtbot.addWidget(unsure)
    assert unsure.chosen() is None and unsure.note.isVisibleTo(unsure)
    assert unsure.list.item(0).data(Qt.ItemDataRole.UserRole + 1) == 1
