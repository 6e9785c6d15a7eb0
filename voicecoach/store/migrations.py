"""Schema versions of the history database (`PRAGMA user_version`) and the steps between them.

A fresh database is made from `schema.sql` (always the current version). An older one is first
copied aside (`history.db.v1-backup-<time>`), then moved forward one step at a time, all steps
in one transaction, so a failed step leaves the database exactly as it was. Steps only add:
never drop a user's data.

History of versions:
  1  takes(id, created_at, question_id, audio_path, status, report_json)
  2  + pack, question_text, duration_s, error, corrections_json, model; indexes
  3  + takes.interview_id, interview_pos, kind, thinking_s, story_id; tables interviews,
     stories, story_questions (mock interviews and the story bank)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

SCHEMA_VERSION = 3

Step = Callable[[sqlite3.Connection], None]


def schema_sql() -> str:
    return resources.files("voicecoach.store").joinpath("schema.sql").read_text(encoding="utf-8")


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    for column in (
        "pack TEXT NOT NULL DEFAULT ''",
        "question_text TEXT NOT NULL DEFAULT ''",
        "duration_s REAL",
        "error TEXT",
        "corrections_json TEXT",
        "model TEXT NOT NULL DEFAULT ''",
    ):
        conn.execute(f"ALTER TABLE takes ADD COLUMN {column}")
    # v1 kept duration and model only inside the report; lift them into their columns.
    conn.execute(
        """
        UPDATE takes SET
            duration_s = json_extract(report_json, '$.audio.duration_s'),
            model = coalesce(json_extract(report_json, '$.model'), '')
        WHERE report_json IS NOT NULL AND json_valid(report_json)
        """
    )
    conn.execute("CREATE INDEX takes_question ON takes (question_id, created_at)")
    conn.execute("CREATE INDEX takes_created ON takes (created_at)")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    for column in (
        "interview_id INTEGER",
        "interview_pos INTEGER",
        "kind TEXT NOT NULL DEFAULT 'answer'",
        "thinking_s REAL",
        "story_id INTEGER",
    ):
        conn.execute(f"ALTER TABLE takes ADD COLUMN {column}")
    conn.execute("CREATE INDEX takes_interview ON takes (interview_id, interview_pos)")
    # The new tables are exactly as schema.sql makes them for a fresh database.
    sql = schema_sql()
    for table in ("interviews", "stories", "story_questions"):
        start = sql.index(f"CREATE TABLE {table} (")
        conn.execute(sql[start : sql.index(");", start) + 2])


# MIGRATIONS[n] moves a database from version n to n + 1.
MIGRATIONS: dict[int, Step] = {1: _v1_to_v2, 2: _v2_to_v3}
