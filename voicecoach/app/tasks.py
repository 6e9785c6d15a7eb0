"""The one way to run work off the GUI thread.

`TaskRunner.submit(fn, *args, on_done=...)` runs `fn` on a named thread pool and calls
`on_done(result, error)` on the GUI thread, exactly once. `fn` knows nothing about Qt: if its
signature names a `progress` parameter it gets `progress(fraction)`, and if it names `cancel`
it gets a `threading.Event` to check between steps. The "model" pool has one thread: it owns
the loaded Whisper model, so transcriptions never overlap.

Widget tests use `tests.fakes.tasks.SyncTaskRunner`, which has the same interface.
"""

from __future__ import annotations

import inspect
import logging
import queue
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal, Slot

from voicecoach.domain import OperationCancelled, VoiceCoachError

log = logging.getLogger(__name__)

DoneCallback = Callable[[Any, BaseException | None], None]
ProgressCallback = Callable[[float], None]

DEFAULT_POOLS: Mapping[str, int] = {"default": 4, "model": 1}


class TaskHandle:
    """A submitted task: `cancel()` asks it to stop (and skips it if it has not started)."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.cancel_event = threading.Event()
        self.future: Future[Any] | None = None
        self._done = False

    def cancel(self) -> None:
        self.cancel_event.set()
        if self.future is not None:
            self.future.cancel()  # only succeeds if it has not started

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def done(self) -> bool:
        """True once `on_done` has been delivered."""
        return self._done


class TaskSubmitter(Protocol):
    """What widgets and controllers depend on; `TaskRunner` and `SyncTaskRunner` provide it."""

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: DoneCallback,
        on_progress: ProgressCallback | None = None,
        pool: str = "default",
    ) -> TaskHandle: ...


def hook_kwargs(
    fn: Callable[..., Any], progress: ProgressCallback, cancel: threading.Event
) -> dict[str, Any]:
    """The `progress=` / `cancel=` keyword arguments `fn` declares it accepts."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # some builtins have no signature
        return {}
    out: dict[str, Any] = {}
    for name, value in (("progress", progress), ("cancel", cancel)):
        p = params.get(name)
        if p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            out[name] = value
    return out


def log_task_error(name: str, error: BaseException) -> None:
    """Errors are always logged: expected ones briefly, unexpected ones with the traceback."""
    if isinstance(error, OperationCancelled):
        log.info("Task %s cancelled", name)
    elif isinstance(error, VoiceCoachError):
        log.warning("Task %s failed: %s", name, error)
    else:
        log.error("Task %s raised", name, exc_info=(type(error), error, error.__traceback__))


def call_on_done(on_done: DoneCallback, result: Any, error: BaseException | None) -> None:
    """Run a completion callback; an exception in it goes to sys.excepthook (logged, shown)."""
    try:
        on_done(result, error)
    except Exception:
        sys.excepthook(*sys.exc_info())


class _Task:
    """Bookkeeping for one submission; progress is coalesced so a chatty task cannot flood Qt."""

    def __init__(
        self, handle: TaskHandle, on_done: DoneCallback, on_progress: ProgressCallback | None
    ) -> None:
        self.handle = handle
        self.on_done = on_done
        self.on_progress = on_progress
        self.lock = threading.Lock()
        self.latest: float | None = None
        self.progress_queued = False


class TaskRunner(QObject):
    """Runs functions on thread pools and reports back on the GUI thread.

    Create it on the GUI thread (it delivers to the thread it lives in). Call `shutdown()` on
    exit: it sets every task's cancel event and waits for running tasks to return.
    """

    # Workers put zero-argument callables on a queue and emit this argument-less signal; the
    # GUI thread drains the queue. No Python objects travel through Qt's queued-signal copying.
    _wake = Signal()

    def __init__(
        self, pools: Mapping[str, int] = DEFAULT_POOLS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pools = {
            name: ThreadPoolExecutor(max_workers=n, thread_name_prefix=f"voicecoach-{name}")
            for name, n in pools.items()
        }
        self._live: set[_Task] = set()
        self._live_lock = threading.Lock()
        self._closed = False
        # Queued even when emitted on the GUI thread: on_done never runs inside submit().
        self._inbox: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: DoneCallback,
        on_progress: ProgressCallback | None = None,
        pool: str = "default",
    ) -> TaskHandle:
        if self._closed:
            raise RuntimeError("TaskRunner has been shut down")
        if pool not in self._pools:
            raise ValueError(f"No task pool named {pool!r} (have {sorted(self._pools)})")
        name = getattr(fn, "__qualname__", repr(fn))
        task = _Task(TaskHandle(name), on_done, on_progress)
        kwargs = hook_kwargs(fn, lambda f: self._progress(task, f), task.handle.cancel_event)
        with self._live_lock:
            self._live.add(task)
        future = self._pools[pool].submit(fn, *args, **kwargs)
        task.handle.future = future
        future.add_done_callback(lambda f: self._finished(task, f))
        return task.handle

    def shutdown(self, wait: bool = True) -> None:
        """Cancel everything, drop queued tasks, and (by default) wait for running ones."""
        self._closed = True
        with self._live_lock:
            for task in self._live:
                task.handle.cancel_event.set()
        for executor in self._pools.values():
            executor.shutdown(wait=wait, cancel_futures=True)

    # --- worker side (any thread) ------------------------------------------------------------

    def _progress(self, task: _Task, fraction: float) -> None:
        with task.lock:
            task.latest = float(fraction)
            if task.progress_queued:
                return  # the queued delivery will pick up this newer value
            task.progress_queued = True
        self._post(lambda: self._deliver_progress(task))

    def _finished(self, task: _Task, future: Future[Any]) -> None:
        result: Any = None
        error: BaseException | None
        if future.cancelled():
            error = OperationCancelled("Cancelled before it started.")
        else:
            error = future.exception()
            if error is None:
                result = future.result()
        if error is not None:
            log_task_error(task.handle.name, error)
        self._post(lambda: self._deliver_done(task, result, error))

    def _post(self, thunk: Callable[[], None]) -> None:
        self._inbox.put(thunk)
        self._wake.emit()

    # --- GUI thread --------------------------------------------------------------------------

    @Slot()
    def _drain(self) -> None:
        # One wake-up per post, but a wake-up may find several (or none) waiting: run them all.
        while True:
            try:
                thunk = self._inbox.get_nowait()
            except queue.Empty:
                return
            thunk()

    def _deliver_progress(self, task: _Task) -> None:
        with task.lock:
            fraction, task.progress_queued = task.latest, False
        if task.handle.done or task.on_progress is None or fraction is None:
            return
        try:
            task.on_progress(fraction)
        except Exception:
            sys.excepthook(*sys.exc_info())

    def _deliver_done(self, task: _Task, result: Any, error: BaseException | None) -> None:
        with self._live_lock:
            self._live.discard(task)
        task.handle._done = True
        call_on_done(task.on_done, result, error)
