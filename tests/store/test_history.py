"""Take history: lifecycle, queries, crash recovery, migrations, corruption, threads."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from voicecoach.domain import StorageError
from voicecoach.store import migrations
from voicecoach.store.history import History, SchemaTooNewError, TakeNotFoundError
from voicecoach.store.migrations import SCHEMA_VERSION

V1_SCHEMA = """
CREATE TABLE takes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question_id TEXT NOT NULL,
    audio_path TEXT NOT NULL,
    status TEXT NOT NULL,
    report_json TEXT
);
PRAGMA user_version = 1;
"""

REPORT = {"audio": {"duration_s": 92.5}, "model": "tiny.en", "words": [{"text": "I"}]}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    (d / "recordings").mkdir(parents=True)
    return d


def _wav(data: Path, name: str, content: bytes = b"RIFF....WAVE") -> Path:
    path = data / "recordings" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _columns(db: Path, table: str = "takes") -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return {r[1]: r[2] for r in conn.execute(f"PRAGMA table_info({table})")}


def _schema(db: Path) -> dict[str, dict[str, str]]:
    """Every table's columns and every index's name: what a migration must reproduce."""
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        indexes = sorted(
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        )
    tables = {t: _columns(db, t) for t in names if t != "sqlite_sequence"}
    return {**tables, "indexes": dict.fromkeys(indexes, "")}


def _version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def test_take_lifecycle(data: Path) -> None:
    """A take goes recording -> recorded -> analysed, keeping every field it was given."""
    h = History(data / "history.db")
    audio = _wav(data, "a.wav")
    take = h.start_take("core-01", "core", "Tell me about a conflict.", audio)
    rec = h.get(take)
    assert (rec.status, rec.question_id, rec.pack) == ("recording", "core-01", "core")
    assert rec.question_text == "Tell me about a conflict."
    assert rec.audio_path == audio and rec.report_json is None and rec.duration_s is None
    assert rec.created_at.tzinfo is not None
    assert abs(rec.created_at - datetime.now(UTC)) < timedelta(minutes=1)

    h.finish_recording(take, 92.5)
    assert (h.get(take).status, h.get(take).duration_s) == ("recorded", 92.5)

    h.save_report(take, REPORT, "tiny.en")
    rec = h.get(take)
    assert (rec.status, rec.model, rec.report_json) == ("analysed", "tiny.en", REPORT)

    h.save_corrections(take, {"task": 14.2, "action": 31.0})
    assert h.get(take).corrections == {"task": 14.2, "action": 31.0}
    h.save_corrections(take, None)
    assert h.get(take).corrections is None


def test_failed_take_keeps_error(data: Path) -> None:
    """A failed analysis is kept with its reason; re-analysing it later clears the error."""
    h = History(data / "history.db")
    take = h.start_take("q", "p", "Q?", _wav(data, "a.wav"))
    h.mark_failed(take, "No speech found in the recording.")
    rec = h.get(take)
    assert (rec.status, rec.error) == ("failed", "No speech found in the recording.")
    h.save_report(take, REPORT, "tiny.en")
    assert (h.get(take).status, h.get(take).error) == ("analysed", None)


def test_unknown_take_raises(data: Path) -> None:
    """Updating or reading a take that does not exist is an error, not a silent no-op."""
    h = History(data / "history.db")
    with pytest.raises(TakeNotFoundError):
        h.get(42)
    with pytest.raises(TakeNotFoundError):
        h.save_report(42, REPORT, "m")
    with pytest.raises(TakeNotFoundError):
        h.delete(42)


def test_report_round_trips_through_json(data: Path) -> None:
    """Unicode, floats, nulls and nesting in a report dict come back exactly."""
    h = History(data / "history.db")
    take = h.start_take("q", "p", "Q?", _wav(data, "a.wav"))
    report = {"t": "naïve café — “quoted”", "x": 0.1 + 0.2, "n": None, "l": [{"a": [1, 2.5]}]}
    h.save_report(take, report, "m")
    assert History(data / "history.db").get(take).report_json == report


def test_list_order_and_filters(data: Path) -> None:
    """list() is newest first by creation time (not insert order) and filters by question/pack."""
    h = History(data / "history.db")
    t0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    specs = [("q1", "core", 2), ("q2", "core", 0), ("q1", "lead", 3), ("q1", "core", 1)]
    ids = {}
    for i, (q, pack, minutes) in enumerate(specs):
        audio = _wav(data, f"{i}.wav")
        ids[i] = h.start_take(q, pack, "?", audio, created_at=t0 + timedelta(minutes=minutes))
    assert [r.id for r in h.list()] == [ids[2], ids[0], ids[3], ids[1]]
    assert [r.id for r in h.list(question_id="q1")] == [ids[2], ids[0], ids[3]]
    assert [r.id for r in h.list(pack="core")] == [ids[0], ids[3], ids[1]]
    assert [r.id for r in h.list(question_id="q1", pack="core")] == [ids[0], ids[3]]
    assert [r.id for r in h.list(limit=2)] == [ids[2], ids[0]]
    assert h.list(question_id="nope") == []


def test_takes_for_question_only_analysed(data: Path) -> None:
    """Side-by-side comparison gets only analysed takes of that question, newest first."""
    h = History(data / "history.db")
    a = h.start_take("q1", "p", "?", _wav(data, "a.wav"))
    b = h.start_take("q1", "p", "?", _wav(data, "b.wav"))
    c = h.start_take("q1", "p", "?", _wav(data, "c.wav"))
    other = h.start_take("q2", "p", "?", _wav(data, "d.wav"))
    for t in (a, c, other):
        h.save_report(t, REPORT, "m")
    h.mark_failed(b, "boom")
    assert [r.id for r in h.takes_for_question("q1")] == [c, a]


def test_delete_removes_audio(data: Path) -> None:
    """Deleting a take removes its row and the recording VoiceCoach made."""
    h = History(data / "history.db")
    audio = _wav(data, "a.wav")
    take = h.start_take("q", "p", "?", audio)
    h.delete(take)
    assert not audio.exists()
    with pytest.raises(TakeNotFoundError):
        h.get(take)


def test_delete_can_keep_audio(data: Path) -> None:
    """delete(remove_audio=False) forgets the take but leaves the file."""
    h = History(data / "history.db")
    audio = _wav(data, "a.wav")
    take = h.start_take("q", "p", "?", audio)
    h.delete(take, remove_audio=False)
    assert audio.exists()
    assert h.list() == []


def test_delete_never_removes_imported_audio(data: Path, tmp_path: Path) -> None:
    """A user's own file analysed from elsewhere is never deleted along with its take."""
    h = History(data / "history.db")
    theirs = tmp_path / "Desktop" / "my answer.wav"
    theirs.parent.mkdir()
    theirs.write_bytes(b"RIFF")
    take = h.start_take("q", "p", "?", theirs)
    assert h.get(take).audio_path == theirs
    h.delete(take)
    assert theirs.exists()


