"""Background tasks (TaskRunner, SyncTaskRunner) and start-up logging / exception hooks."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread

from tests.fakes.tasks import SyncTaskRunner
from voicecoach.app import logging_setup
from voicecoach.app.tasks import TaskRunner
from voicecoach.domain import OperationCancelled, StorageError

WAIT_MS = 5000


@pytest.fixture
def runner(qtbot: Any) -> Any:
    r = TaskRunner()
    yield r
    r.shutdown()


class Done:
    """Collects on_done calls with the thread they ran on."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, BaseException | None, QThread]] = []

    def __call__(self, result: Any, error: BaseException | None) -> None:
        self.calls.append((result, error, QThread.currentThread()))


# --- TaskRunner ----------------------------------------------------------------------------


def test_result_delivered_on_gui_thread(runner: TaskRunner, qtbot: Any, qapp: Any) -> None:
    """fn runs off the GUI thread and its result arrives on the GUI thread, once."""
    ran_on: list[threading.Thread] = []
    go = threading.Event()

    def add(a: int, b: int) -> int:
        go.wait(timeout=30)  # finish only after submit() returned: completion is on this thread
        ran_on.append(threading.current_thread())
        return a + b

    done = Done()
    handle = runner.submit(add, 2, 3, on_done=done)
    go.set()
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    result, error, thread = done.calls[0]
    assert (result, error) == (5, None)
    assert thread == qapp.thread()
    assert ran_on[0] is not threading.main_thread()
    assert handle.done
    qtbot.wait(50)  # let any stray duplicate delivery arrive
    assert len(done.calls) == 1


