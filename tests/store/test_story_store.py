"""Story bank storage: CRUD, question links, the story a take told, and v2 databases."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from voicecoach.domain import StorageError
from voicecoach.store import migrations
from voicecoach.store.history import History, TakeNotFoundError
from voicecoach.store.stories import StoryNotFoundError, StoryStore
from voicecoach.stories import Story, StoryError


@pytest.fixture
def db(tmp_path: Path):
    path = tmp_path / "history.db"
    history = History(path)
    store = StoryStore(path)
    yield history, store
    store.close()
    history.close()


def _take(history: History, tmp_path: Path, qid: str = "q1") -> int:
    return history.start_take(qid, "pack", "Question?", tmp_path / f"{qid}.wav")


def test_create_get_list_update_delete(db) -> None:
    """A story is saved with its links, listed by title, changed, then removed."""
    _h, store = db
    b = store.create(Story(title="Beta", situation="S", tags=("x", "X"), question_ids=("q1",)))
    a = store.create(Story(title="alpha", action="A"))
    assert b.id is not None and b.created_at is not None and b.tags == ("x",)
    assert [s.title for s in store.list()] == ["alpha", "Beta"]
    assert store.get(b.id).question_ids == ("q1",)
    changed = store.update(Story(title="Beta 2", result="R", question_ids=("q2", "q3"), id=b.id))
    assert (changed.title, changed.situation, changed.result) == ("Beta 2", "", "R")
    assert changed.question_ids == ("q2", "q3")
    assert changed.created_at == b.created_at
    store.delete(a.id)
    assert [s.title for s in store.list()] == ["Beta 2"]
    with pytest.raises(StoryNotFoundError):
        store.get(a.id)
    with pytest.raises(StoryNotFoundError):
        store.delete(a.id)


def test_titles_are_unique(db) -> None:
    """A second story with the same title (case aside) is refused on the title field."""
    _h, store = db
    first = store.create(Story(title="The outage"))
    with pytest.raises(StoryError) as e:
        store.create(Story(title="the  OUTAGE"))
    assert e.value.field == "title"
    other = store.create(Story(title="Another"))
    with pytest.raises(StoryError):
        store.update(Story(title="The Outage", id=other.id))
    store.update(Story(title="The Outage", id=first.id))  # renaming itself is fine
    assert len(store.list()) == 2


def test_invalid_story_is_not_saved(db) -> None:
    """Validation happens before writing: nothing is stored."""
    _h, store = db
    with pytest.raises(StoryError):
        store.create(Story(title=""))
    assert store.list() == []


def test_link_unlink_and_stories_for_question(db) -> None:
    """Links are per question; linking twice keeps one link; unknown stories are refused."""
    _h, store = db
    s1 = store.create(Story(title="One"))
    s2 = store.create(Story(title="Two", question_ids=("q1",)))
    store.link(s1.id, "q1")
    store.link(s1.id, "q1")
    store.link(s1.id, "q2")
    assert [s.title for s in store.stories_for_question("q1")] == ["One", "Two"]
    assert store.get(s1.id).question_ids == ("q1", "q2")
    store.unlink(s1.id, "q1")
    assert [s.title for s in store.stories_for_question("q1")] == ["Two"]
    assert store.stories_for_question("nothing") == []
    with pytest.raises(StoryNotFoundError):
        store.link(999, "q1")
    store.delete(s2.id)
    assert store.stories_for_question("q1") == []


def test_story_a_take_told(db, tmp_path: Path) -> None:
    """Set, read, clear; deleting the story leaves the take without one."""
    history, store = db
    t1, t2 = _take(history, tmp_path), _take(history, tmp_path, "q2")
    s = store.create(Story(title="Told"))
    assert store.story_of_take(t1) is None
    store.set_take_story(t1, s.id)
    assert store.story_of_take(t1).title == "Told"
    assert store.take_story_titles() == {t1: "Told"}
    store.clear_take_story(t1)
    assert store.story_of_take(t1) is None
    store.set_take_story(t2, s.id)
    store.delete(s.id)
    assert store.story_of_take(t2) is None
    assert history.get(t2).question_id == "q2"  # the take itself is untouched
    with pytest.raises(TakeNotFoundError):
        store.set_take_story(12345, None)
    with pytest.raises(StoryNotFoundError):
        store.set_take_story(t1, 999)


def test_import_is_all_or_nothing(db) -> None:
    """One bad story in an import leaves the bank as it was."""
    _h, store = db
    store.create(Story(title="Kept"))
    with pytest.raises(StoryError):
        store.import_stories([Story(title="New one"), Story(title="kept")])
    assert [s.title for s in store.list()] == ["Kept"]
    added = store.import_stories([Story(title="New one", question_ids=("q9",))])
    assert [s.title for s in added] == ["New one"]
    assert store.stories_for_question("q9")[0].title == "New one"


def test_history_and_stories_share_the_file(db, tmp_path: Path) -> None:
    """Both connections see each other's writes (WAL), from another thread too."""
    history, store = db
    take = _take(history, tmp_path)
    s = store.create(Story(title="Shared"))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            store.set_take_story(take, s.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert errors == []
    with sqlite3.connect(history.db_path) as conn:
        assert conn.execute("SELECT story_id FROM takes WHERE id = ?", (take,)).fetchone() == (
            s.id,
        )
    history.delete(take, remove_audio=False)
    assert store.take_story_titles() == {}


def test_store_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    """Opened before History has upgraded the file, the store says what to do."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with pytest.raises(StorageError, match="open it with History first"):
        StoryStore(path)


V2_TAKES = """
CREATE TABLE takes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, question_id TEXT NOT NULL,
    audio_path TEXT NOT NULL, status TEXT NOT NULL, report_json TEXT
);
"""


def test_v2_database_gets_an_empty_bank_and_takes_without_story(tmp_path: Path) -> None:
    """Today's v2 history, once migrated, has no stories and every take has no story."""
    path = tmp_path / "history.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V2_TAKES)
        migrations.MIGRATIONS[1](conn)
        for i in range(3):
            conn.execute(
                "INSERT INTO takes (created_at, question_id, audio_path, status, pack) "
                "VALUES (?, ?, ?, 'analysed', 'core')",
                (f"2026-01-0{i + 1}T10:00:00+00:00", f"q{i}", f"recordings/{i}.wav"),
            )
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    history = History(path)
    assert history.migrated_from == 2
    store = StoryStore(path)
    try:
        assert store.list() == []
        takes = history.list()
        assert len(takes) == 3
        assert all(store.story_of_take(t.id) is None for t in takes)
        assert store.take_story_titles() == {}
        s = store.create(Story(title="First story", question_ids=("q0",)))
        store.set_take_story(takes[0].id, s.id)
        assert store.story_of_take(takes[0].id).title == "First story"
    finally:
        store.close()
        history.close()
