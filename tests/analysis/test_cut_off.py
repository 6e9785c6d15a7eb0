"""An answer stopped while the speaker was still talking: the clause cut off mid-story is not
taken for the Result (a newcomer stopped mid-Action and the review showed "Result 1 s, 19 s
short" for "While the rollback ran."); a finished answer is read as before."""

from __future__ import annotations

from voicecoach.analysis import analyze, sections, text
from voicecoach.domain import Transcript, Word

STORY = (
    "Last spring our checkout service kept timing out at peak and the mobile app showed a "
    "failed payment screen. My job was to get it stable before the big sale without freezing "
    "other releases. First I set up tracing on the checkout path and pulled a day of traces. "
    "Then I paired with the fraud team and we raised their connection pool and added a timeout. "
    "While the rollback ran"
)


def _words(script: str, word_s: float = 0.36) -> list[Word]:
    out, t = [], 0.5
    for tok in script.split():
        out.append(Word(tok, t, t + word_s - 0.06))
        t += word_s + (0.5 if tok.endswith(".") else 0.0)
    return out


def test_stopped_mid_sentence_the_last_clause_is_not_the_result():
    """Stopped 0.1 s after the last word: no Result section, and Result is called missing."""
    words = _words(STORY)
    report = analyze(Transcript(tuple(words), words[-1].end_s + 0.1))
    assert [s.name for s in report.sections][-1] == "action"
    assert "result" in report.missing_sections
    spans = text.sentence_spans(words)
    # the same words read as a finished answer put that clause in a Result: the rule matters
    assert sections.assign_sections(words, spans)[-1].section == "result"


def test_a_pause_before_stop_reads_the_answer_as_finished():
    """With a second of silence before Stop the answer is read as finished, as before."""
    words = _words(STORY)
    report = analyze(Transcript(tuple(words), words[-1].end_s + 1.0))
    spans = text.sentence_spans(words)
    assert [s.section for s in report.sentences] == [
        s.section for s in sections.assign_sections(words, spans)
    ]
