"""Plain data shared by every layer: questions, transcripts, reports.

Everything here is a frozen dataclass with units in field names. Nothing here imports Qt,
sounddevice or faster-whisper; `analysis`, `speech`, `store` and `ui` all depend on this module
and on nothing above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SectionName = Literal["situation", "task", "action", "result"]
SECTION_NAMES: tuple[SectionName, ...] = ("situation", "task", "action", "result")

FillerKind = Literal["filled_pause", "discourse", "unlabelled"]


class VoiceCoachError(Exception):
    """An expected failure with a message a user can act on (shown as-is, no traceback)."""


class AudioError(VoiceCoachError):
    """Audio that cannot be read, decoded or recorded."""


class NoSpeechError(VoiceCoachError):
    """The recording holds no speech to analyse."""


class ModelError(VoiceCoachError):
    """The speech model cannot be found or loaded."""


class PackError(VoiceCoachError):
    """A question pack that cannot be used; the message names file, question id and field."""


class DeviceError(VoiceCoachError):
    """A microphone or speaker problem (missing, busy, unplugged)."""


class StorageError(VoiceCoachError):
    """The user data folder or the history database cannot be used (the message names the path)."""


class OperationCancelled(VoiceCoachError):
    """Work stopped because the user (or app exit) asked it to; not a failure to report loudly."""


# --- questions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionTargets:
    """Target seconds for each STAR section and for the whole answer.

    The total is its own figure (two minutes by default), not the sum of the sections
    (15 + 15 + 60 + 20 = 110 s): the sections are "about" targets and an answer has some
    slack for a headline and transitions.
    """

    situation_s: float = 15.0
    task_s: float = 15.0
    action_s: float = 60.0
    result_s: float = 20.0
    total_s: float = 120.0

    def for_section(self, name: SectionName) -> float:
        return float(getattr(self, f"{name}_s"))

    def scaled_to(self, total_s: float) -> SectionTargets:
        """The same proportions stretched or shrunk to a new total (e.g. `--target-seconds`)."""
        k = total_s / self.total_s
        return SectionTargets(
            self.situation_s * k, self.task_s * k, self.action_s * k, self.result_s * k, total_s
        )


@dataclass(frozen=True)
class Question:
    """One interview question from a pack. Text fields are our own words, shown and read aloud."""

    id: str
    pack: str
    topic: str
    prompt: str
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    probing: str = ""  # what the interviewer is really listening for
    key_points: tuple[str, ...] = ()
    structure_hint: str = ""
    mistakes: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    targets: SectionTargets = field(default_factory=SectionTargets)
    kind: Literal["star", "drill"] = "star"  # drills are not STAR-timed (explain a concept ...)


# --- transcripts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One recognised word. `text` is as Whisper wrote it, stripped of surrounding spaces."""

    text: str
    start_s: float
    end_s: float
    probability: float = 1.0

    def shifted(self, dt_s: float) -> Word:
        """The same word `dt_s` later (a piece's times moved into the whole answer's)."""
        return Word(self.text, self.start_s + dt_s, self.end_s + dt_s, self.probability)


@dataclass(frozen=True)
class VoicedGap:
    """A stretch with voiced sound but no recognised word: an 'hmm' or 'er' Whisper left out."""

    start_s: float
    end_s: float

    def shifted(self, dt_s: float) -> VoicedGap:
        return VoicedGap(self.start_s + dt_s, self.end_s + dt_s)


@dataclass(frozen=True)
class Transcript:
    words: tuple[Word, ...]
    duration_s: float
    voiced_gaps: tuple[VoicedGap, ...] = ()
    model: str = ""

    @property
    def text(self) -> str:
        from voicecoach.analysis.text import join_words  # analysis imports this module

        return join_words(w.text for w in self.words)


# --- report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filler:
    """A filler occurrence. `word_index` is None for an unlabelled voiced gap."""

    text: str  # normalised: "um", "you know", "like"; "(voiced pause)" for unlabelled
    kind: FillerKind
    start_s: float
    end_s: float
    word_index: int | None = None
    n_words: int = 1  # multi-word fillers ("you know") span word_index .. word_index+n_words-1


@dataclass(frozen=True)
class Sentence:
    """A sentence of the answer and the STAR section it was placed in, with the reason why."""

    first_word: int  # index into Transcript.words
    last_word: int  # inclusive
    start_s: float
    end_s: float
    text: str
    section: SectionName | None  # None in an answer timed as a whole (a drill, a follow-up)
    reason: str  # e.g. 'cue "my job was" → task' or 'follows the previous sentence'


@dataclass(frozen=True)
class Section:
    name: SectionName
    start_s: float
    end_s: float
    target_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def over_s(self) -> float:
        """Seconds over target (negative when under)."""
        return self.duration_s - self.target_s


@dataclass(frozen=True)
class Pause:
    start_s: float
    end_s: float
    after_word: int  # index of the word before the pause (-1: before the first word)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Check:
    """A content check with its verdict and where in the audio to hear the evidence."""

    name: str  # headline | quantified_result | learning | i_vs_we | ...
    passed: bool
    detail: str  # one plain line for the user
    at_s: float | None = None  # where to replay to check it; None when nothing was found
    value: float | None = None  # the measured figure behind it (a count, a rate), if any


@dataclass(frozen=True)
class Report:
    """Everything measured about one answer. `to_json` in `voicecoach.report` gives stable keys."""

    question_id: str | None
    duration_s: float
    transcript: Transcript
    word_sections: tuple[SectionName | None, ...]  # parallel to transcript.words
    sentences: tuple[Sentence, ...]
    sections: tuple[Section, ...]  # only sections found, in spoken order
    missing_sections: tuple[SectionName, ...]
    targets: SectionTargets
    fillers: tuple[Filler, ...]
    speech_s: float  # time spent speaking (words plus short gaps), basis of pace
    pace_wpm: float
    pauses: tuple[Pause, ...]
    pronouns: dict[str, int]  # {"i": n, "we": n}
    checks: tuple[Check, ...]
    verdicts: tuple[str, ...]  # plain-language timing lines ("Situation ran 41 s, 26 s over ...")

    @property
    def filler_words(self) -> frozenset[int]:
        """Indexes of words that are part of a filler."""
        out: set[int] = set()
        for f in self.fillers:
            if f.word_index is not None:
                out.update(range(f.word_index, f.word_index + f.n_words))
        return frozenset(out)
