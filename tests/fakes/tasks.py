"""A task runner for widget tests: runs `fn` at once on the caller's thread, no Qt event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voicecoach.app.tasks import (
    DoneCallback,
    ProgressCallback,
    TaskHandle,
    call_on_done,
    hook_kwargs,
    log_task_error,
)


class SyncTaskRunner:
    """Same interface as `TaskRunner`; `on_progress` and `on_done` are called before submit returns.

    `submitted` records (function name, pool) for tests that check where work was sent.
    """

    def __init__(self) -> None:
        self.submitted: list[tuple[str, str]] = []
        self._closed = False

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
        handle = TaskHandle(getattr(fn, "__qualname__", repr(fn)))
        self.submitted.append((handle.name, pool))

        def progress(fraction: float) -> None:
            if on_progress is not None:
                on_progress(float(fraction))

        result: Any = None
        error: BaseException | None = None
        try:
            result = fn(*args, **hook_kwargs(fn, progress, handle.cancel_event))
        except Exception as exc:  # delivered, like the real runner does
            error = exc
            log_task_error(handle.name, exc)
        handle._done = True
        call_on_done(on_done, result, error)
        return handle

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