def test_data_folder_can_move(tmp_path: Path) -> None:
    """Audio paths are stored relative to the data folder, so moving the folder keeps them."""
    old = tmp_path / "old"
    (old / "recordings").mkdir(parents=True)
    with History(old / "history.db") as h:
        take = h.start_take("q", "p", "?", _wav(old, "a.wav"))
    new = tmp_path / "new"
    old.rename(new)
    assert History(new / "history.db").get(take).audio_path == new / "recordings" / "a.wav"


def test_unfinished_after_crash(data: Path) -> None:
    """Takes a crash left mid-recording or unanalysed are offered back on the next start."""
    h = History(data / "history.db")
    rec_a = h.start_take("q", "p", "?", _wav(data, "a.wav"))  # crashed while recording
    rec_b = h.start_take("q", "p", "?", _wav(data, "b.wav"))  # crashed before analysis
    h.finish_recording(rec_b, 30.0)
    done = h.start_take("q", "p", "?", _wav(data, "c.wav"))
    h.save_report(done, REPORT, "m")
    del h  # no close(): as if the process died

    again = History(data / "history.db")
    found = again.unfinished()
    assert {r.id: r.status for r in found} == {rec_a: "recording", rec_b: "recorded"}
    # offering them back changes nothing until the user acts
    assert {r.id for r in again.unfinished()} == {rec_a, rec_b}


