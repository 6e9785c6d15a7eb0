"""The story bank in the history database: tables `stories`, `story_questions`, `takes.story_id`.

`StoryStore` opens its own connection to the file `History` has already opened, checked and
migrated (open `History` first): the same settings as `History` (WAL, synchronous NORMAL,
5 s busy timeout, autocommit with explicit `BEGIN IMMEDIATE` transactions, one lock around the
connection so any thread may call it; transactions by `history.locked_transaction`, as in
`History`). A second connection is what SQLite's WAL mode is made for (readers never block,
writers wait up to the timeout). Every failure is a `StorageError` naming the database.

Titles are unique in a bank (compared without case or extra spaces): a duplicate is a
`StoryError` on the title field.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voicecoach.domain import StorageError
from voicecoach.store.history import TakeNotFoundError, locked_transaction
from voicecoach.store.migrations import SCHEMA_VERSION
from voicecoach.stories import Story, StoryError, title_key, validate_story


class StoryNotFoundError(StorageError):
    """No story with that id (it may have been deleted)."""


class StoryStore:
    """The user's stories in the history database at `db_path`."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(
                self.db_path, timeout=5.0, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise StorageError(f"Cannot open the story bank in {self.db_path} ({exc}).") from exc
        if version != SCHEMA_VERSION:
            self._conn.close()
            raise StorageError(
                f"The history database {self.db_path} is at schema {version}, not "
                f"{SCHEMA_VERSION}: open it with History first (which upgrades it)."
            )

    # --- stories -----------------------------------------------------------------------------

    def create(self, story: Story) -> Story:
        """Save a new story (validated; its question links too); returns it with id and times."""
        story = validate_story(story)
        now = _now()
        with self._tx("save the new story") as conn:
            self._check_title(conn, story.title, None)
            cur = conn.execute(
                "INSERT INTO stories (title, situation, task, action, result, tags_json,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*_row(story), now, now),
            )
            story_id = cur.lastrowid
            assert story_id is not None
            _set_links(conn, story_id, story.question_ids)
        return self.get(story_id)

    def update(self, story: Story) -> Story:
        """Replace a saved story's title, notes, tags and question links."""
        if story.id is None:
            raise StoryNotFoundError("This story has not been saved yet.")
        story = validate_story(story)
        with self._tx("save the story") as conn:
            self._check_title(conn, story.title, story.id)
            cur = conn.execute(
                "UPDATE stories SET title = ?, situation = ?, task = ?, action = ?, result = ?,"
                " tags_json = ?, updated_at = ? WHERE id = ?",
                (*_row(story), _now(), story.id),
            )
            if cur.rowcount == 0:
                raise _missing(story.id)
            _set_links(conn, story.id, story.question_ids)
        return self.get(story.id)

    def delete(self, story_id: int) -> None:
        """Remove a story and its links; takes that told it keep their audio, without a story."""
        with self._tx("delete the story") as conn:
            if conn.execute("DELETE FROM stories WHERE id = ?", (story_id,)).rowcount == 0:
                raise _missing(story_id)
            # foreign keys are off in this database (as History opens it): delete by hand
            conn.execute("DELETE FROM story_questions WHERE story_id = ?", (story_id,))
            conn.execute("UPDATE takes SET story_id = NULL WHERE story_id = ?", (story_id,))

    def import_stories(self, stories: Iterable[Story]) -> list[Story]:
        """Add several stories in one transaction: all of them, or (on any error) none."""
        ids: list[int] = []
        now = _now()
        with self._tx("import the stories") as conn:
            for story in stories:
                story = validate_story(story)
                self._check_title(conn, story.title, None)
                cur = conn.execute(
                    "INSERT INTO stories (title, situation, task, action, result, tags_json,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (*_row(story), now, now),
                )
                assert cur.lastrowid is not None
                ids.append(cur.lastrowid)
                _set_links(conn, cur.lastrowid, story.question_ids)
        return [self.get(i) for i in ids]

    def get(self, story_id: int) -> Story:
        found = self._select("WHERE id = ?", (story_id,))
        if not found:
            raise _missing(story_id)
        return found[0]

    def list(self) -> list[Story]:
        """Every story, by title (case-insensitive)."""
        return self._select("", ())

    # --- questions ---------------------------------------------------------------------------

    def link(self, story_id: int, question_id: str) -> None:
        with self._tx("link the question to the story") as conn:
            self._require(conn, story_id)
            conn.execute(
                "INSERT OR IGNORE INTO story_questions (story_id, question_id) VALUES (?, ?)",
                (story_id, question_id),
            )

    def unlink(self, story_id: int, question_id: str) -> None:
        with self._tx("unlink the question from the story") as conn:
            self._require(conn, story_id)
            conn.execute(
                "DELETE FROM story_questions WHERE story_id = ? AND question_id = ?",
                (story_id, question_id),
            )

    def stories_for_question(self, question_id: str) -> list[Story]:
        """The stories linked to one question, by title."""
        return self._select(
            "WHERE id IN (SELECT story_id FROM story_questions WHERE question_id = ?)",
            (question_id,),
        )

    # --- takes -------------------------------------------------------------------------------

    def set_take_story(self, take_id: int, story_id: int | None) -> None:
        """Record which story an answer told (None: no story)."""
        with self._tx("record the story this answer told") as conn:
            if story_id is not None:
                self._require(conn, story_id)
            cur = conn.execute("UPDATE takes SET story_id = ? WHERE id = ?", (story_id, take_id))
            if cur.rowcount == 0:
                raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")

    def clear_take_story(self, take_id: int) -> None:
        self.set_take_story(take_id, None)

    def story_of_take(self, take_id: int) -> Story | None:
        """The story the user said this answer told, or None."""
        row = self._read("SELECT story_id FROM takes WHERE id = ?", (take_id,))
        if not row:
            raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")
        sid = row[0]["story_id"]
        if sid is None:
            return None
        found = self._select("WHERE id = ?", (sid,))
        return found[0] if found else None

    def take_story_titles(self) -> dict[int, str]:
        """take id -> title of the story it told, for every take that has one."""
        rows = self._read(
            "SELECT takes.id AS take_id, stories.title AS title FROM takes"
            " JOIN stories ON stories.id = takes.story_id",
            (),
        )
        return {r["take_id"]: r["title"] for r in rows}

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- plumbing ----------------------------------------------------------------------------

    def _tx(self, what: str) -> AbstractContextManager[sqlite3.Connection]:
        return locked_transaction(self._conn, self._lock, self.db_path, what)

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"Could not read the story bank in {self.db_path} ({exc}).") from exc

    def _select(self, clause: str, params: tuple[Any, ...]) -> list[Story]:
        rows = self._read(f"SELECT * FROM stories {clause}", params)
        links: dict[int, list[str]] = {}
        if rows:
            marks = ",".join("?" * len(rows))
            for r in self._read(
                f"SELECT story_id, question_id FROM story_questions WHERE story_id IN ({marks})"
                " ORDER BY rowid",
                tuple(r["id"] for r in rows),
            ):
                links.setdefault(r["story_id"], []).append(r["question_id"])
        out = [_story(r, links.get(r["id"], [])) for r in rows]
        out.sort(key=lambda s: (title_key(s.title), s.id))
        return out

    def _require(self, conn: sqlite3.Connection, story_id: int) -> None:
        if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is None:
            raise _missing(story_id)

    def _check_title(self, conn: sqlite3.Connection, title: str, own_id: int | None) -> None:
        key = title_key(title)
        for r in conn.execute("SELECT id, title FROM stories"):
            if r["id"] != own_id and title_key(r["title"]) == key:
                raise StoryError(
                    f'You already have a story called "{r["title"]}". Give this one another title.',
                    "title",
                )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _row(story: Story) -> tuple[Any, ...]:
    return (
        story.title,
        story.situation,
        story.task,
        story.action,
        story.result,
        json.dumps(list(story.tags), ensure_ascii=False),
    )


def _set_links(conn: sqlite3.Connection, story_id: int, question_ids: Iterable[str]) -> None:
    conn.execute("DELETE FROM story_questions WHERE story_id = ?", (story_id,))
    conn.executemany(
        "INSERT OR IGNORE INTO story_questions (story_id, question_id) VALUES (?, ?)",
        [(story_id, q) for q in question_ids],
    )


def _tags(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text)
    except ValueError:
        return ()  # a damaged tag list must not hide the story
    return tuple(t for t in value if isinstance(t, str)) if isinstance(value, list) else ()


def _story(row: sqlite3.Row, question_ids: list[str]) -> Story:
    return Story(
        title=row["title"],
        situation=row["situation"],
        task=row["task"],
        action=row["action"],
        result=row["result"],
        tags=_tags(row["tags_json"]),
        question_ids=tuple(question_ids),
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _missing(story_id: int) -> StoryNotFoundError:
    return StoryNotFoundError(f"Story {story_id} is no longer in your story bank.")
