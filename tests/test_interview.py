"""The mock interview without Qt: planning, follow-ups, thinking time, answers and the summary."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.transcriber import words_from_text
from voicecoach.domain import NoSpeechError, PackError, Transcript, VoicedGap, Word
from voicecoach.interview import (
    Figures,
    FollowUpRow,
    QuestionRow,
    SectionTime,
    Totals,
    analyse_answer,
    analyse_follow_up,
    choose_focus,
    follow_up_target_s,
    format_summary,
    pick_follow_up,
    plan_from_json,
    plan_interview,
    summarise,
    summary_from_json,
    thinking_time_s,
    without_thinking,
)
from voicecoach.packs import load_packs
from voicecoach.report import take_figures
from voicecoach.settings import InterviewSettings, Settings

PACKS = load_packs()
SETTINGS = Settings()

STORY = (
    "Last spring I was the tech lead on our payments team and checkout kept timing out. "
    "My job was to make it stable before the big sale. "
    "I traced the slow calls, um, and I raised the connection pool and rolled it out slowly. "
    "In the end timeouts fell from four percent to zero and I learned to measure first."
)


def transcript(text: str = STORY, start_s: float = 0.5, tail_s: float = 1.0) -> Transcript:
    words = words_from_text(text, start_s=start_s)
    return Transcript(words, round(words[-1].end_s + tail_s, 3), model="fake")


# --- planning ------------------------------------------------------------------------------


def test_plan_has_the_asked_number_of_distinct_questions_across_topics():
    """A mixed run of 5 asks 5 different questions on 5 different topics of the pack."""
    plan = plan_interview(PACKS, pack="core_senior", questions=5, rng=random.Random(3))
    ids = plan.question_ids
    assert len(ids) == 5 and len(set(ids)) == 5
    assert len({it.question.topic for it in plan.items}) == 5
    assert all(it.question.pack == "core_senior" for it in plan.items)


def test_plan_never_repeats_a_question_even_when_topics_run_dry():
    """Eight questions from two topics take every question at most once."""
    topics = PACKS.topics("core_senior")[:2]
    pool = {q.id for t in topics for q in PACKS.questions("core_senior", t)}
    assert len(pool) >= 8
    for seed in range(20):
        plan = plan_interview(
            PACKS, pack="core_senior", topics=topics, questions=8, rng=random.Random(seed)
        )
        assert len(set(plan.question_ids)) == 8 and set(plan.question_ids) <= pool


def test_same_seed_same_plan_and_another_seed_differs():
    """The random source is seedable: the CLI's --seed replays a run."""
    a = plan_interview(PACKS, pack="core_senior", rng=random.Random(7))
    b = plan_interview(PACKS, pack="core_senior", rng=random.Random(7))
    c = plan_interview(PACKS, pack="core_senior", rng=random.Random(8))
    assert a == b and a.question_ids != c.question_ids


def test_follow_ups_off_plans_none():
    """With follow-ups off no item carries a follow-up; on, each comes from its question."""
    off = plan_interview(PACKS, pack="core_senior", follow_ups=False, rng=random.Random(1))
    assert all(it.follow_up is None for it in off.items)
    on = plan_interview(PACKS, pack="core_senior", follow_ups=True, rng=random.Random(1))
    assert all(it.follow_up in it.question.follow_ups for it in on.items)


@pytest.mark.parametrize("n", [2, 9, 0])
def test_question_count_outside_three_to_eight_is_refused(n):
    """3 to 8 questions; anything else is a clear PackError."""
    with pytest.raises(PackError, match="3 to 8 questions"):
        plan_interview(PACKS, pack="core_senior", questions=n)


def test_too_few_questions_on_a_topic_says_what_to_change():
    """A topic with fewer questions than asked names the number available."""
    topic = PACKS.topics("core_senior")[0]
    have = len(PACKS.questions("core_senior", topic))
    with pytest.raises(PackError, match=f"Only {have} question"):
        plan_interview(PACKS, pack="core_senior", topics=[topic], questions=8)
    with pytest.raises(PackError, match="No pack"):
        plan_interview(PACKS, pack="nope")
    with pytest.raises(PackError, match='topic "nope"'):
        plan_interview(PACKS, pack="core_senior", topics=["nope"])


