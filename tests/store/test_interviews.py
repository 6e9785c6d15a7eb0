"""Mock interviews in the history database: start, attach, finish, list, get, delete, recover."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.transcriber import words_from_text
from voicecoach.domain import StorageError, Transcript
from voicecoach.interview import (
    analyse_answer,
    plan_from_json,
    plan_interview,
    summarise,
    summary_from_json,
)
from voicecoach.packs import load_packs
from voicecoach.report import to_json
from voicecoach.settings import Settings
from voicecoach.store.history import History, TakeNotFoundError
from voicecoach.store.interviews import InterviewNotFoundError, InterviewStore

PACKS = load_packs()
PLAN = plan_interview(PACKS, pack="core_senior", questions=3, rng=random.Random(4))
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    (d / "recordings").mkdir(parents=True)
    return d


@pytest.fixture
def history(data: Path):
    with History(data / "history.sqlite3") as h:
        yield h


def wav(data: Path, name: str) -> Path:
    p = data / "recordings" / name
    p.write_bytes(b"RIFF....WAVEfmt " + bytes(64))
    return p


def record(store: InterviewStore, run_id: int, pos: int, kind: str, data: Path, *, analyse=True):
    """One answer through the same calls the app makes: start, record, analyse, thinking."""
    item = PLAN.items[pos]
    audio = wav(data, f"run{run_id}-{pos}-{kind}.wav")
    take_id = store.start_take(
        run_id, pos, kind, item.question, audio,
        prompt=item.follow_up if kind == "follow_up" else None,
        created_at=T0 + timedelta(minutes=pos * 2 + (kind == "follow_up")),
    )  # fmt: skip
    if analyse:
        words = words_from_text("I led the migration and it shipped on time.", start_s=2.0)
        answer = analyse_answer(Transcript(words, 6.0), item.question, Settings(), pos)
        store.history.finish_recording(take_id, 6.0)
        store.history.save_report(take_id, to_json(answer.report), "fake")
        store.set_thinking(take_id, answer.thinking_s)
    return take_id


def test_a_run_keeps_its_plan_takes_and_summary(history: History, data: Path):
    """Start, answer, finish: the run reopens with the same plan, takes in order and summary."""
    store = InterviewStore(history)
    run_id = store.start(PLAN.to_json(), {"follow_ups": True}, created_at=T0)
    # recorded out of order on purpose: get() returns them by position, answer first
    ids = {
        (1, "answer"): record(store, run_id, 1, "answer", data),
        (0, "follow_up"): record(store, run_id, 0, "follow_up", data),
        (0, "answer"): record(store, run_id, 0, "answer", data),
    }
    assert [r.status for r in store.list()] == ["running"]
    summary = summarise(PLAN, [], Settings(), ended_early=True)
    store.finish(run_id, summary.to_json(), ended_early=True)

    run = store.get(run_id)
    assert run.record.status == "ended_early"
    assert run.record.pack == "core_senior" and run.record.settings == {"follow_ups": True}
    assert plan_from_json(run.record.plan, PACKS) == PLAN
    assert summary_from_json(run.record.summary) == summary
    assert [(t.position, t.kind) for t in run.takes] == [
        (0, "answer"),
        (0, "follow_up"),
        (1, "answer"),
    ]
    assert [t.take.id for t in run.takes] == [
        ids[(0, "answer")],
        ids[(0, "follow_up")],
        ids[(1, "answer")],
    ]
    assert all(t.thinking_s == 2.0 for t in run.takes)
    fu = run.takes[1].take
    assert (
        fu.question_text == PLAN.items[0].follow_up and fu.question_id == PLAN.items[0].question.id
    )
    assert store.interview_of(ids[(1, "answer")]) == (run_id, 1, "answer")
    assert store.unfinished() == []


def test_a_finished_run_takes_no_more_answers(history: History, data: Path):
    """After finish, adding a take is refused with a clear message."""
    store = InterviewStore(history)
    run_id = store.start(PLAN.to_json())
    store.finish(run_id, {"status": "finished"})
    with pytest.raises(StorageError, match="already over"):
        record(store, run_id, 0, "answer", data)


def test_list_is_newest_first(history: History):
    """Runs are listed newest first, with their pack and topics."""
    store = InterviewStore(history)
    old = store.start(PLAN.to_json(), created_at=T0)
    new = store.start({**PLAN.to_json(), "topics": ["Conflict"]}, created_at=T0 + timedelta(1))
    runs = store.list()
    assert [r.id for r in runs] == [new, old]
    assert runs[0].topics == ("Conflict",) and runs[1].topics == ()
    assert [r.id for r in store.list(limit=1)] == [new]


def test_delete_removes_the_run_its_takes_and_their_audio_only(history: History, data: Path):
    """Deleting a run removes its rows and recordings; other takes and runs stay."""
    store = InterviewStore(history)
    keep_run = store.start(PLAN.to_json())
    kept = record(store, keep_run, 0, "answer", data)
    single = history.start_take("x", "p", "q", wav(data, "single.wav"))
    run_id = store.start(PLAN.to_json())
    gone = [record(store, run_id, 0, "answer", data), record(store, run_id, 0, "follow_up", data)]
    audio = [history.get(t).audio_path for t in gone]
    assert all(p.exists() for p in audio)

    store.delete(run_id)
    with pytest.raises(InterviewNotFoundError):
        store.get(run_id)
    for t in gone:
        with pytest.raises(TakeNotFoundError):
            history.get(t)
    assert not any(p.exists() for p in audio)
    assert history.get(kept).audio_path.exists() and history.get(single).audio_path.exists()
    assert [t.take.id for t in store.get(keep_run).takes] == [kept]


def test_a_crash_mid_run_loses_at_most_the_answer_in_progress(data: Path):
    """Killed while recording answer 2: on restart the run and answer 1 are there to resume."""
    db = data / "history.sqlite3"
    h = History(db)
    store = InterviewStore(h)
    run_id = store.start(PLAN.to_json())
    first = record(store, run_id, 0, "answer", data)
    second = record(store, run_id, 1, "answer", data, analyse=False)  # still recording
    h._conn.close()  # no finish, no clean close: as if the process died

    with History(db) as again:
        store = InterviewStore(again)
        [run] = store.unfinished()
        assert run.record.id == run_id and run.record.status == "running"
        assert run.done() == {(0, "answer")}
        assert [t.take.id for t in run.takes] == [first, second]
        assert [t.id for t in again.unfinished()] == [second]  # offered back as for single takes


def test_unknown_ids_are_clear_errors(history: History):
    """A missing run or take is a StorageError naming it, not a crash."""
    store = InterviewStore(history)
    with pytest.raises(InterviewNotFoundError, match="Interview 42"):
        store.get(42)
    with pytest.raises(InterviewNotFoundError):
        store.finish(42, {})
    run_id = store.start(PLAN.to_json())
    with pytest.raises(TakeNotFoundError, match="Take 99"):
        store.attach(99, run_id, 0, "answer")
    with pytest.raises(TakeNotFoundError):
        store.set_thinking(99, 1.0)
    with pytest.raises(ValueError):
        store.attach(1, run_id, 0, "retake")  # type: ignore[arg-type]


def test_follow_ups_stay_out_of_comparisons_and_trends(history: History, data: Path):
    """A follow-up carries its question's id but is not a take of that question to compare."""
    store = InterviewStore(history)
    run_id = store.start(PLAN.to_json())
    answer = record(store, run_id, 0, "answer", data)
    follow = record(store, run_id, 0, "follow_up", data)
    qid = PLAN.items[0].question.id
    assert history.get(follow).question_id == qid
    assert [t.id for t in history.takes_for_question(qid)] == [answer]
    assert [t.id for t in history.list_figures()] == [answer]
    assert {t.id for t in history.list()} == {answer, follow}  # still listed in History