def test_unfinished_with_missing_audio_marked_failed(data: Path) -> None:
    """A crashed take whose audio is gone or empty is marked failed with a reason, not dropped."""
    h = History(data / "history.db")
    gone = h.start_take("q", "p", "?", data / "recordings" / "gone.wav")
    empty = h.start_take("q", "p", "?", _wav(data, "empty.wav", b""))
    assert h.unfinished() == []
    assert h.get(gone).status == "failed" and "missing" in (h.get(gone).error or "")
    assert h.get(empty).status == "failed" and "empty" in (h.get(empty).error or "")
    assert len(h.list()) == 2


def test_fresh_database_is_current_and_wal(data: Path) -> None:
    """A new database gets the current schema version and WAL journaling."""
    db = data / "history.db"
    History(db)
    assert _version(db) == SCHEMA_VERSION
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _make_v1(db: Path, data: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.executescript(V1_SCHEMA)
        conn.execute(
            "INSERT INTO takes (created_at, question_id, audio_path, status, report_json) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                "2026-01-05T10:00:00.000+00:00",
                "old-q",
                "recordings/old.wav",
                "analysed",
                '{"audio": {"duration_s": 61.0}, "model": "base.en"}',
            ),
        )
        conn.execute(
            "INSERT INTO takes (created_at, question_id, audio_path, status, report_json) "
            "VALUES (?, ?, ?, ?, ?)",
            ("2026-01-06T10:00:00.000+00:00", "old-q", "recordings/old2.wav", "recording", None),
        )
    conn.close()
    _wav(data, "old.wav")
    _wav(data, "old2.wav")


def test_migration_from_v1_preserves_data(data: Path) -> None:
    """A v1 database is upgraded in place: rows kept, new columns filled, a backup left beside."""
    db = data / "history.db"
    _make_v1(db, data)
    h = History(db)
    assert h.migrated_from == 1 and _version(db) == SCHEMA_VERSION
    old, crashed = sorted(h.list(), key=lambda r: r.id)
    assert (old.question_id, old.status, old.audio_path) == (
        "old-q",
        "analysed",
        data / "recordings" / "old.wav",
    )
    assert old.report_json == {"audio": {"duration_s": 61.0}, "model": "base.en"}
    assert (old.duration_s, old.model, old.pack, old.corrections) == (61.0, "base.en", "", None)
    assert [r.id for r in h.unfinished()] == [crashed.id]
    h.save_corrections(old.id, {"task": 3.0})  # new columns are writable
    backups = list(data.glob("history.db.v1-backup-*"))
    assert len(backups) == 1 and _version(backups[0]) == 1


def test_migrated_schema_matches_fresh_schema(tmp_path: Path) -> None:
    """Migrating v1 and creating fresh give the same tables, columns and indexes."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _make_v1(tmp_path / "a" / "history.db", tmp_path / "a")
    History(tmp_path / "a" / "history.db")
    History(tmp_path / "b" / "history.db")
    migrated, fresh = _schema(tmp_path / "a" / "history.db"), _schema(tmp_path / "b" / "history.db")
    assert {"interviews", "stories", "story_questions"} <= set(fresh)
    assert migrated == fresh


def test_failed_migration_leaves_database_unchanged(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration step that fails rolls back completely and says so."""

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE takes ADD COLUMN half_done TEXT")
        raise RuntimeError("step failed")

    monkeypatch.setitem(migrations.MIGRATIONS, 1, broken)
    db = data / "history.db"
    _make_v1(db, data)
    before = _columns(db)
    with pytest.raises(StorageError, match="left as it was"):
        History(db)
    assert _version(db) == 1 and _columns(db) == before


