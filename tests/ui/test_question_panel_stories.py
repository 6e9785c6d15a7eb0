"""QuestionPanel's story card: shown for a linked question, one click to the notes, folded
while recording unless kept open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QToolButton

from voicecoach.packs import load_packs
from voicecoach.stories import Story
from voicecoach.ui.question_panel import QuestionPanel

STORY = Story(
    title="The invoice run",
    situation="Duplicate invoices went out",
    task="Stop it tonight",
    action="Paused the job & wrote refunds",
    result="Refunds out in six hours",
    id=7,
)


@pytest.fixture(scope="module")
def packs():
    return load_packs()


@pytest.fixture
def panel(qtbot, themed, packs):
    p = QuestionPanel()
    qtbot.addWidget(p)
    p.set_packs(packs)
    linked = packs.questions()[0].id
    p.set_story_source(lambda qid: [STORY] if qid == linked else [])
    p.show()
    return p


def test_card_only_for_linked_questions(panel, packs) -> None:
    """A question with a story shows the card with its title; one without hides it."""
    panel.set_question(packs.questions()[0])
    card = panel.story_card
    assert card.isVisible()
    assert card.findChild(QLabel, "storyCardTitle").text() == "The invoice run"
    panel.set_question(packs.questions()[1])
    assert not card.isVisible()


def test_notes_are_one_click_away(panel, packs) -> None:
    """The notes start folded; one click shows all four, escaped."""
    panel.set_question(packs.questions()[0])
    notes = panel.story_card.findChild(QLabel, "storyNotes")
    assert not notes.isVisible()
    panel.story_card.findChild(QToolButton, "storyNotesToggle").click()
    assert notes.isVisible()
    for part in ("Duplicate invoices", "Stop it tonight", "&amp; wrote refunds", "six hours"):
        assert part in notes.text()


def test_notes_fold_while_recording_unless_kept_open(panel, packs) -> None:
    """Recording folds the open notes and brings them back after; "keep open" keeps them."""
    panel.set_question(packs.questions()[0])
    card = panel.story_card
    card.findChild(QToolButton, "storyNotesToggle").click()
    panel.set_busy(True)
    assert not card.notes_visible()
    panel.set_busy(False)
    assert card.notes_visible()
    card.findChild(QCheckBox, "storyKeepOpen").setChecked(True)
    panel.set_busy(True)
    assert card.notes_visible()
    card.findChild(QCheckBox, "storyKeepOpen").setChecked(False)  # unticked mid-answer
    assert not card.notes_visible()
    panel.set_busy(False)
    assert card.notes_visible()


def test_several_stories_offer_a_choice(panel, packs) -> None:
    """Two linked stories: a chooser switches whose notes are shown."""
    other = Story(title="Second one", situation="Other situation", id=8)
    panel.set_story_source(lambda qid: [STORY, other])
    panel.set_question(packs.questions()[2])
    card = panel.story_card
    assert card.chooser.isVisible() and card.chooser.count() == 2
    card.chooser.setCurrentIndex(1)
    assert "Other situation" in card.findChild(QLabel, "storyNotes").text()
    panel.refresh_stories()  # the bank changed: the chosen story stays chosen
    assert card.current_story().id == 8