def test_error_delivered_and_logged(
    runner: TaskRunner, qtbot: Any, qapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception in fn reaches on_done as `error` on the GUI thread and is logged."""

    def boom() -> None:
        raise ValueError("bad input")

    done = Done()
    with caplog.at_level(logging.ERROR, logger="voicecoach.app.tasks"):
        runner.submit(boom, on_done=done)
        qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    result, error, thread = done.calls[0]
    assert result is None and isinstance(error, ValueError) and str(error) == "bad input"
    assert thread == qapp.thread()
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)


def test_expected_error_logged_without_traceback(
    runner: TaskRunner, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A VoiceCoachError is delivered as-is and logged as a warning with its message."""

    def fail() -> None:
        raise StorageError("Disk full.")

    done = Done()
    with caplog.at_level(logging.WARNING, logger="voicecoach.app.tasks"):
        runner.submit(fail, on_done=done)
        qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    assert isinstance(done.calls[0][1], StorageError)
    assert any("Disk full." in r.getMessage() for r in caplog.records)


def test_progress_delivered_on_gui_thread_before_done(
    runner: TaskRunner, qtbot: Any, qapp: Any
) -> None:
    """progress(fraction) in fn reaches on_progress on the GUI thread, in order, before on_done."""
    seen: list[tuple[float, QThread, bool]] = []
    done = Done()

    def work(n: int, progress: Any) -> str:
        for i in range(1, n + 1):
            progress(i / n)
        return "ok"

    runner.submit(
        work,
        4,
        on_done=done,
        on_progress=lambda f: seen.append((f, QThread.currentThread(), bool(done.calls))),
    )
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    fractions = [f for f, _, _ in seen]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(t == qapp.thread() for _, t, _ in seen)
    assert not any(after_done for _, _, after_done in seen)


def test_cancel_event_honoured(runner: TaskRunner, qtbot: Any) -> None:
    """handle.cancel() sets the event fn was given, so a long task can stop early."""
    started = threading.Event()

    def long_job(cancel: threading.Event) -> str:
        started.set()
        return "stopped" if cancel.wait(timeout=30) else "ran to the end"

    done = Done()
    handle = runner.submit(long_job, on_done=done)
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    assert done.calls[0][:2] == ("stopped", None)
    assert handle.cancelled


def test_cancel_before_start_skips_fn(runner: TaskRunner, qtbot: Any) -> None:
    """A task cancelled while queued never runs, and still gets on_done(OperationCancelled)."""
    gate, started = threading.Event(), threading.Event()
    ran: list[str] = []

    def blocker() -> None:
        started.set()
        gate.wait(timeout=30)

    first, second = Done(), Done()
    runner.submit(blocker, on_done=first, pool="model")
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    handle = runner.submit(lambda: ran.append("x"), on_done=second, pool="model")
    handle.cancel()
    assert second.calls == []  # never delivered inside the caller's own call
    gate.set()
    qtbot.waitUntil(lambda: bool(second.calls and first.calls), timeout=WAIT_MS)
    assert isinstance(second.calls[0][1], OperationCancelled)
    assert ran == []


@pytest.mark.parametrize("pool, overlap", [("model", False), ("default", True)])
def test_model_pool_runs_one_task_at_a_time(
    runner: TaskRunner, qtbot: Any, pool: str, overlap: bool
) -> None:
    """Tasks on the "model" pool never overlap (the default pool, as a control, does)."""
    second_started = threading.Event()
    overlapped: list[bool] = []

    def first() -> None:
        # Give a second thread the chance to start the other task while this one still runs.
        overlapped.append(second_started.wait(timeout=0.5))

    def second() -> None:
        second_started.set()

    done = Done()
    runner.submit(first, on_done=done, pool=pool)
    runner.submit(second, on_done=done, pool=pool)
    qtbot.waitUntil(lambda: len(done.calls) == 2, timeout=WAIT_MS)
    assert overlapped == [overlap]


def test_fn_without_hooks_gets_no_extra_arguments(runner: TaskRunner, qtbot: Any) -> None:
    """progress/cancel are passed only to functions that declare them."""
    done = Done()
    runner.submit(sum, [1, 2, 3], on_done=done, on_progress=lambda f: None)
    runner.submit(lambda x, **kw: (x, kw), 7, on_done=done)
    qtbot.waitUntil(lambda: len(done.calls) == 2, timeout=WAIT_MS)
    assert sorted((r for r, _, _ in done.calls), key=str) == [(7, {}), 6]
    assert all(e is None for _, e, _ in done.calls)


def test_exception_in_on_done_reaches_excepthook(
    runner: TaskRunner, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in an on_done callback goes to sys.excepthook (logged and shown), not into Qt."""
    hooked: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: hooked.append(t))

    def bad_done(result: Any, error: BaseException | None) -> None:
        raise KeyError("oops")

    runner.submit(int, "4", on_done=bad_done)
    qtbot.waitUntil(lambda: bool(hooked), timeout=WAIT_MS)
    assert hooked == [KeyError]


def test_shutdown_cancels_running_and_refuses_new(qtbot: Any) -> None:
    """shutdown() sets running tasks' cancel events, waits for them, then refuses new work."""
    started = threading.Event()
    outcome: list[str] = []

    def job(cancel: threading.Event) -> None:
        started.set()
        outcome.append("cancelled" if cancel.wait(timeout=30) else "timed out")

    r = TaskRunner()
    r.submit(job, on_done=lambda res, err: None)
    assert started.wait(timeout=5)
    r.shutdown()
    assert outcome == ["cancelled"]
    with pytest.raises(RuntimeError):
        r.submit(int, on_done=lambda res, err: None)


def test_unknown_pool_is_an_error(runner: TaskRunner) -> None:
    """A misspelt pool name fails loudly instead of running work somewhere unexpected."""
    with pytest.raises(ValueError, match="modle"):
        runner.submit(int, on_done=lambda r, e: None, pool="modle")


# --- SyncTaskRunner (fake for widget tests) -------------------------------------------------


def test_sync_runner_matches_interface() -> None:
    """The fake runs fn at once, passes progress and cancel, and delivers errors as the real one."""
    fake = SyncTaskRunner()
    seen: list[float] = []
    got: list[tuple[Any, BaseException | None]] = []

    def work(x: int, progress: Any, cancel: threading.Event) -> int:
        progress(0.5)
        assert not cancel.is_set()
        return x * 2

    handle = fake.submit(work, 21, on_done=lambda r, e: got.append((r, e)), on_progress=seen.append)
    assert got == [(42, None)] and seen == [0.5] and handle.done

    def boom() -> None:
        raise ValueError("x")

    fake.submit(boom, on_done=lambda r, e: got.append((r, e)), pool="model")
    assert isinstance(got[1][1], ValueError)
    assert fake.submitted[-1] == ("test_sync_runner_matches_interface.<locals>.boom", "model")


# --- logging_setup --------------------------------------------------------------------------


@pytest.fixture
def clean_logging() -> Any:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)


def test_configure_logging_writes_file(tmp_path: Path, clean_logging: None) -> None:
    """Logs go to a file in the log dir; reconfiguring does not duplicate handlers."""
    path = logging_setup.configure_logging(tmp_path / "logs")
    logging_setup.configure_logging(tmp_path / "logs")
    logging.getLogger("voicecoach.test").info("hello from the test")
    for h in logging.getLogger().handlers:
        h.flush()
    assert path == tmp_path / "logs" / logging_setup.LOG_FILE_NAME
    assert path.read_text(encoding="utf-8").count("hello from the test") == 1


def test_configure_logging_unwritable_dir_falls_back(tmp_path: Path, clean_logging: None) -> None:
    """An unwritable log dir does not stop the app: stderr only, and it says so."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert logging_setup.configure_logging(blocker / "logs") is None


def test_uncaught_thread_exception_logged_and_shown_on_gui_thread(
    qtbot: Any, qapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception that escapes a worker thread is logged and shown via the GUI thread."""
    shown: list[tuple[str, QThread]] = []
    saved = sys.excepthook, threading.excepthook
    try:
        logging_setup.install_excepthook(lambda m: shown.append((m, QThread.currentThread())))

        def worker() -> None:
            raise RuntimeError("worker blew up")

        with caplog.at_level(logging.CRITICAL, logger="voicecoach.app.logging_setup"):
            t = threading.Thread(target=worker, name="test-worker")
            t.start()
            t.join()
            qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    finally:
        sys.excepthook, threading.excepthook = saved
    message, thread = shown[0]
    assert "RuntimeError: worker blew up" in message and thread == qapp.thread()
    assert any("test-worker" in r.getMessage() and r.exc_info for r in caplog.records)


def test_uncaught_main_thread_error_shows_user_message(
    qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A VoiceCoachError reaching sys.excepthook is shown with its own wording and logged."""
    shown: list[str] = []
    saved = sys.excepthook, threading.excepthook
    try:
        logging_setup.install_excepthook(shown.append)
        err = StorageError("The disk is full. Free some space and try again.")
        with caplog.at_level(logging.CRITICAL, logger="voicecoach.app.logging_setup"):
            sys.excepthook(StorageError, err, None)
            qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    finally:
        sys.excepthook, threading.excepthook = saved
    assert shown == ["The disk is full. Free some space and try again."]
    assert caplog.records
