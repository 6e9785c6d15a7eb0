"""Pure analysis of a transcript: no Qt, no devices, no model. `analyze` is the one entry point."""

from __future__ import annotations

from dataclasses import replace

from voicecoach.analysis import delivery, fillers, sections, text, timing
from voicecoach.domain import NoSpeechError, Question, Report, SectionTargets, Transcript
from voicecoach.settings import AnalysisSettings


def targets_for(question: Question | None, settings: AnalysisSettings) -> SectionTargets:
    """The question's own targets when it has any, else the settings' defaults."""
    return question.targets if question is not None else settings.targets


def analyze(
    transcript: Transcript,
    question: Question | None = None,
    settings: AnalysisSettings | None = None,
    targets: SectionTargets | None = None,
) -> Report:
    """Measure one answer. Raises NoSpeechError when the transcript holds no words."""
    settings = settings or AnalysisSettings()
    words = transcript.words
    if not words:
        raise NoSpeechError(
            "No speech was found in this recording. Check the microphone level and try again."
        )
    targets = targets or targets_for(question, settings)
    spans = text.sentence_spans(words)
    # Stopped mid-sentence: the story was not over, so its last clause is not an ending. Read it
    # as an answer still being spoken (the end left open, no place-in-the-answer features), as
    # the live display read it at Stop: a cut-off "While the rollback ran" is not a Result.
    cut_off = transcript.duration_s - words[-1].end_s < settings.cut_off_s
    sentences = sections.assign_sections(
        words, spans, expected_s=targets.total_s if cut_off else None
    )
    if question is not None and question.kind == "drill":
        # Drills (explain a concept, a follow-up) are timed as a whole, not split into STAR
        # sections: no section found, none missing, and no sentence labelled with one, so no
        # view (review, transcript, exports, JSON) can show a STAR split for it.
        found: tuple = ()
        missing: tuple = ()
        sentences = tuple(
            replace(s, section=None, reason="timed as a whole: not split into STAR sections")
            for s in sentences
        )
        word_secs: tuple = (None,) * len(words)
    else:
        found, missing = sections.build_sections(sentences, targets)
        word_secs = sections.word_sections(sentences, len(words))
    found_fillers = fillers.find_fillers(words, spans, transcript.voiced_gaps)
    speech_s = delivery.speech_time_s(words, max_gap_s=settings.pause_threshold_s)
    # the checks read whole sentences; a sentence whose tail opens the next section (a clause
    # boundary) counts where most of its words are
    sentence_sections = [_majority(word_secs[a : b + 1]) for a, b in spans] if found else None
    return Report(
        question_id=question.id if question else None,
        duration_s=transcript.duration_s,
        transcript=transcript,
        word_sections=word_secs,
        sentences=sentences,
        sections=found,
        missing_sections=missing,
        targets=targets,
        fillers=found_fillers,
        speech_s=speech_s,
        pace_wpm=delivery.pace_wpm(words, speech_s),
        pauses=delivery.find_pauses(words, settings.pause_threshold_s, transcript.duration_s),
        pronouns=delivery.count_pronouns(words),
        checks=delivery.content_checks(
            words, spans, sentence_sections, question, transcript.duration_s
        ),
        verdicts=timing.timing_verdicts(
            found, missing, targets, transcript.duration_s, settings=settings
        ),
    )


def _majority(names: tuple) -> str | None:
    counts: dict[str, int] = {}
    for n in names:
        if n is not None:
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else None
