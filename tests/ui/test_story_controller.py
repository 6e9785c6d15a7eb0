"""StoryBankController with a real StoryStore and the real widgets: save, refuse, delete,
import (good and bad files), export, the question card, and History's story chooser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from voicecoach.app.stories import StoryBankController, wire_stories
from voicecoach.packs import load_packs
from voicecoach.report import to_json
from voicecoach.store.history import History
from voicecoach.store.stories import StoryStore
from voicecoach.stories import Story, to_toml_text
from voicecoach.ui.history_view import HistoryView
from voicecoach.ui.question_panel import QuestionPanel
from voicecoach.ui.story_bank_view import StoryBankView


@pytest.fixture(scope="module")
def packs():
    return load_packs()


@pytest.fixture
def app_parts(qtbot, themed, tmp_path: Path, packs):
    db = tmp_path / "history.db"
    history = History(db)
    view, panel, hist = StoryBankView(), QuestionPanel(), HistoryView()
    for w in (view, panel, hist):
        qtbot.addWidget(w)
    panel.set_packs(packs)
    asked: list[tuple] = []
    answer: list[tuple[bool, int | None]] = [(False, None)]

    def ask(question, choices, suggested, current):
        asked.append((question, choices, suggested, current))
        return answer[0]

    ctl = StoryBankController(StoryStore(db), packs, view, panel, hist, ask=ask)
    yield ctl, history, view, panel, hist, asked, answer
    ctl.close()
    history.close()


def _message(view) -> str:
    return view.findChild(QLabel, "storyMessage").text()


def test_save_from_the_editor_then_refuse_a_duplicate(qtbot, app_parts) -> None:
    """A story typed in the editor is stored; a second with the same title is refused with
    the reason under the editor, and nothing is stored."""
    ctl, _h, view, *_ = app_parts
    view.title_edit.setText("Incident night")
    view.note_edits["action"].setText("Rolled back")
    view._set_dirty(True)
    view.findChild(QPushButton, "storySave").click()
    assert [s.title for s in ctl.store.list()] == ["Incident night"]
    assert "Saved" in _message(view) and not view.is_dirty()
    assert view.current_id() == ctl.store.list()[0].id
    view.new_story()
    view.title_edit.setText("incident NIGHT")
    view._set_dirty(True)
    view.findChild(QPushButton, "storySave").click()
    err = view.findChild(QLabel, "storyFieldError")
    assert err.isVisibleTo(view) and "already have a story" in err.text()
    assert len(ctl.store.list()) == 1


def test_delete_clears_the_editor_and_coverage_follows(app_parts, packs) -> None:
    """Coverage loses a topic when a story links it and gets it back when it is deleted."""
    ctl, _h, view, *_ = app_parts
    q = packs.questions()[0]
    before = len(view.uncovered())
    saved = ctl.save(Story(title="Linked", question_ids=(q.id,)))
    assert len(view.uncovered()) == before - 1
    view.confirm_delete = lambda _t: True
    view.findChild(QPushButton, "storyDelete").click()
    assert ctl.store.list() == [] and view.current_id() is None
    assert len(view.uncovered()) == before
    assert saved is not None and "Deleted" in _message(view)


def test_import_good_file_then_the_same_again(tmp_path: Path, app_parts, packs) -> None:
    """A valid file adds its stories; importing it again skips them as already there."""
    ctl, _h, view, *_ = app_parts
    qid = packs.questions()[5].id
    f = tmp_path / "bank.toml"
    f.write_text(to_toml_text([Story(title="From file", result="R", question_ids=(qid,))]))
    assert ctl.import_file(str(f)) == 1
    assert ctl.store.stories_for_question(qid)[0].title == "From file"
    assert "Imported 1 story" in _message(view)
    assert ctl.import_file(str(f)) == 0
    assert "already in your bank" in _message(view) and len(ctl.store.list()) == 1


def test_bad_file_imports_nothing_and_says_why(tmp_path: Path, app_parts) -> None:
    """One bad entry stops the whole file; the message names the entry and the field."""
    ctl, _h, view, *_ = app_parts
    f = tmp_path / "bank.json"
    doc = {"stories": [{"title": "Good"}, {"title": "Bad", "task": ["not", "text"]}]}
    f.write_text(json.dumps(doc))
    assert ctl.import_file(str(f)) == 0
    assert ctl.store.list() == []
    msg = _message(view)
    assert "Nothing was imported from bank.json" in msg
    assert 'entry 2 ("Bad"): "task" must be text' in msg
    assert ctl.import_file(str(tmp_path / "missing.toml")) == 0
    assert "cannot be read" in _message(view)


def test_export_writes_a_file_that_imports_back(tmp_path: Path, app_parts, packs) -> None:
    """Export then import into a fresh bank gives the same stories."""
    ctl, *_ = app_parts
    qid = packs.questions()[1].id
    ctl.save(Story(title="One", situation="s", tags=("a",), question_ids=(qid,)))
    ctl.save(Story(title="Two", result="r"))
    out = tmp_path / "out.json"
    assert ctl.export_file(str(out))
    other_db = tmp_path / "other" / "history.db"
    other_db.parent.mkdir()
    with History(other_db):
        fresh = StoryBankController(StoryStore(other_db), packs)
        assert fresh.import_file(str(out)) == 2
        mine, theirs = ctl.store.list(), fresh.store.list()
        assert len(mine) == len(theirs) == 2
        assert all(a.same_content(b) for a, b in zip(mine, theirs, strict=True))
        fresh.close()
    assert not ctl.export_file(str(tmp_path / "out.txt"))


def test_card_follows_the_bank(app_parts, packs) -> None:
    """Linking the question on screen to a story shows the card without reselecting it."""
    ctl, _h, _v, panel, *_ = app_parts
    q = packs.questions()[2]
    panel.set_question(q)
    assert not panel.story_card.isVisibleTo(panel)
    ctl.save(Story(title="Now linked", task="t", question_ids=(q.id,)))
    assert panel.story_card.isVisibleTo(panel)
    assert panel.story_card.current_story().title == "Now linked"


def test_history_chooser_suggests_then_records(tmp_path: Path, app_parts) -> None:
    """After an answer, "Story…" offers the matching story first with its reason; the choice
    is stored and shown in the Story column; cancelling changes nothing."""
    from tests.ui.sample_report import sample_report

    ctl, history, _v, _p, hist, asked, answer = app_parts
    report = to_json(sample_report())
    take = history.start_take("q1", "pack", "A question?", tmp_path / "a.wav")
    history.save_report(take, report, "tiny.en")
    words = report["transcript"].split()
    told = ctl.save(Story(title="Told one", action=" ".join(words[:40])))
    ctl.save(Story(title="Unrelated", action="Gardening tomatoes in a greenhouse"))
    hist.set_takes(history.list())
    hist.select_ids({take})
    hist.findChild(QPushButton, "historyStory").click()
    question, choices, suggested, current = asked[-1]
    assert question == "A question?" and suggested and current is None
    assert choices[0].story_id == told.id and "key words" in choices[0].reason
    assert [c.title for c in choices] == ["Told one", "Unrelated"]
    assert ctl.store.story_of_take(take) is None  # cancelled: nothing stored
    answer[0] = (True, told.id)
    hist.findChild(QPushButton, "historyStory").click()
    assert ctl.store.story_of_take(take).id == told.id
    assert hist.story_of(take) == "Told one"
    hist.findChild(QPushButton, "historyStory").click()
    assert asked[-1][3] == told.id  # the recorded story is passed as the current one
    answer[0] = (True, None)
    hist.findChild(QPushButton, "historyStory").click()
    assert ctl.store.story_of_take(take) is None and hist.story_of(take) == ""


def test_wire_stories_follows_history_changes(qtbot, themed, tmp_path: Path, packs) -> None:
    """wire_stories connects the history signal: a relisted History keeps the Story column."""
    from PySide6.QtCore import QObject, Signal

    class Library(QObject):
        historyChanged = Signal(object)

    db = tmp_path / "history.db"
    with History(db) as history:
        lib = Library()
        view, panel, hist = StoryBankView(), QuestionPanel(), HistoryView()
        for w in (view, panel, hist):
            qtbot.addWidget(w)
        ctl = wire_stories(db, packs, view, panel, hist, lib.historyChanged)
        take = history.start_take("q", "p", "Q?", tmp_path / "t.wav")
        s = ctl.save(Story(title="Wired"))
        ctl.store.set_take_story(take, s.id)
        hist.set_takes(history.list())
        lib.historyChanged.emit(history.list())
        assert hist.story_of(take) == "Wired"
        ctl.close()


def test_view_editing_by_keyboard_marks_dirty(qtbot, app_parts) -> None:
    """Typing in the editor enables Save (the keys, not only code, mark the story changed)."""
    _ctl, _h, view, *_ = app_parts
    view.show()
    assert not view.findChild(QPushButton, "storySave").isEnabled()
    qtbot.keyClicks(view.findChild(QLineEdit, "storyTitle"), "X")
    assert view.findChild(QPushButton, "storySave").isEnabled()
