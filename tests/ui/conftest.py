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