def test_plan_json_round_trip():
    """The plan stored with a run rebuilds the same plan from the packs."""
    plan = plan_interview(PACKS, pack="engineering_manager", questions=4, rng=random.Random(2))
    assert plan_from_json(json.loads(json.dumps(plan.to_json())), PACKS) == plan


def test_pick_follow_up_none_without_follow_ups():
    """A question with no follow_ups gets no follow-up; one with some gets one of them."""
    q = PACKS.questions("core_senior")[0]
    assert q.follow_ups
    assert pick_follow_up(q, random.Random(1)) in q.follow_ups
    assert pick_follow_up(replace(q, follow_ups=()), random.Random(1)) is None


# --- follow-up targets from packs ----------------------------------------------------------

PACK_WITH_TARGETS = """
[pack]
id = "mine"
[defaults]
follow_up_target_s = 30
[[questions]]
id = "m1"
topic = "t"
prompt = "Tell me about a launch."
follow_ups = ["What went wrong?"]
follow_up_target_s = 60
[[questions]]
id = "m2"
topic = "t"
prompt = "Tell me about a bug."
follow_ups = ["How did you find it?"]
"""


def test_follow_up_target_from_question_then_pack_then_settings(tmp_path: Path):
    """A question's own follow-up target wins, then the pack's, then the settings' 45 s."""
    (tmp_path / "mine.toml").write_text(PACK_WITH_TARGETS)
    packs = load_packs([tmp_path])
    assert not packs.errors
    assert follow_up_target_s(packs.get("m1"), packs) == 60.0
    assert follow_up_target_s(packs.get("m2"), packs) == 30.0
    shipped = PACKS.questions("core_senior")[0]
    assert follow_up_target_s(shipped, PACKS) == 45.0
    assert follow_up_target_s(shipped, PACKS, InterviewSettings(follow_up_target_s=50.0)) == 50.0


@pytest.mark.parametrize(
    ("bad", "where", "expected"),
    [
        ("[defaults]\nfollow_up_target_s = 0", "defaults.follow_up_target_s", "mine.toml:"),
        ('[defaults]\nfollow_up_target_s = "45"', "defaults.follow_up_target_s", "mine.toml:"),
        ("follow_up_target_s = -3", "follow_up_target_s", 'question "m1"'),
    ],
)
def test_bad_follow_up_target_is_reported_by_file_question_and_field(
    tmp_path: Path, bad: str, where: str, expected: str
):
    """A bad follow-up target is one clear message naming the file, question and field."""
    q = '[[questions]]\nid = "m1"\ntopic = "t"\nprompt = "Tell me about a launch."\n'
    text = f"{bad}\n{q}" if bad.startswith("[defaults]") else f"{q}{bad}\n"
    (tmp_path / "mine.toml").write_text(text)
    packs = load_packs([tmp_path])
    assert len(packs.errors) == 1
    assert expected in packs.errors[0] and f'field "{where}"' in packs.errors[0]
    assert "seconds above 0" in packs.errors[0]


# --- thinking time -------------------------------------------------------------------------


def test_thinking_time_is_the_silence_before_the_first_word_capped():
    """First word at 4 s: 4 s of thinking; at 14 s: the 10 s cap."""
    assert thinking_time_s(transcript(start_s=4.0), 10.0) == 4.0
    assert thinking_time_s(transcript(start_s=14.0), 10.0) == 10.0
    assert thinking_time_s(transcript(start_s=4.0), 0.0) == 0.0


def test_a_wordless_hmm_ends_thinking():
    """A voiced 'hmm' before the first word is already speaking."""
    t = transcript(start_s=4.0)
    t = replace(t, voiced_gaps=(VoicedGap(2.5, 3.2),))
    assert thinking_time_s(t, 10.0) == 2.5


def test_audio_onset_corrects_a_first_word_whisper_started_early():
    """Whisper put the first word at 1.0 s but the voice starts at 2.0 s: thinking is 2.0 s."""
    rate = 16000
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 0.001, rate * 5).astype(np.float32)
    tt = np.arange(rate * 3) / rate
    audio[2 * rate :] += 0.3 * np.sin(2 * np.pi * 220 * tt).astype(np.float32)
    words = (Word("So", 1.0, 2.4), *words_from_text("I led it.", start_s=2.5))
    t = Transcript(words, 5.0)
    assert thinking_time_s(t, 10.0) == 1.0
    assert thinking_time_s(t, 10.0, audio, rate) == pytest.approx(2.0, abs=0.03)
    # a knock before the word the model heard is not speech: the word start stands
    audio[int(0.3 * rate) : int(0.5 * rate)] += 0.3
    late = Transcript((Word("So", 2.0, 2.4), *words[1:]), 5.0)
    assert thinking_time_s(late, 10.0, audio, rate) == 2.0


