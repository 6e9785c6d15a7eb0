"""HistoryView's story column and "Story…" button (the story bank connected)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from tests.ui.sample_report import sample_report
from voicecoach.report import to_json
from voicecoach.store.history import TakeRecord
from voicecoach.ui.history_view import ID_ROLE, STORY_COLUMN, HistoryView


def _rec(i: int, status: str = "analysed") -> TakeRecord:
    return TakeRecord(
        id=i,
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(hours=i),
        question_id="q",
        pack="core_senior",
        question_text="Question?",
        audio_path=Path(f"/tmp/{i}.wav"),
        duration_s=60.0,
        status=status,
        error=None,
        report_json=to_json(sample_report()) if status == "analysed" else None,
        corrections=None,
        model="tiny.en",
    )


@pytest.fixture
def view(qtbot, themed):
    v = HistoryView()
    qtbot.addWidget(v)
    v.set_takes([_rec(1), _rec(2), _rec(3, "recorded")])
    v.show()
    return v


def _story_cells(view) -> dict[int, str]:
    m = view.model
    return {m.item(r, 0).data(ID_ROLE): m.item(r, STORY_COLUMN).text() for r in range(m.rowCount())}


def test_story_column_hidden_without_a_bank(view) -> None:
    """Without a story bank the table and buttons are as before."""
    assert view.table.isColumnHidden(STORY_COLUMN)
    assert not view.findChild(QPushButton, "historyStory").isVisible()


def test_story_titles_survive_relisting(view) -> None:
    """Titles appear per take, and stay when the takes are listed again."""
    view.set_take_stories({2: "The invoice run"})
    assert not view.table.isColumnHidden(STORY_COLUMN)
    assert _story_cells(view) == {1: "", 2: "The invoice run", 3: ""}
    view.set_takes([_rec(1), _rec(2), _rec(3, "recorded")])
    assert _story_cells(view) == {1: "", 2: "The invoice run", 3: ""}
    assert view.story_of(2) == "The invoice run" and view.record(2).id == 2


def test_story_button_asks_for_one_analysed_take(qtbot, view) -> None:
    """ "Story…" works on one analysed take and reports its id."""
    view.set_take_stories({})
    btn = view.findChild(QPushButton, "historyStory")
    view.select_ids({3})
    assert not btn.isEnabled()  # not analysed yet: nothing to suggest from
    view.select_ids({1, 2})
    assert not btn.isEnabled()
    view.select_ids({1})
    assert btn.isEnabled()
    with qtbot.waitSignal(view.storyChoiceRequested, timeout=1000) as sig:
        btn.click()
    assert sig.args == [1]
