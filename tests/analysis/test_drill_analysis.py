"""A drill is timed as a whole: analysis, JSON, text summary and shown figures name no STAR
section for it, and never call one missing."""

from __future__ import annotations

from tests.analysis.words import words_from
from voicecoach.analysis import analyze
from voicecoach.domain import SECTION_NAMES, Question, SectionTargets, Transcript
from voicecoach.report import format_text, report_from_json, take_figures, to_json

# a follow-up drill answered as a full story: the STAR splitter would find all four sections
ANSWER = (
    "I cut our monthly cloud bill for the search cluster by 40% without any loss in query "
    "speed. [1.1] The search cluster had grown over three years and nobody had looked at its "
    "sizing. [1.1] My manager asked me to find savings of at least 20% without hurting "
    "customers. First, I pulled three months of usage data and found that most nodes sat "
    "below 15% CPU. Then I moved the old indices onto cheaper storage and merged small shards. "
    "I wrote a short design note and ran it past the team. As a result the bill dropped by "
    "$18,000 a month and I learned to look at the data before guessing."
)
DRILL = Question(
    "drill-hardest-part",
    "drills",
    "Follow-up answers",
    "Pick a project you have talked about recently. What was the hardest part of it, and why?",
    kind="drill",
    targets=SectionTargets().scaled_to(75.0),
)


def timed_as_whole(report) -> bool:
    """No section found and none missing: what `report.timed_as_whole` tests."""
    return not report.sections and not report.missing_sections


def drill_report():
    words = words_from(ANSWER)
    return analyze(Transcript(words, duration_s=words[-1].end_s + 0.4), DRILL)


def test_drill_sentences_carry_no_star_section():
    """No sentence of a drill is labelled Situation..Result (the transcript was coloured by
    those labels), and no section is found or missing."""
    r = drill_report()
    assert r.sentences and all(s.section is None for s in r.sentences)
    assert r.sections == () and r.missing_sections == ()
    assert set(r.word_sections) == {None}
    assert timed_as_whole(r)
    # the same answer as a STAR question is split: the drill path is what removes the labels
    star = analyze(r.transcript, Question("q", "p", "t", "Tell me.", targets=DRILL.targets))
    assert not timed_as_whole(star) and star.sections


def test_drill_json_round_trip_keeps_no_sections():
    """`analyze --json`, history and exports hold no section name for a drill's sentences."""
    r = drill_report()
    d = to_json(r)
    assert {s["section"] for s in d["sentences"]} == {None}
    back = report_from_json(d)
    assert back.sentences == r.sentences and timed_as_whole(back)


def test_drill_text_summary_and_figures_say_timed_as_whole():
    """The text summary and the shown figures (History, Compare) never say "missing" for a
    drill's sections."""
    r = drill_report()
    text = format_text(r, DRILL.prompt)
    assert "missing" not in text and "Timed as a whole (no STAR sections)" in text
    fig = take_figures(r)
    assert fig.whole and fig.sections_s == {}
    assert all(fig.section_text(n) == "—" for n in SECTION_NAMES)


def test_a_drill_stored_with_star_story_checks_reads_as_a_drill_does_now():
    """A drill saved before drills lost the headline check still shows only a drill's checks
    in every view (they all rebuild it with report_from_json); a STAR answer keeps its own."""
    r = drill_report()
    d = to_json(r)
    d["checks"]["headline"] = {"passed": False, "detail": "Headline: what you did and the result"}
    back = report_from_json(d)
    assert "headline" not in {c.name for c in back.checks}
    assert {c.name for c in back.checks} == {c.name for c in r.checks}
    star = analyze(r.transcript, Question("q", "p", "t", "Tell me.", targets=DRILL.targets))
    again = report_from_json(to_json(star))
    assert "headline" in {c.name for c in again.checks}