def test_thinking_is_cut_off_the_answer_and_reported():
    """Answer time and fillers/min leave out the thinking time; the report starts at the word."""
    t = transcript(start_s=6.0)
    a = analyse_answer(t, PACKS.questions("core_senior")[0], SETTINGS, 0)
    assert a.thinking_s == 6.0 and a.kind == "answer"
    assert a.report.duration_s == pytest.approx(t.duration_s - 6.0)
    assert a.report.transcript.words[0].start_s == 0.0
    assert without_thinking(t, 6.0).words[3].start_s == pytest.approx(t.words[3].start_s - 6.0)
    fig = take_figures(a.report)
    assert fig.fillers == 1
    assert fig.fillers_per_min == round(60 / a.report.duration_s, 1)


def test_follow_up_is_timed_on_its_target_not_split_into_star():
    """A follow-up has no STAR sections and its total is judged against 45 s."""
    plan = plan_interview(PACKS, pack="core_senior", rng=random.Random(1))
    item = plan.items[0]
    a = analyse_follow_up(transcript("Yes we did, um, roll back once."), item, SETTINGS, 0)
    assert a.kind == "follow_up" and a.prompt == item.follow_up
    assert a.report.sections == () and a.report.missing_sections == ()
    assert a.report.targets.total_s == 45.0
    assert any("0:45 target" in v for v in a.report.verdicts)
    assert not any("No Situation" in v for v in a.report.verdicts)


def test_silence_is_no_answer():
    """Nothing said: NoSpeechError, as for a single take."""
    with pytest.raises(NoSpeechError):
        analyse_answer(Transcript((), 5.0), PACKS.questions("core_senior")[0], SETTINGS, 0)


# --- the summary ---------------------------------------------------------------------------


def run_of(n: int = 5, follow_ups: bool = True, skip: frozenset[int] = frozenset()):
    plan = plan_interview(
        PACKS, pack="core_senior", questions=n, follow_ups=follow_ups, rng=random.Random(5)
    )
    answers = []
    for i, item in enumerate(plan.items):
        if i in skip:
            continue
        answers.append(analyse_answer(transcript(start_s=1.0 + i), item.question, SETTINGS, i))
        if item.follow_up:
            fu = transcript("Yes, um, we rolled back once and it took ten minutes.", 2.0)
            answers.append(analyse_follow_up(fu, item, SETTINGS, i))
    return plan, answers


def test_summary_rows_show_the_reviews_figures():
    """Each row's figures are the review's (take_figures), follow-ups included."""
    plan, answers = run_of()
    s = summarise(plan, answers, SETTINGS)
    assert [r.question_id for r in s.rows] == plan.question_ids
    for row in s.rows:
        main = next(a for a in answers if a.position == row.position and a.kind == "answer")
        fig = take_figures(main.report)
        assert row.figures.length_s == fig.duration_s
        assert row.figures.fillers_per_min == fig.fillers_per_min
        assert row.figures.pace_wpm == fig.pace_wpm
        assert {x.name: x.length_s for x in row.sections} == fig.sections_s
        assert row.figures.thinking_s == 1.0 + row.position
        fu = next(a for a in answers if a.position == row.position and a.kind == "follow_up")
        assert row.follow_up.figures.length_s == take_figures(fu.report).duration_s
        assert row.follow_up.figures.target_s == 45
    t = s.totals
    assert (t.questions, t.answered, t.follow_ups_answered) == (5, 5, 5)
    assert t.answer_s == sum(r.figures.length_s for r in s.rows)
    assert t.thinking_s == 1 + 2 + 3 + 4 + 5 + 5 * 2.0
    assert t.fillers == 10


def test_summary_of_a_run_ended_early_marks_the_rest_unanswered():
    """Questions never answered are rows without figures; the totals count what was said."""
    plan, answers = run_of(skip=frozenset({3, 4}))
    s = summarise(plan, answers, SETTINGS, ended_early=True)
    assert s.status == "ended_early"
    assert [r.figures is None for r in s.rows] == [False, False, False, True, True]
    assert s.rows[4].follow_up.figures is None
    assert s.totals.answered == 3
    assert "not answered" in format_summary(s)


