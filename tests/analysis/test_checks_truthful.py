"""Content checks say only what the transcript bears out (newcomer round 5, 30 Nov): phrases are
counted only as said, the headline quotes the opening it judged, hints never contradict what was
said, and a drill gets only the checks that fit an explanation."""

from __future__ import annotations

from dataclasses import replace

from tests.analysis.words import words_from
from voicecoach.analysis.delivery import (
    DRILL_CHECKS,
    I_VS_WE_FAIL,
    I_VS_WE_PASS,
    content_checks,
)
from voicecoach.domain import Check, Question


def _checks(text: str, question: Question | None = None, duration_s: float = 0.0):
    words = words_from(text)
    return {c.name: c for c in content_checks(words, None, None, question, duration_s)}


# --- 1. a phrase is counted only when it was said as one ----------------------------------------


def test_so_that_is_not_counted_across_a_sentence_end():
    """Protects: "fairly so. That automation" was counted as a "so that" (r8-detail.png)."""
    c = _checks(
        "The QA lead was worried, and fairly so. That automation would hide problems. "
        "She had shaped it because she cared."
    )["because"]
    assert '"because" once' in c.detail and "so that" not in c.detail
    assert "fairly so" not in c.detail


def test_a_phrase_is_not_counted_across_breaking_punctuation_but_is_within_a_clause():
    """A comma, semicolon or dash inside a phrase breaks it; said as one run it counts."""
    for broken in ("I did it so, that was that.", "We left it so; that was fine.", "so— that"):
        assert _checks(broken)["because"].passed is False, broken
    c = _checks("I split the job so that one person spoke to customers.")["because"]
    assert c.passed and '"so that" once' in c.detail


def test_a_phrase_is_not_counted_across_a_long_silence_that_ends_a_sentence():
    """A sentence ended by a long silence (no punctuation) also breaks a phrase."""
    c = _checks("we kept the old system running for years and fairly so [2.0] that was all")
    assert not c["because"].passed


# --- 2. the headline judges the opening and quotes it ---------------------------------------


MIGRATION = (
    "My part was the data migration. I wrote the plan, built the scripts to copy and check "
    "every record, and ran the three rehearsals. On the night, I led the cut over and made the "
    "call to go ahead once the checks came back clean."
)


def test_headline_quotes_the_opening_sentence_it_judged():
    """Protects: "and ran the three rehearsals" was quoted as the opening of an answer that
    opened with "My part was the data migration" (80c.png)."""
    c = _checks(MIGRATION)["headline"]
    assert c.passed
    assert "\u201cMy part was the data migration\u201d" in c.detail
    assert "rehearsals" not in c.detail and c.at_s == 0.0


def test_a_real_first_sentence_is_the_whole_opening_and_a_count_of_work_is_no_result():
    """The second sentence is not the opening when the first is about something (not a
    preface), and "ran the three rehearsals" counts work done, not a change."""
    opening = "The data migration was mine. "
    rest = "I wrote the plan, built the scripts, and ran the three rehearsals."
    assert not _checks(opening + rest)["headline"].passed
    # the same second sentence after a mere preface is judged, and still is no result
    assert not _checks("Sure, that one is easy. " + rest)["headline"].passed


def test_a_headline_quote_starts_where_its_sentence_starts():
    """Evidence deep in the opening sentence is quoted with the sentence's first words, and
    replays from the sentence's start, so it reads as the opening it was."""
    text = (
        "Sure, that one is easy. After a long quarter of planning, arguing with finance and "
        "testing, we finally cut the bill by 40% in May."
    )
    words = words_from(text)
    c = _checks(text)["headline"]
    after = next(w for w in words if w.text == "After")
    assert c.passed and c.at_s == after.start_s
    assert "\u201cAfter a long quarter" in c.detail and "cut the bill by 40%" in c.detail


# --- 3. a hint never contradicts the transcript ----------------------------------------------

IMPACT = "Open with impact: who was affected, how badly, and for how long."
INCIDENT = Question(
    "incident-01",
    "core",
    "Incidents",
    "Tell me about a production incident you were part of.",
    key_points=(IMPACT,),
)


def test_open_with_impact_is_not_offered_to_an_opening_that_gave_the_impact():
    """Protects: "Open with impact: who was affected…" was shown to an answer whose first
    sentence was "…one in five customer requests were failing" (r2chk.png)."""
    c = _checks(
        "Last spring the order service started timing out at peak hours and about one in five "
        "customer requests were failing. I was the on call engineer. I paused the report.",
        INCIDENT,
    )["headline"]
    assert "Key point" not in c.detail
    assert c.passed and "Open with impact" in c.detail and "failing" in c.detail
    assert c.at_s == 0.0


