"""Shared pieces for the fault tests: tone-burst "speech" with known word times, a transcriber
that hears those bursts, and a session built on the real window with fakes underneath."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import soundfile as sf

from voicecoach.domain import Transcript, Word

RATE = 16000
WORD_S = 0.3
BURST_HZ = 170.0


def burst_speech(
    n_words: int, *, seed: int = 3, sentence_every: int = 8
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """One tone burst per word over a faint noise floor; a longer gap ends each 'sentence'."""
    rng = np.random.default_rng(seed)
    spans, t = [], 0.6
    for i in range(n_words):
        spans.append((round(t, 3), round(t + WORD_S, 3)))
        t += WORD_S + (0.7 if (i + 1) % sentence_every == 0 else 0.12)
    x = (rng.standard_normal(int((t + 0.6) * RATE)) * 0.001).astype(np.float32)
    for a, b in spans:
        i, j = int(a * RATE), int(b * RATE)
        x[i:j] += 0.3 * np.sin(2 * np.pi * BURST_HZ * np.arange(j - i) / RATE).astype(np.float32)
    return x, spans


def write_wav(path: Path, x: np.ndarray, rate: int = RATE) -> Path:
    sf.write(path, x, rate, subtype="PCM_16")
    return path


SCRIPT = (
    "Last year I was the tech lead on our payments team. "
    "My job was to find the cause and fix it before the sale. "
    "I rewrote the query and added a cache in front of it. "
    "As a result, timeouts dropped from four percent to almost zero."
).split()


class BurstTranscriber:
    """Hears one word per tone burst (20 ms frames over a level), in order across calls.

    Words are named from `script` (cycling) or "w0", "w1"... Works on files and on arrays, so
    the app may stream to it. `delay_s` per call; honours cancel; `error` is raised instead.
    """

    supports_streaming = True
    model_name = "burst-fake"

    def __init__(
        self,
        script: list[str] | None = None,
        *,
        delay_s: float = 0.0,
        error: BaseException | None = None,
    ) -> None:
        self.script = script
        self.delay_s = delay_s
        self.error = error
        self.calls: list[str] = []
        self.next = 0
        self.lock = threading.Lock()
        self.loaded = False

    def load(self) -> None:
        if self.error is not None:
            raise self.error
        self.loaded = True

    def _name(self) -> str:
        with self.lock:
            i, self.next = self.next, self.next + 1
        return self.script[i % len(self.script)] if self.script else f"w{i}"

    def transcribe(self, audio, progress=None, cancel=None) -> Transcript:
        from voicecoach.audio.decode import load_audio
        from voicecoach.domain import OperationCancelled

        if self.error is not None:
            raise self.error
        if isinstance(audio, np.ndarray):
            self.calls.append("array")
        else:
            self.calls.append("file")
            audio = load_audio(audio)
            self.next = 0
        if self.delay_s and cancel is not None and cancel.wait(self.delay_s):
            raise OperationCancelled("Transcription cancelled.")
        if cancel is not None and cancel.is_set():
            raise OperationCancelled("Transcription cancelled.")
        hop = 320
        n = len(audio) // hop
        loud = np.sqrt(np.mean(audio[: n * hop].reshape(n, hop) ** 2, axis=1)) > 0.05
        words, start = [], None
        for i, on in enumerate(np.append(loud, False)):
            if on and start is None:
                start = i
            elif not on and start is not None:
                words.append(Word(self._name(), start * 0.02, i * 0.02))
                start = None
        if progress is not None:
            progress(1.0)
        return Transcript(tuple(words), len(audio) / RATE, model=self.model_name)


def banner_text(window) -> str:
    """What the window's status banner says ('' when hidden)."""
    from PySide6.QtWidgets import QLabel

    if window.status_banner.isHidden():
        return ""
    return window.findChild(QLabel, "statusBannerText").text()


def click_record(qtbot, window) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    qtbot.mouseClick(window.findChild(QPushButton, "recordButton"), Qt.MouseButton.LeftButton)


def seed_analysed_take(history, paths, audio, question_id: str = "warmup-01") -> int:
    """An analysed take in history (audio on disk, report stored), as a previous session left."""
    from tests.fakes.transcriber import words_from_text
    from voicecoach.analysis import analyze
    from voicecoach.domain import Transcript
    from voicecoach.report import to_json

    path = paths.new_take_path(question_id)
    write_wav(path, audio)
    take = history.start_take(question_id, "core_senior", "Tell me about a conflict.", path)
    history.finish_recording(take, len(audio) / RATE)
    text = " ".join(SCRIPT)
    report = analyze(Transcript(words_from_text(text), len(audio) / RATE, model="fake"))
    history.save_report(take, to_json(report), "fake")
    return take
