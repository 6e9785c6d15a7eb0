"""The report's JSON contract and text summary."""

from __future__ import annotations

import json

from voicecoach.domain import (
    Check,
    Filler,
    Pause,
    Report,
    Section,
    SectionTargets,
    Sentence,
    Transcript,
    VoicedGap,
    Word,
)
from voicecoach.report import fmt_time, format_text, report_from_json, to_json


def _report() -> Report:
    words = (
        Word("So,", 0.0, 0.3),
        Word("um,", 0.5, 0.7),
        Word("we", 0.9, 1.0),
        Word("shipped.", 1.0, 1.5),
        Word("I", 3.0, 3.1),
        Word("cut", 3.1, 3.4),
        Word("errors", 3.4, 3.9),
        Word("40%.", 3.9, 4.6),
    )
    t = Transcript(words, 5.0, (VoicedGap(1.8, 2.4),), model="tiny.en")
    sentences = (
        Sentence(0, 3, 0.0, 1.5, "So, um, we shipped.", "situation", "first sentence"),
        Sentence(4, 7, 3.0, 4.6, "I cut errors 40%.", "result", 'number "40%" → Result'),
    )
    return Report(
        question_id="core-01",
        duration_s=5.0,
        transcript=t,
        word_sections=("situation",) * 4 + ("result",) * 4,
        sentences=sentences,
        sections=(Section("situation", 0.0, 3.0, 15.0), Section("result", 3.0, 4.6, 20.0)),
        missing_sections=("task", "action"),
        targets=SectionTargets(),
        fillers=(
            Filler("so", "discourse", 0.0, 0.3, 0),
            Filler("um", "filled_pause", 0.5, 0.7, 1),
            Filler("(voiced pause)", "unlabelled", 1.8, 2.4, None),
        ),
        speech_s=3.2,
        pace_wpm=112.5,
        pauses=(Pause(1.5, 3.0, 3),),
        pronouns={"i": 1, "we": 1},
        checks=(
            Check("quantified_result", True, "You quantified the result.", 3.9),
            Check("because", False, "No 'because' — say why.", None, 0.0),
        ),
        verdicts=("No Task section found.",),
    )


def test_json_has_the_stable_keys():
    """The keys other tools script against are present with the promised shapes."""
    d = to_json(_report())
    assert d["audio"]["duration_s"] == 5.0
    assert d["transcript"].startswith("So, um, we")
    assert set(d["words"][0]) >= {"text", "start_s", "end_s", "filler", "section"}
    assert [w["filler"] for w in d["words"]][:3] == [True, True, False]
    assert d["words"][5]["section"] == "result"
    s0 = d["sections"][0]
    assert (s0["name"], s0["start_s"], s0["end_s"], s0["duration_s"], s0["target_s"]) == (
        "situation",
        0.0,
        3.0,
        3.0,
        15.0,
    )
    assert d["fillers"]["total"] == 3
    assert d["fillers"]["per_minute"] == 36.0
    assert d["fillers"]["by_word"] == {"(voiced pause)": 1, "so": 1, "um": 1}
    assert d["pace_wpm"] == 112.5
    assert d["pauses"][0]["duration_s"] == 1.5
    assert d["pronouns"] == {"i": 1, "we": 1}
    assert d["checks"]["quantified_result"]["passed"] is True
    assert d["checks"]["because"]["value"] == 0.0
    json.dumps(d)  # JSON-safe


def test_json_round_trip_is_lossless():
    """The history store can rebuild exactly the report it saved."""
    r = _report()
    again = report_from_json(json.loads(json.dumps(to_json(r))))
    assert again == r


def test_text_summary_shows_sections_missing_and_checks():
    """The CLI summary names every section, marks missing ones, and lists verdicts and checks."""
    text = format_text(_report(), "Tell me about a time…")
    assert "Question: Tell me about a time…" in text
    assert "Task" in text and "missing" in text
    assert "Fillers: 3 (36.0/min)" in text
    assert "✓ quantified result" in text and "[0:04]" in text
    assert "• No Task section found." in text


def test_fmt_time():
    """Durations read as m:ss and never go negative."""
    assert fmt_time(0) == "0:00"
    assert fmt_time(41.4) == "0:41"
    assert fmt_time(125) == "2:05"
    assert fmt_time(-3) == "0:00"


def test_fmt_when_writes_a_recording_time_one_way():
    """Protects: History said "Today 11:09" where the review said 11:11 for the same take; both
    now write the take's start time with this one function."""
    from datetime import UTC, datetime, timedelta

    from voicecoach.report import fmt_when

    started = datetime(2026, 11, 29, 11, 9, 40, tzinfo=UTC)
    local = started.astimezone()
    same_day = local + timedelta(minutes=2)
    assert fmt_when(started, now=same_day) == "Today " + local.strftime("%H:%M")
    assert fmt_when(started, now=local + timedelta(days=1)) == local.strftime("%a %d %b, %H:%M")
    # seconds are dropped, not rounded: 11:09:40 reads as the minute it started
    assert fmt_when(started, now=same_day).endswith(local.strftime("%H:%M")[:-1] + "9")
