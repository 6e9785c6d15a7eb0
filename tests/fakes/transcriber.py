"""A Transcriber that returns a canned Transcript: no model, optional delay, honours cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voicecoach.domain import OperationCancelled, Transcript, Word


def words_from_text(text: str, start_s: float = 0.5, word_s: float = 0.3) -> tuple[Word, ...]:
    """Evenly timed words for a sentence (quick canned transcripts)."""
    out, t = [], start_s
    for token in text.split():
        out.append(Word(token, round(t, 3), round(t + word_s, 3)))
        t += word_s + 0.05
    return tuple(out)


class FakeTranscriber:
    """Returns `transcript` after `delay_s`, reporting progress in `steps` even steps.

    Setting the cancel event stops it within one step (it waits on the event, never sleeps
    blindly) and raises OperationCancelled, like the real one. `error` is raised instead of
    returning, to test error paths. Every call's audio is kept in `calls`.
    """

    def __init__(
        self,
        transcript: Transcript | None = None,
        *,
        delay_s: float = 0.0,
        steps: int = 4,
        error: BaseException | None = None,
    ) -> None:
        self.transcript = transcript or Transcript(
            words_from_text("So I led the migration and it shipped on time."), 5.0, model="fake"
        )
        self.delay_s = delay_s
        self.steps = max(1, steps)
        self.error = error
        self.calls: list[Path | np.ndarray] = []
        self.started = threading.Event()

    def transcribe(
        self,
        audio: Path | np.ndarray,
        *,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        self.calls.append(audio)
        self.started.set()
        cancel = cancel or threading.Event()
        for i in range(self.steps):
            if cancel.wait(self.delay_s / self.steps) or cancel.is_set():
                raise OperationCancelled("Transcription cancelled.")
            if progress is not None:
                progress((i + 1) / self.steps)
        if self.error is not None:
            raise self.error
        return self.transcript
