"""Transcribe while the user speaks, so only the last seconds are left when they stop.

Audio blocks arrive from the recorder's tap thread (`feed`). They are mixed down and resampled
exactly as a file is decoded (`audio.decode.to_mono`, `Resampler`) and cut at pauses into
stretches (`audio.cuts.PauseCutter`), the same stretches the file path cuts, so the words match
a batch transcription of the same audio.

One worker transcribes, in this order of priority:

1. finished stretches (committed: their words are final);
2. speculatively, the stretch in progress up to its newest split point (a short pause, at most
   one every few seconds). The result is kept by its exact sample range.

`finish` splits the last stretch at its tail split point, as the file path does
(`PauseCutter.tail_split`). Its head has usually been transcribed ahead of time already, so only
the last few seconds are new. A speculative result is only ever used for exactly the audio it was
made from, so the final transcript is the batch one. Live coaching reads the committed words plus
the newest speculative words (`words_so_far`).

With a `lookahead` (`speech.lookahead`, the app's case), speculative decodes run in a child
process, and `close` drops one still running that the rest of the answer does not need, so Stop
never waits for a guess; committed stretches and the rest are decoded here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from voicecoach.audio.cuts import CutSettings, PauseCutter
from voicecoach.audio.decode import Resampler, to_mono
from voicecoach.domain import Transcript, VoicedGap, Word

if TYPE_CHECKING:
    from voicecoach.speech.lookahead import Lookahead
    from voicecoach.speech.transcriber import Transcriber

log = logging.getLogger(__name__)

RATE_HZ = 16000
PROGRESS_S = 0.1  # how often `finish` reports how far the rest of the answer has got


@dataclass(frozen=True)
class Job:
    """Audio [start, end) (samples of the answer at 16 kHz) to transcribe."""

    start: int
    end: int
    samples: np.ndarray
    commit: bool  # False: speculative (the stretch in progress, kept by its range)


class StreamingTranscriber:
    """Feed blocks while recording; `finish()` returns the whole Transcript.

    With `start_worker=False` nothing runs in the background: the caller takes jobs with
    `next_job()` and runs them with `run_job()` (bench/latency.py simulates a clock this way).
    """

    def __init__(
        self,
        transcriber: Transcriber,
        settings: CutSettings | None = None,
        on_words: Callable[[tuple[Word, ...]], None] | None = None,
        *,
        speculate: bool = True,
        start_worker: bool = True,
        lookahead: Lookahead | None = None,
    ) -> None:
        self._transcriber = transcriber
        self._lookahead = lookahead
        # which recording of the look-ahead's this is (`Lookahead.release`)
        self._lookahead_gen = lookahead.generation if lookahead is not None else 0
        self._on_words = on_words
        # Speculation hears the same audio again and again: only through the stretch API, whose
        # result depends on the audio alone (test fakes that name words in call order have none).
        self._speculate = speculate and hasattr(transcriber, "transcribe_stretch")
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._cutter = PauseCutter(RATE_HZ, settings or CutSettings())
        self._resampler: Resampler | None = None
        self._in_rate = 0
        self._buf: list[np.ndarray] = []  # samples not yet sent (16 kHz mono)
        self._buf_len = 0
        self._sent = 0  # samples handed to committed jobs so far
        # A cut followed so far only by pause: held back until speech follows it (then the
        # stretch is committed whole) or the answer ends in that pause (then it is split at the
        # cutter's `cut_split`, as `audio.cuts.stretches` splits it).
        self._pending: int | None = None
        self._cut_guessed: set[tuple[int, int]] = set()  # pieces of it guessed (`_cut_guess`)
        self._cut_split_seen: int | None = None  # its split for a Stop now, last looked at
        self._words: list[Word] = []
        self._gaps: list[VoicedGap] = []
        self._jobs: deque[Job] = deque()  # committed work, in order
        self._spec: Job | None = None  # the next speculative job (only the newest is kept)
        self._spec_from = 0  # split points at or before this sample were offered already
        self._done: dict[tuple[int, int], Transcript] = {}  # speculative results by range
        self._committed_to = 0  # end of the last committed job done
        self._decoded_to = 0  # how far the committed job being decoded has got (progress)
        self._running: Job | None = None
        self._closed = False  # no more jobs will come (finish or abort)
        self._busy_s = 0.0
        self._error: BaseException | None = None
        self._finished = False
        self._worker: threading.Thread | None = None
        if start_worker:
            self._worker = threading.Thread(
                target=self._run, name="stream-transcriber", daemon=True
            )
            self._worker.start()

    # --- producer side (recorder tap thread) -----------------------------------------------

    def feed(self, block: np.ndarray, rate_hz: int = RATE_HZ) -> None:
        """Add samples (frames x channels, or mono) at `rate_hz`. Never waits for the model."""
        x = to_mono(block)
        with self._lock:
            if self._finished:
                return
            if self._resampler is None or rate_hz != self._in_rate:
                if self._resampler is not None:
                    self._add(self._resampler.flush())
                self._resampler, self._in_rate = Resampler(rate_hz, RATE_HZ), rate_hz
            self._add(self._resampler.push(x))

    def _add(self, parts: list[np.ndarray]) -> None:
        """Cut resampled samples (lock held); queue finished stretches and speculation."""
        for part in parts:
            if not len(part):
                continue
            y = np.clip(part, -1.0, 1.0).astype(np.float32, copy=False)  # as files are decoded
            self._buf.append(y)
            self._buf_len += len(y)
            for cut in self._cutter.push(y):
                self._commit_pending()  # a new cut: speech followed the previous one
                self._pending = cut
            if self._pending is not None and not self._cutter.ended_at_cut():
                self._commit_pending()  # speech after the cut: the answer goes on
        self._offer_speculation()
        if self._pending is not None and self._speculate:
            # As the pause lasts, a Stop would split the cut stretch later (`cut_split`): the
            # worker guesses the tail that split leaves (`_cut_guess`).
            split = self._cutter.cut_split(self._sent + self._buf_len)
            if split != self._cut_split_seen:
                self._cut_split_seen = split
                self._wake.notify_all()

    def _commit_pending(self) -> None:
        if self._pending is not None:
            cut, self._pending = self._pending, None
            self._send(cut)

    def _cut_guess(self) -> Job | None:
        """While only pause follows the cut held back: a tail a Stop would leave to decode, from
        a split point of the cut stretch to the cut, not guessed yet (lock held). First the
        tail from its last split point (a Stop 2 s or more after that point splits there; the
        piece is short, so cheap), then the tail from where a Stop now would split it
        (`cut_split`). The head up to a split point was offered as the stretch in progress; it
        is not guessed again here: most cuts are followed by more speech, and a whole stretch
        guessed at each would be wasted (busy 0.49 -> 0.75 of real time in bench/latency.py
        when it was)."""
        if not self._speculate or self._pending is None or self._closed:
            return None
        latest = self._cutter.cut_split()  # however late the Stop
        now = self._cutter.cut_split(self._sent + self._buf_len)
        for split in (latest, now):
            if split is None or not self._sent < split < self._pending:
                continue
            piece = (split, self._pending)
            if piece not in self._done and piece not in self._cut_guessed:
                self._cut_guessed.add(piece)
                return self._guess(*piece)
        return None

    def _guess(self, start: int, end: int) -> Job:
        """A speculative job for samples [start, end) of the audio not yet sent (the buffer
        joined into one array once, for this and later guesses)."""
        data = np.concatenate(self._buf) if len(self._buf) > 1 else self._buf[0]
        self._buf = [data]
        chunk = data[start - self._sent : end - self._sent].copy()
        return Job(start, end, chunk, commit=False)

    def _take(self, end: int) -> np.ndarray:
        """Samples from `_sent` to `end` (absolute), removed from the buffer."""
        data = np.concatenate(self._buf) if len(self._buf) > 1 else self._buf[0]
        n = end - self._sent
        chunk, rest = data[:n], data[n:]
        self._buf = [rest] if len(rest) else []
        self._buf_len = len(rest)
        return chunk

    def _send(self, end: int) -> None:
        start = self._sent
        chunk = self._take(end)
        self._sent = end
        self._cut_guessed.clear()
        # Split points the new stretch already has were offered as part of the old one (from
        # its start): offer them again, from the new start.
        self._spec_from = end
        self._jobs.append(Job(start, end, chunk, commit=True))
        self._wake.notify_all()

    def _offer_speculation(self) -> None:
        if not self._speculate or self._pending is not None:
            return
        newest = [p for p in self._cutter.splits if p > max(self._spec_from, self._sent)]
        if not newest:
            return
        end = newest[-1]
        self._spec_from = end
        self._spec = self._guess(self._sent, end)
        self._wake.notify_all()

    # --- worker ----------------------------------------------------------------------------

    def next_job(self, wait: bool = False) -> Job | None:
        """The next job (committed work first), or None when there is none (or, waiting, once
        the stream is closed and drained)."""
        with self._lock:
            while True:
                if self._jobs:
                    job = self._jobs.popleft()
                elif (guess := self._cut_guess()) is not None:
                    job = guess  # the answer may have ended in the pause cut: Stop comes next
                elif self._spec is not None:
                    job, self._spec = self._spec, None
                    if job.start != self._sent:
                        continue  # its stretch was cut meanwhile: moot
                else:
                    if not wait or self._closed:
                        return None
                    self._wake.wait()
                    continue
                self._running = job
                return job

    def run_job(self, job: Job) -> None:
        """Transcribe `job` (or reuse the speculative result for exactly its audio)."""
        try:
            with self._lock:
                part = self._done.pop((job.start, job.end), None) if job.commit else None
            if part is None and self._error is None:
                t0 = time.perf_counter()

                def step(end_s: float) -> None:  # Whisper's segments as they come
                    with self._lock:
                        self._decoded_to = max(self._decoded_to, job.start + int(end_s * RATE_HZ))

                try:
                    part = self._decode(job.samples, speculative=not job.commit, step=step)
                except BaseException as exc:  # noqa: BLE001 - delivered to finish()
                    log.exception("Streaming transcription failed")
                    self._error = exc
                finally:
                    self._busy_s += time.perf_counter() - t0
            if part is None:
                return
            offset_s = job.start / RATE_HZ
            words = tuple(w.shifted(offset_s) for w in part.words)
            with self._lock:
                if not job.commit:
                    if job.start >= self._committed_to:  # not committed meanwhile
                        self._done[(job.start, job.end)] = part
                    return
                self._committed_to = job.end
                self._done = {k: v for k, v in self._done.items() if k[0] >= job.end}
                self._words.extend(words)
                self._gaps.extend(g.shifted(offset_s) for g in part.voiced_gaps)
                committed = tuple(self._words)
            if self._on_words is not None and words:
                self._on_words(committed)
        finally:
            with self._lock:
                self._running = None
                self._wake.notify_all()

    def _decode(
        self,
        samples: np.ndarray,
        speculative: bool = False,
        step: Callable[[float], None] | None = None,
    ) -> Transcript | None:
        if speculative and self._lookahead is not None:
            return self._lookahead.decode(samples)  # None: not ready, dropped at Stop, failed
        # Audio already cut at a pause must not be cut again.
        one = getattr(self._transcriber, "transcribe_stretch", None)
        if one is None:
            return self._transcriber.transcribe(samples)
        return one(samples, step=step) if step is not None and not speculative else one(samples)

    def _run(self) -> None:
        while True:
            job = self.next_job(wait=True)
            if job is None:
                return
            self.run_job(job)

    # --- consumer side ---------------------------------------------------------------------

    @property
    def committed_words(self) -> tuple[Word, ...]:
        """Words of finished stretches: final."""
        with self._lock:
            return tuple(self._words)

    def words_so_far(self) -> tuple[Word, ...]:
        """Committed words plus the newest speculative words of the stretch in progress."""
        with self._lock:
            words = list(self._words)
            newest: dict[int, tuple[int, Transcript]] = {}
            for (start, end), part in self._done.items():
                if start >= self._committed_to and end > newest.get(start, (0, part))[0]:
                    newest[start] = (end, part)
        # The longest guess from each place, in order, never two of the same audio.
        at = 0
        for start in sorted(newest):
            end, part = newest[start]
            if start >= at:
                words += [w.shifted(start / RATE_HZ) for w in part.words]
                at = end
        return tuple(words)

    @property
    def busy_s(self) -> float:
        """Seconds the worker has spent transcribing so far."""
        return self._busy_s

    @property
    def queued_s(self) -> float:
        """Finished stretches waiting for the worker (not the stretch in progress), in seconds."""
        with self._lock:
            return sum(len(j.samples) for j in self._jobs) / RATE_HZ

    @property
    def transcribed_fraction(self) -> float:
        """The share of the audio so far that has been transcribed for good: finished pieces,
        and the piece being decoded as far as Whisper has got through it (what "Analysing… n%"
        shows once the user has stopped: most of the answer was transcribed while it was
        spoken, and the rest moves the bar as it is decoded)."""
        with self._lock:
            total = self._sent + self._buf_len
            done = max(self._committed_to, min(self._decoded_to, self._running_end()))
            return min(1.0, done / total) if total else 0.0

    def _running_end(self) -> int:
        """End of the committed job being decoded (lock held), else of what is committed."""
        job = self._running
        return job.end if job is not None and job.commit else self._committed_to

    @property
    def pending_s(self) -> float:
        """Committed audio waiting for the worker plus the unsent tail, in seconds."""
        with self._lock:
            queued = sum(len(j.samples) for j in self._jobs)
            return (queued + self._buf_len) / RATE_HZ

    def close(self) -> None:
        """Queue the rest of the answer: the last stretch, split at its tail split point."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
            if self._resampler is not None:
                self._speculate, speculate = False, self._speculate
                self._add(self._resampler.flush())
                self._speculate = speculate
            if self._pending is not None:  # the answer ended in the pause of the last cut
                split = self._cutter.cut_split(self._sent + self._buf_len)
                if split is not None and self._sent < split < self._pending:
                    self._send(split)
                self._commit_pending()
            end = self._sent + self._buf_len
            split = self._cutter.tail_split(end)
            if split is not None and self._sent < split < end:
                self._send(split)
            if end > self._sent:
                self._send(end)
            self._spec = None
            self._closed = True
            running = self._running
            self._wake.notify_all()
        if self._lookahead is not None:
            if running is not None and not self.needed(running):
                self._lookahead.drop()  # a guess the rest of the answer cannot use: do not wait
            # No guess is asked for after this: the process ends now, or as soon as the guess
            # in flight that the rest needs is answered (its memory is a second model's).
            self._lookahead.release(self._lookahead_gen)

    def needed(self, job: Job) -> bool:
        """Once closed: whether the rest of the answer needs `job`'s result (a committed job, or
        a guess for exactly the audio of a job still queued)."""
        with self._lock:
            return job.commit or any((q.start, q.end) == (job.start, job.end) for q in self._jobs)

    def finish(
        self, model_name: str = "", progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """Send the rest, wait for the worker and return the whole answer's Transcript.

        `progress` gets `transcribed_fraction` every `PROGRESS_S` while the rest is decoded."""
        self.close()
        if self._worker is not None:
            while self._worker.is_alive():
                self._worker.join(PROGRESS_S)
                if progress is not None:
                    progress(self.transcribed_fraction)
        else:
            while (job := self.next_job()) is not None:
                self.run_job(job)
        if self._error is not None:
            raise self._error
        words = tuple(sorted(self._words, key=lambda w: w.start_s))
        return Transcript(words, self._sent / RATE_HZ, tuple(self._gaps), model=model_name)

    def abort(self) -> None:
        """Stop without waiting for pending work (recording discarded)."""
        with self._lock:
            self._finished = True
            self._closed = True
            self._jobs.clear()
            self._spec = None
            self._wake.notify_all()
        if self._lookahead is not None:
            self._lookahead.drop()  # no guess in flight is of use now
            self._lookahead.release(self._lookahead_gen)
