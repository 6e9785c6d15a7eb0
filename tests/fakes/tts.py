"""A `Speaker` that records what it was asked to say, for tests of the session and UI.

Like `Pyttsx3Speaker`, `say` only queues and `on_done(text, completed)` arrives later from
another thread, exactly once per accepted utterance. `hold=True` keeps utterances "speaking"
until the test calls `finish()`; `fail=True` reports every utterance as not completed;
`break_after=n` makes the speaker unavailable after n utterances (as the real watchdog does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

OnDone = Callable[[str, bool], None]


class FakeSpeaker:
    def __init__(
        self,
        *,
        available: bool = True,
        unavailable_reason: str = "Text-to-speech is not available (fake).",
        hold: bool = False,
        fail: bool = False,
        break_after: int | None = None,
        delay_s: float = 0.0,
        voices: list[tuple[str, str]] | None = None,
    ) -> None:
        self.on_done: OnDone | None = None
        self._reason = "" if available else unavailable_reason
        self._broken_reason = unavailable_reason
        self.hold = hold
        self.fail = fail
        self.break_after = break_after
        self.delay_s = delay_s
        self._voices = voices if voices is not None else [("fake/en", "Fake English")]
        self.said: list[str] = []  # every accepted text, in order
        self.done: list[tuple[str, bool]] = []  # every on_done call, in order
        self.stops = 0
        self.closed = False
        self._pending: list[str] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    @property
    def available(self) -> bool:
        return not self._reason

    @property
    def unavailable_reason(self) -> str:
        return self._reason

    def say(self, text: str) -> bool:
        if self._reason or not text.strip():
            return False
        with self._lock:
            self.said.append(text)
            self._pending.append(text)
            if self.break_after is not None and len(self.said) >= self.break_after:
                self._reason = self._broken_reason
        if not self.hold:
            t = threading.Timer(self.delay_s, self._finish_one, args=(text, not self.fail))
            t.daemon = True
            t.start()
        return True

    def finish(self, completed: bool = True) -> str | None:
        """Finish the oldest held utterance (hold=True); returns its text."""
        with self._lock:
            if not self._pending:
                return None
            text = self._pending[0]
        threading.Thread(target=self._finish_one, args=(text, completed), daemon=True).start()
        return text

    def stop(self) -> None:
        with self._lock:
            self.stops += 1
            dropped, self._pending = self._pending, []
        for text in dropped:
            self._report(text, False)

    def voices(self) -> list[tuple[str, str]]:
        return [] if self._reason else list(self._voices)

    def close(self) -> None:
        self.stop()
        self.closed = True

    def wait_idle(self, timeout_s: float = 5.0) -> bool:
        """Block until every accepted utterance has had its on_done."""
        with self._idle:
            return self._idle.wait_for(lambda: len(self.done) >= len(self.said), timeout_s)

    def _finish_one(self, text: str, completed: bool) -> None:
        with self._lock:
            if text not in self._pending:
                return  # already stopped
            self._pending.remove(text)
        self._report(text, completed)

    def _report(self, text: str, completed: bool) -> None:
        cb = self.on_done
        if cb is not None:
            cb(text, completed)
        with self._idle:
            self.done.append((text, completed))
            self._idle.notify_all()