def test_newer_schema_is_refused_untouched(data: Path) -> None:
    """A database from a newer VoiceCoach raises a clear error and is not modified."""
    db = data / "history.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE takes (id INTEGER PRIMARY KEY, future TEXT)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNewError, match="newer version of VoiceCoach"):
        History(db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in data.iterdir()) == ["history.db", "recordings"]


def test_not_a_database_is_moved_aside(data: Path) -> None:
    """A file that is not SQLite is kept as history.db.corrupt-*, and a fresh history works."""
    db = data / "history.db"
    junk = b"this is not a database\n" * 200
    db.write_bytes(junk)
    h = History(db)
    moved = h.recovered_from_corruption
    assert moved is not None and moved.name.startswith("history.db.corrupt-")
    assert moved.read_bytes() == junk
    take = h.start_take("q", "p", "?", _wav(data, "a.wav"))
    assert [r.id for r in h.list()] == [take]
    assert History(db).recovered_from_corruption is None


def test_damaged_pages_are_moved_aside(data: Path) -> None:
    """A SQLite file with damaged pages (fails integrity_check) is moved aside, not used."""
    db = data / "history.db"
    with History(db) as h:
        for i in range(200):
            t = h.start_take(f"q{i}", "p", "x" * 500, data / "recordings" / f"{i}.wav")
            h.save_report(t, {"text": "y" * 2000}, "m")
    with sqlite3.connect(db) as conn:  # fold the WAL into the main file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    raw = bytearray(db.read_bytes())
    page = 4096
    for p in range(2, len(raw) // page, 3):  # scribble over every third page's header
        raw[p * page : p * page + 64] = b"\xa5" * 64
    db.write_bytes(bytes(raw))
    h = History(db)
    assert h.recovered_from_corruption is not None
    assert h.recovered_from_corruption.read_bytes() == bytes(raw)
    assert h.list() == []


def test_unknown_tables_without_version_are_moved_aside(data: Path) -> None:
    """Some other program's database in our place is kept aside, not mixed with our tables."""
    db = data / "history.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    h = History(db)
    assert h.recovered_from_corruption is not None
    with sqlite3.connect(h.recovered_from_corruption) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    conn.close()


def test_concurrent_writes_from_two_threads(data: Path) -> None:
    """Two threads writing through one History lose no takes and never clash."""
    h = History(data / "history.db")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(tag: str) -> None:
        try:
            start.wait()
            for i in range(100):
                t = h.start_take(tag, "p", "?", data / "recordings" / f"{tag}{i}.wav")
                h.finish_recording(t, float(i))
                h.save_report(t, {"i": i, "tag": tag}, "m")
                h.list(question_id=tag, limit=5)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(tag,)) for tag in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for tag in ("a", "b"):
        recs = h.list(question_id=tag)
        assert len(recs) == 100
        assert {r.report_json["i"] for r in recs if r.report_json} == set(range(100))
        assert all(r.status == "analysed" for r in recs)


def test_two_connections_write_concurrently(data: Path) -> None:
    """Two History objects on the same file (e.g. a second window) wait for each other."""
    db = data / "history.db"
    first, second = History(db), History(db)
    errors: list[BaseException] = []

    def work(h: History, tag: str) -> None:
        try:
            for i in range(50):
                h.start_take(tag, "p", "?", data / "recordings" / f"{tag}{i}.wav")
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(first, "a")),
        threading.Thread(target=work, args=(second, "b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(first.list()) == 100
