"""SilenceStop: when an interview answer has ended by itself - silence after speech.

Fed every block as the recorder saved it (on the recorder's tap thread), it keeps time by the
samples it has seen, not by the clock, so a fast fake microphone and a real one behave alike.
Speech is sound clearly above the recording's own noise floor (the quietest tenth of its 20 ms
frames so far), held for `SPOKEN_S` in all; after that, `silence_s` without such sound ends the
answer. It also gives the live thinking time: the audio before the first sound of speech.
Pure numpy; the readers on the GUI thread only read floats.
"""

from __future__ import annotations

import threading

import numpy as np

FRAME_S = 0.02
ABOVE_FLOOR_DB = 15.0  # speech is this far above the floor...
MIN_SPEECH_DBFS = -50.0  # ...and at least this loud
ONSET_FRAMES = 3  # 60 ms in a row start speech
SPOKEN_S = 0.3  # this much speech before a silence can end the answer (not a cough)
FLOOR_FRAMES = 3000  # the floor is measured over the last minute


class SilenceStop:
    def __init__(self, silence_s: float) -> None:
        self.silence_s = float(silence_s)
        self._lock = threading.Lock()
        self._db: list[float] = []
        self._rest = np.zeros(0, dtype=np.float64)
        self._rate_hz = 0
        self._t_s = 0.0  # audio seen so far
        self._run = 0  # loud frames in a row
        self._spoken_s = 0.0
        self._onset_s: float | None = None
        self._last_loud_s = 0.0
        self._ended = False

    @property
    def onset_s(self) -> float | None:
        """Where speech first started in the answer (None: not yet)."""
        return self._onset_s

    @property
    def heard_s(self) -> float:
        return self._t_s

    def feed(self, block: np.ndarray, rate_hz: int) -> bool:
        """Take one block; True exactly once, when the silence after speech is long enough."""
        x = np.asarray(block, dtype=np.float64)
        if x.ndim == 2:
            x = x.mean(axis=1)
        with self._lock:
            if rate_hz != self._rate_hz:
                self._rate_hz, self._rest = rate_hz, np.zeros(0, dtype=np.float64)
            frame = max(1, int(rate_hz * FRAME_S))
            x = np.concatenate([self._rest, x])
            n = len(x) // frame
            self._rest = x[n * frame :]
            if n == 0:
                return False
            frames = x[: n * frame].reshape(n, frame)
            db = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
            self._db.extend(db.tolist())
            if len(self._db) > FLOOR_FRAMES:
                del self._db[: len(self._db) - FLOOR_FRAMES]
            # the floor moves slowly: once a block is enough
            floor = float(np.percentile(self._db, 10)) if len(self._db) >= 10 else -90.0
            threshold = max(floor + ABOVE_FLOOR_DB, MIN_SPEECH_DBFS)
            fired = False
            for d in db:
                self._t_s += frame / rate_hz
                loud = d > threshold
                self._run = self._run + 1 if loud else 0
                if self._run >= ONSET_FRAMES:
                    if self._onset_s is None:
                        self._onset_s = max(0.0, self._t_s - ONSET_FRAMES * FRAME_S)
                    self._spoken_s += frame / rate_hz
                    self._last_loud_s = self._t_s
                spoken = self._spoken_s >= SPOKEN_S
                quiet_s = self._t_s - self._last_loud_s
                if spoken and self.silence_s > 0 and quiet_s >= self.silence_s and not self._ended:
                    self._ended = fired = True
            return fired
