"""The history of takes: one SQLite row per take, its audio file beside the database.

A take's row is written *before* recording starts (status 'recording'), so a crash always leaves
a trace; `unfinished()` finds those rows on the next start so they can be offered back.
Reports are stored as the JSON dict from `voicecoach.report.to_json`; this module never looks
inside them (apart from one migration step) and does not import `Report`.

One connection shared by all threads behind a lock, in WAL mode. Every failure surfaces as a
`StorageError` (or a subclass) with the database path in its message.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from voicecoach.domain import StorageError
from voicecoach.store import migrations
from voicecoach.store.migrations import SCHEMA_VERSION

log = logging.getLogger(__name__)

TakeStatus = Literal["recording", "recorded", "analysed", "failed"]
UNFINISHED: tuple[TakeStatus, ...] = ("recording", "recorded")

# Columns every version has; a versioned database without them is not one of ours.
_CORE_COLUMNS = frozenset(
    {"id", "created_at", "question_id", "audio_path", "status", "report_json"}
)
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class SchemaTooNewError(StorageError):
    """The history database was written by a newer VoiceCoach; it is left untouched."""


class TakeNotFoundError(StorageError):
    """No take with that id (it may have been deleted)."""


@dataclass(frozen=True)
class TakeRecord:
    id: int
    created_at: datetime  # timezone-aware, UTC
    question_id: str
    pack: str
    question_text: str
    audio_path: Path  # absolute
    duration_s: float | None
    status: TakeStatus
    error: str | None
    report_json: dict[str, Any] | None  # rebuild with voicecoach.report.report_from_json
    corrections: dict[str, Any] | None  # section boundaries the user dragged
    model: str


class History:
    """Takes in the SQLite database at `db_path` (created, checked and migrated on open).

    After opening, `recovered_from_corruption` is the path the unreadable old database was moved
    to (never deleted), or None; `migrated_from` is the schema version upgraded from, or None.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.recovered_from_corruption: Path | None = None
        self.migrated_from: int | None = None
        self._lock = threading.RLock()
        self._conn = self._open()

    # --- writes ------------------------------------------------------------------------------

    def start_take(
        self,
        question_id: str,
        pack: str,
        question_text: str,
        audio_path: Path,
        *,
        created_at: datetime | None = None,
    ) -> int:
        """Record that a take is starting (call before the microphone opens); its new id."""
        when = (created_at or datetime.now(UTC)).astimezone(UTC)
        with self._tx("start a new take") as conn:
            cur = conn.execute(
                "INSERT INTO takes (created_at, question_id, pack, question_text, audio_path,"
                " status) VALUES (?, ?, ?, ?, ?, 'recording')",
                (
                    when.isoformat(timespec="milliseconds"),
                    question_id,
                    pack,
                    question_text,
                    self._encode_path(Path(audio_path)),
                ),
            )
            take_id = cur.lastrowid
        assert take_id is not None
        return take_id

    def finish_recording(self, take_id: int, duration_s: float) -> None:
        self._update(
            take_id,
            "save the finished recording",
            "UPDATE takes SET status = 'recorded', duration_s = ? WHERE id = ?",
            (float(duration_s), take_id),
        )

    def save_report(self, take_id: int, report_json: dict[str, Any], model: str) -> None:
        """Store the analysis (`to_json(report)`); the take becomes 'analysed'."""
        self._update(
            take_id,
            "save the analysis",
            "UPDATE takes SET status = 'analysed', report_json = ?, model = ?, error = NULL"
            " WHERE id = ?",
            (json.dumps(report_json, ensure_ascii=False), model, take_id),
        )

    def mark_failed(self, take_id: int, error: str) -> None:
        self._update(
            take_id,
            "mark the take as failed",
            "UPDATE takes SET status = 'failed', error = ? WHERE id = ?",
            (error, take_id),
        )

    def save_corrections(self, take_id: int, corrections: dict[str, Any] | None) -> None:
        """Store the user's section-boundary corrections (None clears them)."""
        text = None if corrections is None else json.dumps(corrections, ensure_ascii=False)
        self._update(
            take_id,
            "save your section corrections",
            "UPDATE takes SET corrections_json = ? WHERE id = ?",
            (text, take_id),
        )

    def delete(self, take_id: int, remove_audio: bool = True) -> None:
        """Remove a take; with `remove_audio`, also its recording if VoiceCoach made it.

        Audio outside the data folder (an imported file) is the user's own and is never removed.
        """
        record = self.get(take_id)
        self._update(take_id, "delete the take", "DELETE FROM takes WHERE id = ?", (take_id,))
        if not remove_audio:
            return
        if not self._is_ours(record.audio_path):
            log.info("Keeping %s: it is outside the VoiceCoach data folder", record.audio_path)
            return
        try:
            record.audio_path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(
                f"The take was removed from history, but its recording {record.audio_path} "
                f"could not be deleted ({exc.strerror or exc}). You can delete the file by hand."
            ) from exc

    # --- reads -------------------------------------------------------------------------------

    def get(self, take_id: int) -> TakeRecord:
        rows = self._select("WHERE id = ?", (take_id,))
        if not rows:
            raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")
        return rows[0]

    def list(
        self, question_id: str | None = None, pack: str | None = None, limit: int | None = None
    ) -> list[TakeRecord]:
        """Takes, newest first, optionally only one question's or one pack's."""
        where, params = [], []
        if question_id is not None:
            where.append("question_id = ?")
            params.append(question_id)
        if pack is not None:
            where.append("pack = ?")
            params.append(pack)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._select(clause, tuple(params), limit)

    def takes_for_question(self, question_id: str, limit: int | None = None) -> list[TakeRecord]:
        """Analysed takes of one question, newest first: the ones that can be compared.

        A mock interview's follow-up answers are left out: they carry their question's id but
        answer another prompt, timed on another target.
        """
        return self._select(
            "WHERE question_id = ? AND status = 'analysed' AND kind != 'follow_up'",
            (question_id,),
            limit,
        )

    def list_figures(self) -> list[TakeRecord]:
        """Analysed takes, newest first, each report without its words, sentences, transcript
        text, pauses and voiced gaps (SQLite drops them, so a long history is not parsed in
        Python): enough for figures over the whole history (`report.take_figures`), not for a
        review. A take with corrections keeps its whole report (they are applied to sentences).
        Follow-up answers of a mock interview are left out (see `takes_for_question`).
        """
        slim = (
            "CASE WHEN corrections_json IS NULL THEN json_remove(report_json, '$.words',"
            " '$.sentences', '$.transcript', '$.pauses', '$.voiced_gaps') ELSE report_json END"
        )
        sql = (
            f"SELECT id, created_at, question_id, pack, question_text, audio_path, duration_s,"
            f" status, error, {slim} AS report_json, corrections_json, model FROM takes"
            " WHERE status = 'analysed' AND kind != 'follow_up' ORDER BY created_at DESC, id DESC"
        )
        try:
            with self._lock:
                rows = self._conn.execute(sql).fetchall()
        except sqlite3.OperationalError:
            # a damaged report makes json_remove fail the whole query: read them all in Python
            # (each unreadable one is logged and left without a report, as `list` does)
            return self._select("WHERE status = 'analysed' AND kind != 'follow_up'", ())
        except sqlite3.Error as exc:
            raise StorageError(
                f"Could not read the history database {self.db_path} ({exc})."
            ) from exc
        out = []
        for r in rows:
            rec = self._record(r)
            if rec.report_json is not None and r["corrections_json"] is None:
                rec.report_json.update(words=[], pauses=[], transcript="")
            out.append(rec)
        return out

    def unfinished(self) -> list[TakeRecord]:
        """Takes a crash left 'recording' or 'recorded' whose audio survives, newest first.

        Call once at start-up, before recording anything. Takes whose audio is missing or empty
        are marked 'failed' with the reason (kept, so the user can see what happened).
        """
        marks = ",".join("?" * len(UNFINISHED))
        found = self._select(f"WHERE status IN ({marks})", UNFINISHED)
        out: list[TakeRecord] = []
        for record in found:
            problem = _audio_problem(record.audio_path)
            if problem is None:
                out.append(record)
                continue
            log.warning("Unfinished take %d cannot be recovered: %s", record.id, problem)
            with self._tx("mark the take as failed") as conn:
                conn.execute(
                    f"UPDATE takes SET status = 'failed', error = ? "
                    f"WHERE id = ? AND status IN ({marks})",
                    (problem, record.id, *UNFINISHED),
                )
        return out

    # --- hooks for store modules that keep their own tables here (store/interviews.py) -------

    def transaction(self, what: str) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on this connection; a failure is a StorageError naming `what`."""
        return self._tx(what)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """The rows of one read-only statement on this connection."""
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(
                f"Could not read the history database {self.db_path} ({exc})."
            ) from exc

    def takes_where(self, clause: str, params: tuple[Any, ...] = ()) -> list[TakeRecord]:
        """Takes matching an SQL `WHERE ...` clause, newest first."""
        return self._select(clause, params)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ----------------------------------------------------------------------------

    def _tx(self, what: str) -> AbstractContextManager[sqlite3.Connection]:
        return locked_transaction(self._conn, self._lock, self.db_path, what)

    def _update(self, take_id: int, what: str, sql: str, params: tuple[Any, ...]) -> None:
        with self._tx(what) as conn:
            if conn.execute(sql, params).rowcount == 0:
                raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")

    def _select(
        self, clause: str, params: tuple[Any, ...], limit: int | None = None
    ) -> list[TakeRecord]:
        sql = f"SELECT * FROM takes {clause} ORDER BY created_at DESC, id DESC LIMIT ?"
        try:
            with self._lock:
                rows = self._conn.execute(sql, (*params, -1 if limit is None else limit)).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(
                f"Could not read the history database {self.db_path} ({exc})."
            ) from exc
        return [self._record(r) for r in rows]

    def _record(self, row: sqlite3.Row) -> TakeRecord:
        return TakeRecord(
            id=row["id"],
            created_at=datetime.fromisoformat(row["created_at"]),
            question_id=row["question_id"],
            pack=row["pack"],
            question_text=row["question_text"],
            audio_path=self._decode_path(row["audio_path"]),
            duration_s=row["duration_s"],
            status=row["status"],
            error=row["error"],
            report_json=_load_json(row["report_json"], row["id"], "report"),
            corrections=_load_json(row["corrections_json"], row["id"], "corrections"),
            model=row["model"],
        )

    # Audio inside the data folder is stored relative to it, so the folder can be moved.
    def _encode_path(self, path: Path) -> str:
        path = path.resolve()
        try:
            return path.relative_to(self.db_path.parent.resolve()).as_posix()
        except ValueError:
            return str(path)

    def _decode_path(self, text: str) -> Path:
        path = Path(text)
        return path if path.is_absolute() else self.db_path.parent / path

    def _is_ours(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.db_path.parent.resolve())

    # --- opening: check, recover, create, migrate --------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"Cannot create the folder for the history database {self.db_path.parent} "
                f"({exc.strerror or exc})."
            ) from exc
        conn = self._connect()
        try:
            problem = self._check(conn)
        except BaseException:
            conn.close()
            raise
        if problem is not None:
            conn.close()
            self.recovered_from_corruption = self._move_aside(problem)
            conn = self._connect()
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.db_path, timeout=5.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise self._cannot_open(exc) from exc
        conn.row_factory = sqlite3.Row
        return conn

    def _cannot_open(self, exc: sqlite3.Error) -> StorageError:
        return StorageError(
            f"Cannot open the history database {self.db_path} ({exc}). Check that the file is "
            "readable and writable by you and that VoiceCoach is not already running."
        )

    def _check(self, conn: sqlite3.Connection) -> str | None:
        """Why the database is unusable (to move it aside), or None. Reads only, writes nothing."""
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(
                    f"The history database {self.db_path} was written by a newer version of "
                    f"VoiceCoach (schema {version}; this version knows up to {SCHEMA_VERSION}). "
                    "Update VoiceCoach to open it. The file has not been changed."
                )
            result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if result != ["ok"]:
                return "integrity check failed: " + "; ".join(result[:3])
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            } - {"sqlite_sequence"}
            if version == 0:
                return (
                    f"unknown tables {sorted(tables)} without a schema version" if tables else None
                )
            columns = {r[1] for r in conn.execute("PRAGMA table_info(takes)")}
            if not _CORE_COLUMNS <= columns:
                return f"schema {version} but takes has columns {sorted(columns)}"
            return None
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorcode & 0xFF in _CORRUPT_CODES:
                return f"{exc.sqlite_errorname}: {exc}"
            raise self._cannot_open(exc) from exc

    def _move_aside(self, problem: str) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.db_path.with_name(f"{self.db_path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.db_path.with_name(f"{self.db_path.name}.corrupt-{stamp}-{n}")
        try:
            self.db_path.rename(target)
            # The WAL may hold the newest data: keep it paired with the moved file.
            for suffix in ("-wal", "-shm"):
                side = Path(f"{self.db_path}{suffix}")
                if side.exists():
                    side.rename(Path(f"{target}{suffix}"))
        except OSError as exc:
            raise StorageError(
                f"The history database {self.db_path} is damaged ({problem}) and could not be "
                f"moved aside ({exc.strerror or exc}). Move or rename it by hand, then restart."
            ) from exc
        log.error(
            "History database %s is damaged (%s); moved it to %s and started a new one",
            self.db_path,
            problem,
            target,
        )
        return target

    def _prepare(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise self._cannot_open(exc) from exc
        if 0 < version < SCHEMA_VERSION:
            self._backup(conn, version)
        if version < SCHEMA_VERSION:
            self._upgrade(conn)

    def _backup(self, conn: sqlite3.Connection, version: int) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.db_path.with_name(f"{self.db_path.name}.v{version}-backup-{stamp}")
        try:
            with sqlite3.connect(target) as dst:
                conn.backup(dst)
            dst.close()
        except sqlite3.Error as exc:
            raise StorageError(
                f"Cannot back up the history database before upgrading it: {target} ({exc}). "
                "Check free disk space."
            ) from exc
        log.info("Backed up history schema %d to %s before upgrading", version, target)

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        """Create the schema or migrate it step by step, all in one transaction."""
        version = start = 0
        try:
            conn.execute("BEGIN IMMEDIATE")
            # Re-read inside the lock: another process may have upgraded it meanwhile.
            version = start = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _statements(migrations.schema_sql()):
                    conn.execute(statement)
            else:
                while version < SCHEMA_VERSION:
                    migrations.MIGRATIONS[version](conn)
                    version += 1
                    conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except Exception as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StorageError(
                f"Could not set up the history database {self.db_path} at schema version "
                f"{version} ({type(exc).__name__}: {exc}). It has been left as it was."
            ) from exc
        if start:
            self.migrated_from = start
            log.info("Upgraded history database from schema %d to %d", start, SCHEMA_VERSION)


@contextmanager
def locked_transaction(
    conn: sqlite3.Connection, lock: threading.RLock, db_path: Path, what: str
) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` … `COMMIT` on `conn` under `lock`, rolled back on any error; an SQLite
    failure is a StorageError naming `what` and the database (History and StoryStore)."""
    with lock:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(
                f"Could not {what} in the history database {db_path} ({exc}). "
                "Check that the disk is not full and that no other program has the file open."
            ) from exc


def _statements(script: str) -> Iterator[str]:
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise ValueError(f"Incomplete SQL statement at the end of schema.sql: {buf!r}")


def _load_json(text: str | None, take_id: int, what: str) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        # One damaged row must not hide the rest of the history.
        log.error("Take %d has an unreadable %s; showing it without one", take_id, what)
        return None


def _audio_problem(path: Path) -> str | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return f"The recording {path} is missing, so this take cannot be analysed."
    except OSError as exc:
        return f"The recording {path} cannot be read ({exc.strerror or exc})."
    if size == 0:
        return f"The recording {path} is empty: the app stopped before any audio was saved."
    return None
