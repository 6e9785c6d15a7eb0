"""analyze() on arbitrary transcripts: never crashes, sections always make sense."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach.analysis import analyze
from voicecoach.domain import (
    SECTION_NAMES,
    NoSpeechError,
    Question,
    SectionTargets,
    Transcript,
    VoicedGap,
    Word,
)

# Words that steer the analysis (STAR cues, fillers, numbers, pronouns, punctuation) plus junk.
_vocab = st.sampled_from(
    ["I", "we", "So,", "so", "um", "uh,", "Hmm.", "like", "you", "know", "mean", "then",
     "my", "job", "was", "to", "the", "result", "was.", "In", "the", "end,", "learned",
     "30%", "2019", "$4m", "ago.", "Last", "year", "situation", "task:", "action!", "?", "...",
     "", " ", "—", "Okay.", "right?", "Yeah,", "well,", "ÉCOLE", "naïve", "日本", "🙂"]
)  # fmt: skip
_text = st.one_of(_vocab, st.text(max_size=12))


@st.composite
def transcripts(draw) -> Transcript:
    """Words in time order (overlaps, zero lengths and long silences allowed), gaps, duration."""
    n = draw(st.integers(0, 80))
    t = draw(st.floats(0.0, 5.0))
    words = []
    for _ in range(n):
        t += draw(st.floats(0.0, 4.0))
        length = draw(st.floats(0.0, 1.5))
        words.append(Word(draw(_text), round(t, 3), round(t + length, 3), draw(st.floats(0, 1))))
        if draw(st.booleans()):
            t += length
    end = max([w.end_s for w in words], default=0.0)
    duration = end + draw(st.floats(0.0, 10.0))
    gaps = []
    for _ in range(draw(st.integers(0, 5))):
        a = draw(st.floats(0.0, max(duration, 0.1)))
        gaps.append(VoicedGap(round(a, 3), round(a + draw(st.floats(0.05, 2.0)), 3)))
    return Transcript(tuple(words), duration, tuple(sorted(gaps, key=lambda g: g.start_s)))


_question = st.one_of(
    st.none(),
    st.builds(
        Question,
        id=st.just("q"),
        pack=st.just("p"),
        topic=st.just("t"),
        prompt=st.just("Tell me about a time."),
        kind=st.sampled_from(["star", "drill"]),
        key_points=st.lists(st.sampled_from(["numbers", "what you learned", ""]), max_size=3).map(
            tuple
        ),
        targets=st.builds(
            SectionTargets,
            st.floats(1, 60),
            st.floats(1, 60),
            st.floats(1, 120),
            st.floats(1, 60),
            st.floats(10, 600),
        ),
    ),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript=transcripts(), question=_question)
def test_analyze_never_crashes_and_sections_are_well_formed(transcript, question):
    """Any transcript: NoSpeechError only without words; else contiguous, ordered sections."""
    if not transcript.words:
        with pytest.raises(NoSpeechError):
            analyze(transcript, question)
        return
    report = analyze(transcript, question)
    words = transcript.words
    assert len(report.word_sections) == len(words)
    names = [s.name for s in report.sections]
    assert names == sorted(names, key=SECTION_NAMES.index) and len(set(names)) == len(names)
    assert set(names) | set(report.missing_sections) == set(SECTION_NAMES) or not names
    first = min(w.start_s for w in words)
    last = max(w.end_s for w in words)
    for a, b in zip(report.sections, report.sections[1:], strict=False):
        assert a.end_s == b.start_s  # contiguous: no gap, no overlap
    for s in report.sections:
        assert first - 1e-9 <= s.start_s <= s.end_s <= last + 1e-9  # within the speech
        assert s.end_s <= transcript.duration_s + 1e-9
    if question is not None and question.kind == "drill":
        assert report.sections == () and set(report.word_sections) == {None}
    # Every other measure is a finite number within the recording.
    assert report.pace_wpm >= 0 and report.speech_s >= 0
    assert report.speech_s <= transcript.duration_s + 1e-6
    for p in report.pauses:
        assert 0 <= p.start_s <= p.end_s <= transcript.duration_s + 1e-9
    for f in report.fillers:
        assert f.start_s <= f.end_s
        if f.word_index is not None:
            assert 0 <= f.word_index and f.word_index + f.n_words <= len(words)
    assert all(isinstance(v, str) and v for v in report.verdicts)
    assert all(c.detail for c in report.checks)
