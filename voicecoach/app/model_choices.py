"""The speech models to offer in Settings, with their speed measured on this machine.

`ModelChoices` owns the catalogue (`speech.models`) and the one-off speed measurement: for
each installed offline model without a remembered figure it transcribes up to 30 s of the
user's newest take on a background pool, remembers the figure in the user cache
(`model-speed.json`) and emits `changed`. Nothing here blocks the GUI thread, and nothing is
measured while no take exists yet (there is no speech to measure on).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach.settings import TranscriberSettings
from voicecoach.speech import models

log = logging.getLogger(__name__)


# CPU per second of speech against bundled tiny.en, as measured by `bench/speed.py` on a 106 s
# answer, 2 threads: base 30.8 s against tiny.en's 11.8 s per thread (docs/decisions/fillers.md,
# "Default model"). The figure Settings gives for what a model costs; the speed measured on
# this computer is shown beside it.
CPU_VS_TINY: dict[str, float] = {models.BASE: 30.8 / 11.8}


@dataclass(frozen=True)
class ModelChoice:
    info: models.ModelInfo
    rtf: float | None  # seconds of work per second of speech here; None = not measured yet
    measuring: bool = False
    cpu_vs_tiny: float | None = None  # CPU against tiny.en, measured (None: tiny.en itself)


class ModelChoices(QObject):
    changed = Signal()

    def __init__(
        self,
        tasks: Any,  # TaskRunner / SyncTaskRunner
        sample: Callable[[], Path | None],  # the newest take's audio, or None
        settings: Callable[[], TranscriberSettings],
        *,
        cache_dir: Path | None = None,
        measure: Callable[[str, Path, TranscriberSettings], float] = models.measure_speed,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._sample = sample
        self._settings = settings
        self._cache_dir = cache_dir
        self._measure = measure
        self._measuring: set[str] = set()
        self._failed: set[str] = set()

    def choices(self) -> list[ModelChoice]:
        speeds = models.load_speeds(self._cache_dir)
        return [
            ModelChoice(m, speeds.get(m.id), m.id in self._measuring, CPU_VS_TINY.get(m.id))
            for m in models.known_models()
        ]

    def measure_missing(self) -> None:
        """Start measuring, in the background and one at a time, every installed model without
        a figure (two at once would share the cores and halve both figures)."""
        busy = self._measuring | self._failed
        todo = [
            c.info.id
            for c in self.choices()
            if c.info.installed and c.rtf is None and c.info.id not in busy
        ]
        if not todo or self._measuring:
            return
        try:
            sample = self._sample()
        except Exception:  # noqa: BLE001 - a history problem must not break the settings
            log.exception("finding a take to measure model speed on")
            return
        if sample is None or not Path(sample).exists():
            return
        model_id = todo[0]
        self._measuring.add(model_id)
        self._tasks.submit(
            self._measure,
            model_id,
            sample,
            self._settings(),
            on_done=lambda rtf, error: self._done(model_id, rtf, error),
        )
        self.changed.emit()

    def _done(self, model_id: str, rtf: float | None, error: BaseException | None) -> None:
        self._measuring.discard(model_id)
        if error is not None or rtf is None:
            log.warning("Could not measure the speed of %s: %s", model_id, error)
            self._failed.add(model_id)  # not again this run; the dialog shows "not measured"
        else:
            models.save_speed(model_id, rtf, self._cache_dir)
        self.changed.emit()
        self.measure_missing()  # the next one, if any


def newest_take_audio(history: Any, look_at: int = 20) -> Path | None:
    """The audio of the newest analysed take that is still on disk (speech to measure on)."""
    for rec in history.list(limit=look_at):
        if rec.status == "analysed" and Path(rec.audio_path).exists():
            return Path(rec.audio_path)
    return None
