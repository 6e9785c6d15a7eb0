"""Ending an interview before anything was said: no take, no microphone warning, and a summary
that says nothing was answered rather than "nothing stands out"."""

from __future__ import annotations

from tests.app.test_interview_steering import app  # noqa: F401


def _end_before_speaking(app, qtbot, after_reading: bool):  # noqa: F811
    session, speaker, _runner, _steps = app
    run = session.interview
    errors: list[str] = []
    session.ctx.errorOccurred.connect(errors.append)
    summaries = []
    run.summaryReady.connect(lambda s, rid: summaries.append(s))
    run.start("core_senior", [], 3, True)
    qtbot.waitUntil(lambda: run.stage == "asking", timeout=10000)
    if after_reading:  # the question was read; the microphone is open, nothing said yet
        speaker.finish()
        qtbot.waitUntil(lambda: run.stage == "answering", timeout=10000)
        assert not run.taker.heard_speech
    run.end_early()
    qtbot.wait(500)
    return session, errors, summaries


def test_ending_while_the_question_is_read(app, qtbot):  # noqa: F811
    session, errors, summaries = _end_before_speaking(app, qtbot, after_reading=False)
    assert session.history.list() == [] and errors == []
    assert summaries[-1].focus.rule == "nothing_answered"
    assert "No answers were given" in summaries[-1].focus.text


def test_ending_after_the_question_before_speaking_keeps_no_silent_take(app, qtbot):  # noqa: F811
    session, errors, summaries = _end_before_speaking(app, qtbot, after_reading=True)
    assert session.history.list() == []  # the recording was dropped, not analysed as silent
    assert errors == []
    assert [s.status for s in summaries] == ["ended_early"]
    assert summaries[-1].totals.answered == 0
