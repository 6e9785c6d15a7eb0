"""A history with analysed takes of the hand-built sample report (no engine needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.ui.sample_report import QUESTION, sample_report
from voicecoach.report import to_json
from voicecoach.store.history import History
from voicecoach.store.paths import AppPaths

RATE = 16000


def make_history(root: Path, n: int = 2) -> tuple[AppPaths, list[int]]:
    """`n` analysed takes of QUESTION (with a short WAV each) under `root`; their ids."""
    paths = AppPaths.at(root).ensure()
    report = sample_report()
    ids = []
    with History(paths.db_path) as h:
        for k in range(n):
            wav = paths.data_dir / f"take{k}.wav"
            noise = np.random.default_rng(k).standard_normal(RATE // 2) * 0.02
            sf.write(wav, noise.astype(np.float32), RATE, subtype="PCM_16")
            when = datetime(2026, 11, 20 + k, 9, 30, tzinfo=UTC)
            take = h.start_take(QUESTION.id, QUESTION.pack, QUESTION.prompt, wav, created_at=when)
            h.finish_recording(take, report.duration_s)
            h.save_report(take, to_json(report), report.transcript.model)
            ids.append(take)
    return paths, ids