def test_summary_json_round_trip_with_stable_keys():
    """The summary survives JSON exactly and keeps its documented top-level keys."""
    plan, answers = run_of(follow_ups=False)
    s = summarise(plan, answers, SETTINGS)
    d = json.loads(json.dumps(s.to_json()))
    assert set(d) == {"status", "rows", "totals", "focus", "schema"}
    assert set(d["rows"][0]) >= {"position", "question_id", "figures", "sections", "follow_up"}
    assert d["rows"][0]["follow_up"] is None
    assert summary_from_json(d) == s


# --- the focus rule -------------------------------------------------------------------------


def figs(length: int = 100, target: int = 120, status: str = "ok", checks=()) -> Figures:
    return Figures(1.0, length, target, status, 2, 1.2, 145, tuple(checks), None)


def row(pos: int, sections=(), fig: Figures | None = None, follow=None, missing=()):
    return QuestionRow(
        pos, f"q{pos}", f"Question {pos}", "t", "star", fig or figs(), tuple(sections),
        tuple(missing), follow,
    )  # fmt: skip


TOTALS = Totals(3, 3, 0, 0, 300, 0, 3.0, 6, 1.2, 145, 0)


def test_focus_is_the_largest_section_overrun():
    """The section furthest over its target across the run is the focus, with advice."""
    rows = [
        row(0, [SectionTime("situation", 30, 15, "over")]),
        row(1, [SectionTime("action", 95, 60, "over")]),
        row(2, [SectionTime("situation", 40, 15, "over")]),
    ]
    f = choose_focus(rows, TOTALS)
    assert (f.rule, f.position, f.section) == ("section_over", 1, "action")
    assert "Action" in f.text and "35 s over" in f.text and "question 2" in f.text


def test_focus_tie_goes_to_the_section_over_more_often_then_the_earlier_question():
    """Equal overruns: the section over in more answers wins; then the earlier question."""
    rows = [
        row(0, [SectionTime("action", 80, 60, "over")]),
        row(1, [SectionTime("situation", 35, 15, "over")]),
        row(2, [SectionTime("situation", 30, 15, "over")]),
    ]
    f = choose_focus(rows, TOTALS)
    assert (f.section, f.position) == ("situation", 1)
    assert "2 answers" in f.text
    rows = [
        row(0, [SectionTime("task", 35, 15, "over")]),
        row(1, [SectionTime("task", 35, 15, "over")]),
    ]
    assert choose_focus(rows, TOTALS).position == 0


def test_focus_falls_back_in_order_and_says_when_nothing_stands_out():
    """No overrun: a long follow-up, then missing sections, ..., then 'nothing stands out'."""
    long_fu = FollowUpRow("Why?", figs(70, 45, "over"))
    f = choose_focus([row(0), row(1, follow=long_fu)], TOTALS)
    assert (f.rule, f.position) == ("answer_over", 1) and "follow-up" in f.text
    f = choose_focus([row(0, missing=["result"]), row(1, missing=["result"])], TOTALS)
    assert f.rule == "missing_section" and f.section == "result" and "2 of 2" in f.text
    f = choose_focus([row(0, [SectionTime("action", 20, 60, "short")])], TOTALS)
    assert f.rule == "section_short" and f.section == "action"
    assert choose_focus([row(0)], replace(TOTALS, fillers_per_min=6.5)).rule == "fillers"
    assert choose_focus([row(0)], replace(TOTALS, pace_wpm=190)).rule == "pace"
    f = choose_focus([row(0, fig=figs(checks=["headline"]))], TOTALS)
    assert f.rule == "check" and "Headline first" in f.text
    f = choose_focus([row(0), row(1)], TOTALS)
    assert f.rule == "none" and "Nothing stands out" in f.text


def test_total_thinking_is_the_sum_of_the_shown_figures():
    """Five answers of 1.04 s thinking show 1.0 s each, so the total reads 5.0 s, not 5.2 s."""
    plan = plan_interview(PACKS, pack="core_senior", follow_ups=False, rng=random.Random(5))
    answers = [
        analyse_answer(transcript(start_s=1.04), it.question, SETTINGS, i)
        for i, it in enumerate(plan.items)
    ]
    s = summarise(plan, answers, SETTINGS)
    assert [r.figures.thinking_s for r in s.rows] == [1.0] * 5
    assert s.totals.thinking_s == 5.0
