"""Headless path from an audio file to a Report: decode -> transcribe -> analyse."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from voicecoach.analysis import analyze
from voicecoach.domain import AudioError, Question, Report, SectionTargets
from voicecoach.settings import AnalysisSettings
from voicecoach.speech.transcriber import Transcriber


def analyze_file(
    path: Path,
    transcriber: Transcriber,
    question: Question | None = None,
    settings: AnalysisSettings | None = None,
    targets: SectionTargets | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Report:
    """Transcribe and measure one recorded answer. Raises VoiceCoachError subclasses."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"No such file: {path}")
    if path.is_dir():
        raise AudioError(f"{path} is a folder, not an audio file.")
    transcript = transcriber.transcribe(path, progress=progress, cancel=cancel)
    return analyze(transcript, question, settings, targets)
