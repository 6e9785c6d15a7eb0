"""ReviewController: the take under review, and the section edges the user moves in it.

The pure helpers `with_sentence_sections` and `move_boundary` re-time a report after a
correction; the controller keeps the correction in history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from voicecoach.app.context import AppContext, Phase
from voicecoach.app.playback import PlaybackController
from voicecoach.domain import Question, Report, Sentence, VoiceCoachError
from voicecoach.report import fmt_time, fmt_when
from voicecoach.settings import AnalysisSettings

# --- section corrections (pure) ----------------------------------------------------------------


def with_sentence_sections(
    report: Report, sections: list[str], settings: AnalysisSettings | None = None
) -> Report:
    """The report with each sentence placed in the given section; timings recomputed."""
    from voicecoach.analysis import sections as star
    from voicecoach.analysis import timing

    if len(sections) != len(report.sentences):
        raise ValueError("corrections do not match this report's sentences")
    new_sentences: list[Sentence] = []
    for s, name in zip(report.sentences, sections, strict=True):
        if name != s.section:
            s = replace(s, section=name, reason=f"moved to {name.title()} by you")
        new_sentences.append(s)
    found, missing = star.build_sections(new_sentences, report.targets)
    return replace(
        report,
        sentences=tuple(new_sentences),
        sections=found,
        missing_sections=missing,
        word_sections=star.word_sections(new_sentences, len(report.transcript.words)),
        verdicts=timing.timing_verdicts(
            found, missing, report.targets, report.duration_s, settings or AnalysisSettings()
        ),
    )


def move_boundary(report: Report, index: int, t_s: float) -> list[str] | None:
    """Sentence sections after moving the edge between sections[index] and [index+1] to `t_s`.

    Sections are made of sentences, so the edge snaps to the nearest sentence start that leaves
    both sections at least one sentence. None when nothing changes.
    """
    if not (0 <= index < len(report.sections) - 1):
        return None
    a, b = report.sections[index], report.sections[index + 1]
    idx = [
        i
        for i, s in enumerate(report.sentences)
        if a.start_s - 0.01 <= s.start_s < b.end_s + 0.01 and s.section in (a.name, b.name)
    ]
    if len(idx) < 2:
        return None
    first, last = idx[0], idx[-1]
    candidates = range(first + 1, last + 1)
    cut = min(candidates, key=lambda i: abs(report.sentences[i].start_s - t_s))
    out = [s.section for s in report.sentences]
    for i in range(first, last + 1):
        out[i] = a.name if i < cut else b.name
    return None if out == [s.section for s in report.sentences] else out


# --- the controller ----------------------------------------------------------------------------


class ReviewController(QObject):
    reviewReady = Signal(object, object, str)  # Report, Question | None, meta line
    reportCorrected = Signal(object)  # Report with user-moved section edges
    reviewCleared = Signal()

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        playback: PlaybackController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.playback = playback
        self._take: int | None = None
        self._report: Report | None = None

    def report(self) -> Report | None:
        return self._report

    def review_take_id(self) -> int | None:
        """The history id of the take the review shows (None when it shows none)."""
        return self._take if self._report is not None else None

    def show(
        self,
        take_id: int,
        report: Report,
        question: Question | None,
        path: Path,
        when: datetime,
        audio_offset_s: float = 0.0,
    ) -> None:
        """Show a take's review, its audio ready to play (`audio_offset_s`: where the report's
        time 0 is in the recording, after an interview answer's thinking time)."""
        self._take = take_id
        self._report = report
        self.playback.load(path, report.duration_s, audio_offset_s)
        meta = f"{fmt_when(when)}  ·  {fmt_time(report.duration_s)}"
        if report.transcript.model:
            meta += f"  ·  model {report.transcript.model}"
        self.reviewReady.emit(report, question, meta)
        self.phase.set("review")

    def take_deleted(self, take_id: int) -> None:
        """A take was deleted: clear the review when it showed that take."""
        if take_id != self._take:
            return
        self.playback.stop_playback()
        self.playback.forget_length()
        self._take, self._report = None, None
        self.reviewCleared.emit()
        if self.phase.state == "review":
            self.phase.set("idle")

    def play_section(self, name: str) -> None:
        if self._report is None:
            return
        s = next((s for s in self._report.sections if s.name == name), None)
        if s is not None:
            self.playback.play(s.start_s, s.end_s, f"Playing {name.title()}")

    def move_section_edge(self, index: int, t_s: float) -> None:
        """The user dragged a section edge: re-time the sections and keep the correction."""
        report = self._report
        if report is None:
            return
        sections = move_boundary(report, index, t_s)
        if sections is None:
            self.reportCorrected.emit(report)  # snap the timeline back
            return
        self._report = with_sentence_sections(report, sections, self.ctx.settings.analysis)
        if self._take is not None:
            try:
                self.ctx.history.save_corrections(
                    self._take, {"sentence_sections": sections, "version": 1}
                )
            except VoiceCoachError as exc:
                self.ctx.fail(str(exc))
        self.reportCorrected.emit(self._report)
