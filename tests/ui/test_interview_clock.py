"""The interview page's clock: thinking time counts up, and once the most thinking time not
counted has passed in silence, it says the answer's clock is running (it used to stay frozen
on "Thinking… 10 s" while the silence was counted as answer time)."""

from __future__ import annotations

from voicecoach.ui.interview_page import InterviewPage


def test_thinking_then_speaking(qtbot):
    """Before the first word: thinking time; once speaking: thinking (not counted) and answer.
    One format throughout: it went from "Thinking… 10 s" to "Thinking time 10.0 s"."""
    page = InterviewPage()
    qtbot.addWidget(page)
    page.set_clock(4.2, 0.0, False)
    assert page.clock.text() == "Thinking… 4.2 s"
    page.set_clock(4.2, 12.0, True)
    assert "4.2 s (not counted)" in page.clock.text() and "answer 0:12" in page.clock.text()
    page.set_clock(10.0, 0.0, False)
    counting = page.clock.text().removeprefix("Thinking… ")
    page.set_clock(10.0, 3.0, True)
    assert page.clock.text().startswith(f"Thinking time {counting} (not counted)")


def test_silence_past_the_limit_runs_the_answer_clock(qtbot):
    """Silent for 17 s with a 10 s limit: 10 s of thinking, and 7 s already on the answer."""
    page = InterviewPage()
    qtbot.addWidget(page)
    page.set_clock(10.0, 7.0, False)
    text = page.clock.text()
    assert "10.0 s (not counted)" in text and "answer 0:07 running" in text