def test_open_with_impact_is_still_offered_when_the_impact_came_later():
    """A point about the opening is made only by the opening: impact told in the third
    sentence leaves the hint in place."""
    c = _checks(
        "Last spring I was on call for the order service. It was a quiet week at first. "
        "Then about one in five customer requests were failing.",
        INCIDENT,
    )["headline"]
    assert not c.passed and c.detail.endswith(f"Key point: {IMPACT.rstrip('.')}.")


TRADE_OFF = "Mention the trade-off: a little extra storage and slightly slower writes."
INDEX_DRILL = Question(
    "drill-db-index",
    "drills",
    "Explain it simply",
    "Explain what a database index is.",
    kind="drill",
    key_points=(TRADE_OFF,),
)
INDEX_ANSWER = (
    "Think of an index like the index at the back of a thick book. We added an index on the "
    "invoice date, so the report runs in about 12 seconds instead of 10 minutes. "
)


def test_the_cost_is_names_a_trade_off():
    """Protects: "name a trade-off" was shown although the speaker said "the cost is a little
    extra storage and slightly slower writes" (drillchk.png); "the cost is" is a contrast."""
    c = _checks(
        INDEX_ANSWER + "The cost is a little extra storage and slightly slower writes.",
        INDEX_DRILL,
    )["but"]
    assert c.passed and '"the cost is" once' in c.detail


def test_making_the_questions_trade_off_point_meets_the_contrast_check():
    """Said without any contrast word, the pack's own trade-off still meets the check, and its
    line quotes where: "name a trade-off" is never said to it."""
    text = INDEX_ANSWER + "It needs a little extra storage and makes writes slightly slower."
    words = words_from(text)
    c = _checks(text, INDEX_DRILL)["but"]
    assert c.passed and "Mention the trade-off" in c.detail and "extra storage" in c.detail
    assert "name a trade-off" not in c.detail
    needs = next(w for w in words if w.text == "needs")
    assert c.at_s is not None and c.at_s <= needs.start_s + 1.0


def test_an_unmade_trade_off_point_is_still_offered():
    c = _checks(INDEX_ANSWER, INDEX_DRILL)["but"]
    assert not c.passed and c.detail.endswith(f"Key point: {TRADE_OFF.rstrip('.')}.")


# --- 4. a drill gets the checks that fit an explanation ---------------------------------------


def test_a_drill_gets_no_story_advice():
    """Protects: drills were told "Lead with one sentence: what you did and the result", "say
    why you chose what you did" and, on the I/we tile, "say more about what you did yourself"."""
    checks = _checks(INDEX_ANSWER, INDEX_DRILL, duration_s=20.0)
    assert tuple(checks) == DRILL_CHECKS
    for c in checks.values():
        assert "what you did" not in c.detail and "you chose" not in c.detail, c.detail
    star = _checks(INDEX_ANSWER, duration_s=20.0)
    assert "say why you chose what you did" in star["because"].detail


def test_a_drill_is_judged_on_a_number_lesson_or_i_only_when_its_key_points_ask():
    """A drill whose own key point asks for "I" (what was your contribution?) or a number gets
    that check; the explanation drill above, with none of these points, does not."""
    contribution = Question(
        "drill-contribution",
        "drills",
        "Follow-up answers",
        "What exactly was your contribution?",
        kind="drill",
        key_points=("Use 'I' and name the concrete things you did yourself.",),
    )
    names = tuple(_checks("We planned it. We shipped it.", contribution, 10.0))
    assert names == ("i_vs_we", *DRILL_CHECKS)
    measure = replace(contribution, key_points=("Give the actual number, before and after.",))
    assert tuple(_checks("We planned it.", measure, 10.0)) == ("quantified_result", *DRILL_CHECKS)
    headline_point = replace(contribution, key_points=("Open with a one-sentence definition.",))
    assert tuple(_checks("We planned it.", headline_point, 10.0)) == DRILL_CHECKS


# --- 5. the I/we check's words are the tile's words ----------------------------------------


def test_i_vs_we_line_uses_the_shared_verdict_words():
    """The check's line and the tile (`i_vs_we_verdict`) say the same thing."""
    passed = _checks("I wrote it. We shipped it. We tested it. I fixed it. We won.")["i_vs_we"]
    assert passed.passed and I_VS_WE_PASS in passed.detail
    failed = _checks("We wrote it. We shipped it. We tested it. I fixed it. We won.")["i_vs_we"]
    assert not failed.passed and I_VS_WE_FAIL in failed.detail
    none: Check = _checks("The service was slow. It got faster.")["i_vs_we"]
    assert not none.passed and I_VS_WE_FAIL in none.detail
