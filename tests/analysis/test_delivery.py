"""Delivery measures (speaking time, pace, pauses, pronouns) and content checks on canned
answers: each check passing and failing, evidence times, key-point hints, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.analysis.words import words_from
from voicecoach.analysis.delivery import (
    content_checks,
    count_pronouns,
    find_pauses,
    load_check_lexicon,
    pace_wpm,
    speech_time_s,
)
from voicecoach.analysis.text import norm, sentence_spans
from voicecoach.domain import Check, Question, Word

# --- speaking time and pace ------------------------------------------------------------------


def test_speech_time_counts_words_and_short_gaps_only():
    """A long silence is not speaking time; the 0.1 s gaps between words are."""
    words = words_from("we fixed it [2.0] quickly")  # 3 words 0.0-1.1, then 3.1-3.4
    assert speech_time_s(words, max_gap_s=1.0) == pytest.approx(1.1 + 0.3)
    assert speech_time_s(words, max_gap_s=5.0) == pytest.approx(3.4)


def test_speech_time_ignores_lead_in_and_overlapping_words():
    """Silence before the first word adds nothing; overlapping words are not counted twice."""
    words = (Word("a", 5.0, 6.0), Word("b", 5.5, 6.5), Word("c", 6.5, 6.5))
    assert speech_time_s(words) == pytest.approx(1.5)
    assert speech_time_s(()) == 0.0


def test_pace_counts_real_words_not_hesitations():
    """'um'/'uh' are left out of words per minute; 'like' (a spoken word) stays in."""
    words = words_from("Um, we, like, uh, shipped it on time.")  # 6 real words of 8
    assert pace_wpm(words, 3.0) == pytest.approx(6 * 20)
    assert pace_wpm(words, 0.0) == 0.0


# --- pauses -------------------------------------------------------------------------------------


def test_pauses_between_words_at_or_over_threshold():
    """Gaps >= threshold are pauses with the index of the word before; shorter ones are not."""
    words = words_from("[3.0] We shipped. [2.0] Then [1.0] it [0.9] broke.")
    pauses = find_pauses(words, threshold_s=1.0, duration_s=20.0)
    assert [(p.after_word, round(p.duration_s, 3)) for p in pauses] == [(1, 2.0), (2, 1.0)]
    assert pauses[0].start_s == words[1].end_s and pauses[0].end_s == words[2].start_s


def test_lead_in_and_tail_silence_are_not_pauses():
    """Thinking time before the first word and silence after the last are not reported."""
    words = words_from("[4.0] We shipped it.")
    assert find_pauses(words, 1.0, duration_s=30.0) == ()


def test_pause_is_clipped_to_the_recording():
    """A word timed past the end of the audio cannot stretch a pause beyond the duration."""
    words = (Word("a", 0.0, 1.0), Word("b", 9.0, 9.5))
    (p,) = find_pauses(words, 1.0, duration_s=6.0)
    assert (p.start_s, p.end_s) == (1.0, 6.0)


# --- pronouns -----------------------------------------------------------------------------------


def test_pronoun_forms_are_counted_and_the_country_is_not():
    """All I-forms and we-forms count; all-capitals 'US' (the country) is not 'us'."""
    words = words_from(
        "I'm sure my team and I, we did it ourselves. I've told us and our users in the US."
    )
    assert count_pronouns(words) == {"i": 4, "we": 4}


def test_pronoun_counts_always_have_both_keys():
    """The report and UI read 'i' and 'we' without checking they exist."""
    assert count_pronouns(words_from("The cache broke.")) == {"i": 0, "we": 0}


# --- content checks -----------------------------------------------------------------------------


def _check(text: str, name: str, **kw) -> Check:
    words = words_from(text)
    duration = kw.pop("duration_s", words[-1].end_s if words else 0.0)
    checks = content_checks(
        words, kw.pop("spans", None), kw.pop("sections", None), kw.pop("question", None), duration
    )
    return {c.name: c for c in checks}[name]


GOOD = (
    "I led the migration that cut our deploy time from 40 minutes to 4. "
    "At the time we were releasing once a month. "
    "I chose canary releases because rollbacks were slow, but it cost us a week. "
    "For example, the billing service moved first. "
    "In the end, deploys were 90% faster. "
    "It taught me to measure before I optimise."
)


def test_headline_passes_on_an_outcome_verb():
    """'I led ...' with the result up front is a headline; evidence is the opening."""
    c = _check(GOOD, "headline")
    assert c.passed and c.at_s == 0.0
    assert "I led the migration" in c.detail


def test_headline_is_not_a_role_sentence():
    """'I led a team of six engineers who ...' says who the speaker was, not what happened: it
    sets the scene (a newcomer saw it pass); 'I led the migration that cut ...' still passes."""
    role = (
        "At my previous company, I led a team of six engineers who looked after payments. "
        "One Friday the checkout started failing. I rolled it back and we found the bug."
    )
    c = _check(role, "headline")
    assert not c.passed
    assert _check(GOOD, "headline").passed
    assert _check(
        "We ran the platform group's biggest migration and cut costs by a third. It took a year.",
        "headline",
    ).passed


def test_headline_passes_on_a_summary_phrase():
    """An explicit 'The short version' opening counts as stating the point."""
    c = _check("The short version: the release process got fixed. Then details.", "headline")
    assert c.passed


def test_headline_fails_on_scene_setting_and_points_at_it():
    """Opening with 'At my last company ...' fails and replays the opening."""
    c = _check(
        "At my last company, we had a big monolith. It was written in Java. "
        "I split it up and it got better.",
        "headline",
    )
    assert not c.passed and c.at_s == 0.0
    assert "setting the scene" in c.detail and "At my last company" in c.detail


def test_headline_sees_the_scene_set_after_a_filler():
    """'Um, so this was at my last job …' sets the scene as plainly as 'At my last job …': the
    fillers before it do not hide it."""
    c = _check(
        "Um, so this was at my last job, we had a big monolith in Java. "
        "I split it up and it got better.",
        "headline",
    )
    assert not c.passed
    assert "setting the scene" in c.detail and "so this was" in c.detail


def test_headline_fails_without_a_point_and_has_no_evidence():
    """An opening with neither outcome, number nor summary fails with at_s None."""
    c = _check("Sure. There was a big monolith. It was old and slow.", "headline")
    assert not c.passed and c.at_s is None


def test_headline_ignores_time_ago_numbers():
    """'Two years ago' is a date, not a result."""
    c = _check("Two years ago there was a startup. It had a monolith.", "headline")
    assert not c.passed


def test_quantified_result_passes_on_a_number_in_the_result_section():
    """A number in the Result section passes and replays the words around it."""
    text = "There were 5 engineers. I rewrote the build. Builds got 3x faster."
    words = words_from(text)
    spans = sentence_spans(words)
    c = _check(text, "quantified_result", spans=spans, sections=["situation", "action", "result"])
    assert c.passed and c.value == 1.0
    assert "3x faster" in c.detail
    assert c.at_s is not None and c.at_s <= words[10].start_s  # "3x" is word 10


def test_quantified_result_fails_when_the_only_number_is_in_the_setup():
    """A number in the Situation does not quantify the Result; the detail says so."""
    text = "There were 5 engineers. I rewrote the build. Builds got a lot faster."
    c = _check(
        text,
        "quantified_result",
        spans=sentence_spans(words_from(text)),
        sections=["situation", "action", "result"],
    )
    assert not c.passed and "earlier" in c.detail and c.value == 0.0


def test_quantified_result_without_sections_looks_at_the_end():
    """No sections: a number in the last third passes, none fails with the advice line."""
    assert _check(GOOD, "quantified_result").passed
    c = _check("We had a slow build. I fixed the cache. Builds got faster.", "quantified_result")
    assert not c.passed and c.at_s is None
    assert (
        c.detail
        == "No number in the end of your answer. Say what changed: minutes saved, % fewer errors."
    )


def test_quantified_result_does_not_count_a_year():
    """'in 2019' at the end is a date, not a measured result."""
    c = _check("I fixed the build. It was finally stable in 2019.", "quantified_result")
    assert not c.passed


def test_quantified_result_does_not_count_a_number_that_only_says_when():
    """'After two months' and 'three weeks later' say when, not how much: a Result told with
    only those has no number; a measured change beside them still counts."""

    def result_check(result: str):  # noqa: ANN202
        text = f"The build was slow. I fixed the cache. {result}"
        return _check(
            text,
            "quantified_result",
            spans=sentence_spans(words_from(text)),
            sections=["situation", "action", "result"],
        )

    assert not result_check("After two months, the team was much happier.").passed
    assert not result_check("Three weeks later the team was happier.").passed
    c = result_check("After two months, failures were down 40%.")
    assert c.passed and "40%" in c.detail and "two months" not in c.detail


def test_learning_passes_on_a_lesson_at_the_end():
    """'It taught me ...' near the end passes and points at it."""
    c = _check(GOOD, "learning")
    words = words_from(GOOD)
    assert c.passed and "taught me" in c.detail and c.at_s > words[len(words) // 2].start_s


def test_learning_at_the_start_does_not_count():
    """A 'learned' in the setup is not reflection at the end."""
    c = _check(
        "I learned Go that year. Then I rewrote the service. It went live in May and stayed up.",
        "learning",
    )
    assert not c.passed and c.at_s is None


def test_i_vs_we_passes_when_i_leads():
    """More 'I' than 'we' passes; the counts are in the detail and the share in value."""
    c = _check("I wrote it. I tested it. We shipped it.", "i_vs_we")
    assert c.passed and c.value == pytest.approx(2 / 3)
    assert '"I" 2×' in c.detail and '"we" 1×' in c.detail


def test_i_vs_we_fails_when_we_dominates_and_points_at_a_we():
    """'we' far more than 'I' fails and replays where 'we' was said."""
    words = words_from("We planned it. We wrote it. We tested it. I watched.")
    c = _check("We planned it. We wrote it. We tested it. I watched.", "i_vs_we")
    assert not c.passed and c.at_s == words[0].start_s
    assert '"we" 3×' in c.detail and "only 1×" in c.detail


def test_i_vs_we_fails_with_no_pronouns():
    """An answer that never says who did what fails."""
    c = _check("The team planned it. The cache was rewritten.", "i_vs_we")
    assert not c.passed and c.value is None


@pytest.mark.parametrize("name", ["because", "for_example", "but"])
def test_reasoning_signals_pass_when_present(name):
    """because / for example / but found in the answer pass with a per-two-minute rate."""
    c = _check(GOOD, name, duration_s=60.0)
    assert c.passed and c.value == pytest.approx(2.0)
    assert c.at_s is not None and "per two minutes" in c.detail


@pytest.mark.parametrize("name", ["because", "for_example", "but"])
def test_reasoning_signals_fail_when_absent(name):
    """No signal at all fails with advice and no evidence time."""
    c = _check("I rewrote the build. It got faster.", name)
    assert not c.passed and c.at_s is None and c.value == 0.0
    assert c.detail.startswith("No ")


def test_reasoning_signal_too_rare_for_the_length_fails():
    """One 'because' in five minutes is below one per two minutes."""
    c = _check("I rewrote it because it was slow.", "because", duration_s=300.0)
    assert not c.passed and c.value == pytest.approx(0.4)
    assert 'only "because" once in 5:00' in c.detail


def test_failed_check_borrows_the_most_relevant_key_point():
    """A failed check ends with the question's matching key point; passed ones don't."""
    q = Question(
        "q1",
        "core",
        "impact",
        "Tell me about a time you improved something.",
        key_points=("Show your own role", "Quantify the impact with a metric"),
    )
    c = _check("We sped up the build. We shipped it.", "quantified_result", question=q)
    assert not c.passed and c.detail.endswith("Key point: Quantify the impact with a metric.")
    c = _check("We sped up the build. We shipped it.", "i_vs_we", question=q)
    assert c.detail.endswith("Key point: Show your own role.")
    assert "Key point" not in _check(GOOD, "quantified_result", question=q).detail


def test_drill_questions_skip_star_only_checks():
    """Explain-a-concept drills are not judged on a story's headline, results, lessons or I vs
    we (a newcomer was told "Lead with one sentence: what you did and the result" on a drill)."""
    q = Question("d1", "core", "concepts", "Explain caching.", kind="drill")
    words = words_from("Caching keeps answers close because fetching is slow.")
    names = [c.name for c in content_checks(words, None, None, q, 10.0)]
    assert names == ["because", "for_example", "but"]


def test_all_checks_present_in_a_fixed_order():
    """The report and UI list checks in this order."""
    words = words_from(GOOD)
    names = [c.name for c in content_checks(words, None, None, None, 60.0)]
    assert names == [
        "headline",
        "quantified_result",
        "learning",
        "i_vs_we",
        "because",
        "for_example",
        "but",
    ]
    assert content_checks((), None, None, None, 0.0) == ()


def test_check_lexicon_loads():
    """checks.toml ships in the package with every list the checks rely on."""
    lex = load_check_lexicon()
    assert "i" in lex.i_words and "we" in lex.we_words
    assert lex.outcome_words and lex.learning_phrases and lex.summary_phrases
    assert [s.name for s in lex.signals] == ["because", "for_example", "but"]


# --- robustness ---------------------------------------------------------------------------------

_times = st.floats(min_value=-10, max_value=1000, allow_nan=False, allow_infinity=False)
_texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["I", "we", "US", "because", "for", "example", "40%", "2019", "ago", "."]),
)
_words = st.lists(st.builds(Word, _texts, _times, _times), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    words=_words,
    spans=st.one_of(
        st.none(), st.lists(st.tuples(st.integers(-3, 50), st.integers(-3, 50)), max_size=8)
    ),
    sections=st.one_of(
        st.none(),
        st.lists(st.sampled_from(["situation", "task", "action", "result", None]), max_size=10),
    ),
    threshold=st.floats(min_value=0, max_value=5, allow_nan=False),
    duration=_times,
    kind=st.sampled_from(["star", "drill"]),
)
def test_delivery_never_crashes(words, spans, sections, threshold, duration, kind):
    """Arbitrary words, spans and sections give well-formed results, never an exception."""
    q = Question("q", "p", "t", "?", key_points=("Quantify the result", ""), kind=kind)
    checks = content_checks(words, spans, sections, q, duration)
    assert len({c.name for c in checks}) == len(checks)
    assert all("\n" not in c.detail for c in checks)
    pauses = find_pauses(words, threshold, duration)
    assert all(p.duration_s >= threshold and p.duration_s > 0 for p in pauses)
    speech = speech_time_s(words, threshold)
    assert speech >= 0
    assert pace_wpm(words, speech) >= 0
    assert set(count_pronouns(words)) == {"i", "we"}


def test_hint_is_not_a_key_point_the_answer_already_makes():
    """Protects: 'Say how people were kept informed' is not offered to an answer that says so."""
    informed = (  # "why": a point about giving reasons, so the Reasons check offers it if open
        "Say how and why people were kept informed: an incident channel, regular updates, a "
        "named lead."
    )
    q = Question(
        "incident",
        "core",
        "Production incidents",
        "Tell me about a production incident you were part of.",
        key_points=(informed, "Open with impact: who was affected, how badly."),
    )
    opening = "It was a Tuesday night and I was on call. The checkout page started failing. "
    says_it = (
        opening + "I kept everyone informed with updates in the incident channel. I rolled back."
    )
    silent = opening + "I looked at the logs and I rolled back the release."
    covered = _check(says_it, "because", question=q)
    assert not covered.passed and "Key point" not in covered.detail
    missing = _check(silent, "because", question=q)  # the same hint where it is still news
    assert not missing.passed and missing.detail.endswith(f"Key point: {informed.rstrip('.')}.")


def test_headline_is_the_first_sentence_when_it_is_long():
    """Protects: a point made only after a full sentence of scene-setting is not 'the opening'
    (the tester saw "I, um, automated the build" quoted as the opening it was not)."""
    scene = (
        "So in my previous team our nightly data export took six hours and failed about once a "
        "week and nobody wanted to touch it. "
    )
    later = "I, um, rewrote the export and the retries. It now runs in twenty minutes."
    check = _check(scene + later, "headline")
    assert not check.passed
    assert "rewrote" not in check.detail


def test_headline_quote_comes_from_the_opening_after_a_short_preface():
    """Protects: a short preface ("Sure, happy to.") still lets the next sentence be the point,
    and the quote shown is what was said in that sentence."""
    words = words_from("Sure, that one is easy. I rebuilt our billing alerts so on-call slept.")
    check = _check(
        "Sure, that one is easy. I rebuilt our billing alerts so on-call slept.", "headline"
    )
    assert check.passed
    assert "I rebuilt our billing alerts" in check.detail
    first = next(w for w in words if w.text.startswith("rebuilt"))
    assert check.at_s is not None and check.at_s <= first.start_s


def test_headline_number_needs_a_change_word_next_to_it():
    """Protects: "took two days ... to make it faster" is scene-setting, not a result; the change
    word must be near the number ("from 40 to 4")."""
    scene = (
        "Our release process took two days and it broke often and I was asked to make it faster."
    )
    assert not _check(scene + " I automated it.", "headline").passed
    result = "Our release time went from two days to one hour after the change I made there."
    assert _check(result + " Here is how.", "headline").passed


# "why": a key point about giving reasons, which the Reasons check offers while it is open
_INFORMED = (
    "Say how and why people were kept informed: an incident channel, regular updates, a named lead."
)
_INCIDENT_Q = Question(
    "incident",
    "core",
    "Production incidents",
    "Tell me about a production incident you were part of.",
    key_points=(_INFORMED, "Open with impact: who was affected, how badly."),
)
_SCENE = "It was a Tuesday night and I was on call for the payments team that week. "


@pytest.mark.parametrize(
    "said",
    [
        # the tester's wording
        "I opened an incident channel and posted what we knew, and I asked a colleague to take "
        "over customer updates every fifteen minutes.",
        # other wordings of the same point, in different words
        "We put a status note out to customers every twenty minutes until it was over.",
        "I kept my manager and the support desk in the loop by phone.",
        "Somebody was assigned as the lead for the response and I handled the logs.",
        "I set up a Slack channel for the outage so nobody had to ask for news.",
        "I briefed the stakeholders each hour on what we knew.",
    ],
)
def test_a_covered_key_point_is_never_offered_as_a_hint(said):
    """Protects issue 12: a content-check hint never contradicts what the transcript says."""
    words = words_from(_SCENE + said + " Then I rolled back the release.")
    checks = {c.name: c for c in content_checks(words, None, None, _INCIDENT_Q, 0.0)}
    cov = load_check_lexicon().coverage
    said = [cov.stem(norm(w.text)) for w in words if norm(w.text)]
    assert cov.covered_at(_INFORMED, said) is not None
    # the Reasons check fails (no "because") and would borrow this point if it were open
    assert not checks["because"].passed
    assert all("kept informed" not in c.detail for c in checks.values())


@pytest.mark.parametrize(
    "said",
    [
        "I looked at the logs and I rolled back the release.",
        # the words appear, but far apart and not as the point
        "The incident started at nine, and later that week our chat room got a new name.",
    ],
)
def test_an_open_key_point_is_still_offered(said):
    check = _check(_SCENE + said, "because", question=_INCIDENT_Q)
    assert not check.passed and check.detail.endswith(f"Key point: {_INFORMED.rstrip('.')}.")
