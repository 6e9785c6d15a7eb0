"""Mock interviews in the history database: table `interviews` and the takes attached to a run.

A run's row is written when the run starts (status 'running'); each answer and follow-up is an
ordinary take (`History.start_take` before its microphone opens, so the audio is written while
recording, exactly as for single takes) attached to the run by `interview_id`,
`interview_pos` (0-based question number) and `kind` ('answer' or 'follow_up'). A crash
therefore loses at most the answer in progress: on the next start `unfinished()` lists the runs
still 'running' with the takes they have, and `History.unfinished()` offers back the take that
was being recorded.

This module works with plain dicts (`voicecoach.interview` builds and reads them) and goes
through `History`'s own connection and transactions; it opens no database itself.

    store = InterviewStore(history)
    run_id = store.start(plan.to_json())                      # InterviewPlan.to_json()
    take_id = store.start_take(run_id, 0, "answer", question, audio_path)
    history.finish_recording(take_id, 93.2); history.save_report(take_id, to_json(r), model)
    store.set_thinking(take_id, 2.4)
    store.finish(run_id, summary.to_json())                   # or ended_early=True
    store.list(); store.get(run_id); store.delete(run_id); store.unfinished()
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from voicecoach.domain import Question, StorageError
from voicecoach.store.history import History, TakeNotFoundError, TakeRecord

log = logging.getLogger(__name__)

InterviewStatus = Literal["running", "finished", "ended_early"]
TakeKind = Literal["answer", "follow_up"]
KINDS: tuple[str, ...] = ("answer", "follow_up")


class InterviewNotFoundError(StorageError):
    """No interview with that id (it may have been deleted)."""


@dataclass(frozen=True)
class InterviewRecord:
    id: int
    created_at: datetime  # timezone-aware, UTC
    pack: str
    topics: tuple[str, ...]  # () means mixed
    plan: dict[str, Any]  # as given to `start` (InterviewPlan.to_json(): pack, topics, items...)
    settings: dict[str, Any]
    status: InterviewStatus
    summary: dict[str, Any] | None  # InterviewSummary.to_json() once finished


@dataclass(frozen=True)
class InterviewTake:
    position: int
    kind: TakeKind
    thinking_s: float | None
    take: TakeRecord


@dataclass(frozen=True)
class InterviewRun:
    record: InterviewRecord
    takes: tuple[InterviewTake, ...]  # by position, the answer before its follow-up

    def done(self) -> set[tuple[int, str]]:
        """(position, kind) of the takes already analysed: what a resumed run can skip."""
        return {(t.position, t.kind) for t in self.takes if t.take.status == "analysed"}


class InterviewStore:
    """Runs of the mock interview, on the database `history` has open."""

    def __init__(self, history: History) -> None:
        self.history = history

    # --- writes ------------------------------------------------------------------------------

    def start(
        self,
        plan: Mapping[str, Any],
        settings: Mapping[str, Any] | None = None,
        *,
        created_at: datetime | None = None,
    ) -> int:
        """Record that a run is starting (before its first question is asked); its new id.

        `plan` is `InterviewPlan.to_json()`; its `pack` and `topics` fill their own columns.
        """
        when = (created_at or datetime.now(UTC)).astimezone(UTC)
        with self.history.transaction("start the interview") as conn:
            cur = conn.execute(
                "INSERT INTO interviews (created_at, pack, topics_json, plan_json, settings_json,"
                " status) VALUES (?, ?, ?, ?, ?, 'running')",
                (
                    when.isoformat(timespec="milliseconds"),
                    plan.get("pack") or "",
                    _dump(list(plan.get("topics", []))),
                    _dump(dict(plan)),
                    _dump(dict(settings or {})),
                ),
            )
            run_id = cur.lastrowid
        assert run_id is not None
        return run_id

    def start_take(
        self,
        interview_id: int,
        position: int,
        kind: TakeKind,
        question: Question,
        audio_path: Path,
        *,
        prompt: str | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """A new take (status 'recording', as `History.start_take`) already attached to the run.

        `prompt` is what was asked when it is not the question's prompt (a follow-up).
        """
        self._check_running(interview_id)
        take_id = self.history.start_take(
            question.id,
            question.pack,
            prompt or question.prompt,
            audio_path,
            created_at=created_at,
        )
        self.attach(take_id, interview_id, position, kind)
        return take_id

    def attach(self, take_id: int, interview_id: int, position: int, kind: TakeKind) -> None:
        """Make an existing take the run's answer (or follow-up) at `position` (0-based)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self._check_running(interview_id)
        with self.history.transaction("add the answer to the interview") as conn:
            n = conn.execute(
                "UPDATE takes SET interview_id = ?, interview_pos = ?, kind = ? WHERE id = ?",
                (interview_id, position, kind, take_id),
            ).rowcount
            if n == 0:
                raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")

    def set_thinking(self, take_id: int, thinking_s: float) -> None:
        """Store the thinking time measured before the answer's first word."""
        with self.history.transaction("save the thinking time") as conn:
            n = conn.execute(
                "UPDATE takes SET thinking_s = ? WHERE id = ?", (float(thinking_s), take_id)
            ).rowcount
            if n == 0:
                raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")

    def finish(
        self, interview_id: int, summary: Mapping[str, Any], *, ended_early: bool = False
    ) -> None:
        """Close the run with its summary (`InterviewSummary.to_json()`)."""
        status = "ended_early" if ended_early else "finished"
        with self.history.transaction("save the interview summary") as conn:
            n = conn.execute(
                "UPDATE interviews SET status = ?, summary_json = ? WHERE id = ?",
                (status, _dump(dict(summary)), interview_id),
            ).rowcount
            if n == 0:
                raise _not_found(interview_id)

    def delete(self, interview_id: int) -> None:
        """Remove the run, every take in it, and their recordings (as `History.delete` does).

        The run's row goes last, so an interrupted delete leaves a run that can be deleted again.
        A recording that cannot be removed is named in one StorageError after the rest is done.
        """
        run = self.get(interview_id)
        problems: list[str] = []
        for t in run.takes:
            try:
                self.history.delete(t.take.id)
            except TakeNotFoundError:
                pass
            except StorageError as exc:
                problems.append(str(exc))
        with self.history.transaction("delete the interview") as conn:
            conn.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))
        if problems:
            raise StorageError(" ".join(problems))

    # --- reads -------------------------------------------------------------------------------

    def get(self, interview_id: int) -> InterviewRun:
        rows = self.history.query("SELECT * FROM interviews WHERE id = ?", (interview_id,))
        if not rows:
            raise _not_found(interview_id)
        return self._run(_record(rows[0]))

    def list(self, limit: int | None = None) -> list[InterviewRecord]:
        """Runs, newest first (without their takes: `get` one to open it)."""
        rows = self.history.query(
            "SELECT * FROM interviews ORDER BY created_at DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [_record(r) for r in rows]

    def unfinished(self) -> list[InterviewRun]:
        """Runs a crash (or a quit) left 'running', newest first, with the takes they have."""
        rows = self.history.query(
            "SELECT * FROM interviews WHERE status = 'running' ORDER BY created_at DESC, id DESC"
        )
        return [self._run(_record(r)) for r in rows]

    def interview_of(self, take_id: int) -> tuple[int, int, TakeKind] | None:
        """(interview id, position, kind) of a take in a run, or None for a single take."""
        rows = self.history.query(
            "SELECT interview_id, interview_pos, kind FROM takes WHERE id = ?", (take_id,)
        )
        if not rows:
            raise TakeNotFoundError(f"Take {take_id} is no longer in the history.")
        r = rows[0]
        if r["interview_id"] is None:
            return None
        return r["interview_id"], r["interview_pos"], r["kind"]

    def take_kinds(self) -> dict[int, tuple[TakeKind, int | None]]:
        """Every take's kind and interview run (None for a single take), by take id."""
        rows = self.history.query("SELECT id, kind, interview_id FROM takes")
        return {r["id"]: (r["kind"], r["interview_id"]) for r in rows}

    # --- plumbing ----------------------------------------------------------------------------

    def _run(self, record: InterviewRecord) -> InterviewRun:
        extra = {
            r["id"]: r
            for r in self.history.query(
                "SELECT id, interview_pos, kind, thinking_s FROM takes WHERE interview_id = ?",
                (record.id,),
            )
        }
        takes = [
            InterviewTake(
                extra[t.id]["interview_pos"], extra[t.id]["kind"], extra[t.id]["thinking_s"], t
            )
            for t in self.history.takes_where("WHERE interview_id = ?", (record.id,))
        ]
        takes.sort(key=lambda t: (t.position, KINDS.index(t.kind), t.take.created_at, t.take.id))
        return InterviewRun(record, tuple(takes))

    def _check_running(self, interview_id: int) -> None:
        rows = self.history.query("SELECT status FROM interviews WHERE id = ?", (interview_id,))
        if not rows:
            raise _not_found(interview_id)
        if rows[0]["status"] != "running":
            raise StorageError(
                f"Interview {interview_id} is already over ({rows[0]['status']}); "
                "start a new one to answer more questions."
            )


def _record(row: Any) -> InterviewRecord:
    return InterviewRecord(
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        pack=row["pack"],
        topics=tuple(_load(row["topics_json"], row["id"], "topics", [])),
        plan=_load(row["plan_json"], row["id"], "plan", {}),
        settings=_load(row["settings_json"], row["id"], "settings", {}),
        status=row["status"],
        summary=_load(row["summary_json"], row["id"], "summary", None),
    )


def _dump(value: dict[str, Any] | Sequence[Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def _load(text: str | None, run_id: int, what: str, default: Any) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError:
        # One damaged row must not hide the rest of the history.
        log.error("Interview %d has an unreadable %s; showing it without one", run_id, what)
        return default


def _not_found(interview_id: int) -> InterviewNotFoundError:
    return InterviewNotFoundError(f"Interview {interview_id} is no longer in the history.")
