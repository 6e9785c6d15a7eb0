"""Look-ahead decoding in a child process, so Stop never waits for a guess.

While the user speaks, `speech.streaming` transcribes the stretch in progress ahead of time
(speculatively) so that at Stop only the last seconds are new. A Whisper decode is one native
call that cannot be interrupted: when Stop came while a guess that the final transcript cannot
use was being decoded (about 1-1.6 s of CPU on 2 cores with tiny.en), the review waited for it,
and that wait was the worst case of bench/latency.py (docs/decisions/transcription.md).

So the guesses run here, in a child process with its own copy of the same model and settings
(the same decode, so the same words: the final transcript still equals the batch one). At Stop,
a guess still running that the final transcript will not use is dropped by ending the process:
the CPU is free at once for the last seconds of the answer, which the app decodes itself. The
process is started again, in the background, when the next answer starts.

`decode` never waits for the process to start: until it is ready it returns None (no guess),
exactly as if the guess had been dropped. Any failure in the child is also just "no guess": the
app's own decoding of the answer does not depend on it.

Memory (issue 11's budget is for both processes together; bench/memory.py measures them):

- the child holds a second copy of the model, its VAD and its decoding buffers. glibc keeps what
  a decode freed for reuse (RSS ~280 MB after a few decodes with tiny.en), so the child fixes
  malloc's mmap threshold at 4 MB (buffers that large go back to the system when freed, rather
  than the threshold rising to 32 MB with them) and returns the rest of its free heap after
  loading and after each guess (`trim_heap`, ~10 ms, after the answer is sent): ~180 MB
  between guesses, ~270 MB at the peak of one;
- it is only needed while recording, so `release` ends it once the answer is stopped
  (`speech.streaming` at Stop, naming the recording that warmed it) and, as a backstop, it ends
  itself after `idle_s` without a request; `warm` (a question read aloud, the next recording)
  or the next `decode` starts it again. Until it is ready `decode` says "no guess" (counted in
  `missed`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import weakref
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from voicecoach.domain import Transcript
from voicecoach.settings import TranscriberSettings
from voicecoach.speech.heap import trim_heap, tune_malloc

log = logging.getLogger(__name__)

_READY = "ready"
# Seconds without a request after which the child ends itself: guesses come every few seconds
# while recording, so this much quiet means the user is reading the review or choosing a question.
IDLE_S = 60.0


def _serve(conn: _Duplex) -> None:
    """The child: load the model, then decode stretches until the pipe closes or nothing is
    asked for `idle_s` seconds."""
    tune_malloc()  # before the model's buffers exist
    from voicecoach.speech.transcriber import WhisperTranscriber

    try:
        settings, min_voiced_gap_s, idle_s = conn.recv()
        tr = WhisperTranscriber(settings, min_voiced_gap_s=min_voiced_gap_s)
        tr.load()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops asking
        conn.send(("failed", str(exc)))
        return
    trim_heap()  # what loading the model freed (its float16 weights, now int8)
    conn.send((_READY, ""))
    while True:
        try:
            if not conn.poll(idle_s):
                return  # idle: the parent sees the pipe close and starts a new child if needed
            samples = conn.recv()
        except (EOFError, OSError):
            return
        try:
            part = tr.transcribe_stretch(samples)
        except BaseException as exc:  # noqa: BLE001
            conn.send(("error", str(exc)))
            continue
        conn.send(("ok", part))
        del samples, part
        trim_heap()  # after the answer is out, so the guess is never later for it


class Lookahead:
    """A child process that decodes stretches with `settings`; one request at a time.

    `decode` (the streaming worker thread) blocks until the result or until `drop` (any thread)
    ends the process. `warm` starts the process in the background if it is not running; so does
    `decode` when the process has gone (it ended itself after `idle_s`, or it died). `release`
    ends it once the answer no longer needs guesses.
    """

    def __init__(
        self, settings: TranscriberSettings, min_voiced_gap_s: float, idle_s: float = IDLE_S
    ) -> None:
        self._settings = settings
        self._min_voiced_gap_s = min_voiced_gap_s
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: _Duplex | None = None
        self._ready = False
        self._busy = False
        self._failed = ""  # the model cannot load in the child: stop trying
        self._resting = False  # released (Stop): no process until the next `warm`
        self._closed = False  # closed (quit, or the model changed): no process ever again
        self.dropped = 0  # guesses dropped at Stop
        self.missed = 0  # guesses asked for while the process was starting (none given)
        self.starts = 0  # processes started
        self.generation = 0  # recordings that warmed it: `release` of an older one is moot
        self._finalizer = weakref.finalize(self, Lookahead._end, [None, None])

    @property
    def ready(self) -> bool:
        self._poll_ready()
        return self._ready

    def warm(self) -> None:
        """Start the child if it is not running (returns at once; it loads in ~1-2 s)."""
        with self._lock:
            self._resting = False
            self.generation += 1
            self._start_locked()

    def _start_locked(self) -> None:
        if self._proc is not None and self._proc.poll() is not None:  # it ended itself
            self._end_gone_locked()
        if self._proc is not None or self._failed or self._closed:
            return
        # A fresh interpreter running this module (not fork: the parent runs Qt and
        # threads; not multiprocessing's spawn, which imports the app's main module again).
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", __name__, str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                close_fds=True,
            )
        except OSError as exc:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            self._failed = f"the look-ahead process could not start: {exc}"
            log.warning("No look-ahead decoding: %s", self._failed)
            return
        os.close(to_child_r)
        os.close(from_child_w)
        # However the child ends (idle, killed, died), it is reaped at once: no <defunct> entry
        # waits for this object to look at it again, which after a model change is never.
        threading.Thread(target=_reap, args=(proc,), name="lookahead-reaper", daemon=True).start()
        parent = _Duplex(from_child_r, to_child_w)
        parent.send((self._settings, self._min_voiced_gap_s, self._idle_s))
        self._proc, self._conn, self._ready, self._busy = proc, parent, False, False
        self.starts += 1
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, Lookahead._end, [proc, parent])

    def decode(self, samples: np.ndarray) -> Transcript | None:
        """The stretch's transcript, or None: not ready yet, dropped, or failed."""
        with self._lock:
            if not self._poll_ready_locked():
                if not self._failed and not self._resting:
                    self.missed += 1
                    self._start_locked()  # gone (idle or died): back for the next guess
                return None
            if self._busy:
                return None
            conn = self._conn
            assert conn is not None
            try:
                conn.send(np.ascontiguousarray(samples, dtype=np.float32))
            except (OSError, ValueError):  # it ended itself just now
                self._end_gone_locked()
                self._start_locked()
                return None
            self._busy = True
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError, ValueError):  # dropped (the process ended) or it died
            with self._lock:
                if self._conn is conn:  # it died on its own: start afresh next time
                    self._forget_locked()
            conn.close()  # only this thread reads it; `drop` leaves closing it to us
            return None
        with self._lock:
            if self._conn is conn:
                self._busy = False
                if self._resting:  # the answer ended while this guess was decoded
                    Lookahead._end(list(self._forget_locked()))
        if kind != "ok":
            log.warning("Look-ahead decode failed: %s", payload)
            return None
        return payload

    def drop(self) -> bool:
        """End a guess in progress (the process with it); True if one was running."""
        with self._lock:
            if not self._busy:
                return False
            proc, _conn = self._forget_locked()
            self.dropped += 1
        # The waiting `decode` sees the pipe end and closes its side itself.
        Lookahead._end([proc, None])
        return True

    def release(self, generation: int | None = None) -> None:
        """No more guesses for this answer (Stop): end the process now, or as soon as the guess
        in flight is answered (the rest of the answer may need it). The next recording's `warm`
        starts it again; it holds a model's worth of memory for nothing until then.

        `generation`: the `generation` the answer's recording started with; if a later
        recording has warmed the process since (an interview's next answer, started before the
        previous one's analysis ran), it is that recording's now and stays."""
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            self._resting = True
            if self._busy:  # `decode` ends it when the answer comes
                return
            parts = self._forget_locked()
        Lookahead._end(list(parts))

    def close(self) -> None:
        """End the process for good: a late `warm` or `decode` (a guess of an answer recorded
        before the model changed) starts no new one."""
        with self._lock:
            self._closed = True
            parts = self._forget_locked()
        Lookahead._end(list(parts))

    def _poll_ready(self) -> None:
        with self._lock:
            self._poll_ready_locked()

    def _poll_ready_locked(self) -> bool:
        if self._ready and not self._busy and self._proc and self._proc.poll() is not None:
            self._end_gone_locked()  # it ended itself (idle) or died
            return False
        if self._ready:
            return True
        conn = self._conn
        if conn is None:
            return False
        try:
            if not conn.poll():
                return False
            kind, msg = conn.recv()
        except (EOFError, OSError):  # it died while loading
            Lookahead._end(list(self._forget_locked()))
            return False
        if kind == _READY:
            self._ready = True
            return True
        self._failed = msg or "the look-ahead process could not load the model"
        log.warning("No look-ahead decoding: %s", self._failed)
        Lookahead._end(list(self._forget_locked()))
        return False

    def _forget_locked(self) -> tuple[subprocess.Popen[bytes] | None, _Duplex | None]:
        """No process any more (ended, dropped or failed); returns the one there was."""
        parts = self._proc, self._conn
        self._proc, self._conn, self._ready, self._busy = None, None, False, False
        return parts

    def _end_gone_locked(self) -> None:
        """Reap a process that ended on its own; a `decode` waiting on its pipe closes that."""
        busy = self._busy
        proc, conn = self._forget_locked()
        Lookahead._end([proc, None if busy else conn])

    @staticmethod
    def _end(parts: list[Any]) -> None:
        proc, conn = parts
        if proc is not None and proc.poll() is None:
            proc.kill()  # SIGKILL: a native decode does not stop for SIGTERM handlers
        if conn is not None:
            conn.close()
        if proc is not None:
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                log.warning("The look-ahead process did not end in time")


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the child to end, so the system can free its process entry."""
    try:
        proc.wait()
    except OSError:  # already reaped elsewhere
        pass


class _Duplex:
    """Two one-way pipes as one connection: pickled messages out on one, in on the other."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._in = Connection(read_fd, writable=False)
        self._out = Connection(write_fd, readable=False)

    def send(self, obj: Any) -> None:
        self._out.send(obj)

    def recv(self) -> Any:
        return self._in.recv()

    def poll(self, timeout_s: float = 0.0) -> bool:
        return self._in.poll(timeout_s)

    def close(self) -> None:
        self._in.close()
        self._out.close()


if __name__ == "__main__":  # the child: python -m voicecoach.speech.lookahead READ_FD WRITE_FD
    _serve(_Duplex(int(sys.argv[1]), int(sys.argv[2])))  # type: ignore[arg-type]
