"""Qt widget tests run offscreen with the light theme and the hand-built sample report."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.ui.sample_report import QUESTION, sample_report  # noqa: E402


@pytest.fixture
def themed(qapp):
    from voicecoach.ui.style import apply_theme

    apply_theme(qapp, "light")
    return qapp


@pytest.fixture
def report():
    return sample_report()


@pytest.fixture
def question():
    return QUESTION


@pytest.fixture
def summary_view(qtbot, themed):
    """Shows an interview summary in a visible InterviewSummaryView of the given size (the
    default is the summary page in a 1280-pixel-wide window) and returns the view."""
    from voicecoach.ui.interview_summary import InterviewSummaryView

    def show(summary, width: int = 1030, height: int = 700):  # noqa: ANN001, ANN202
        view = InterviewSummaryView()
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        qtbot.waitExposed(view)
        view.set_summary(summary)
        return view

    return show
