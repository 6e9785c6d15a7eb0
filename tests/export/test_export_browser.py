"""The exported page in a real browser (headless Chromium, no network): timeline, transcript and
figures are drawn. Skipped, saying why, when Chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402

from tests.browser import BROWSER  # noqa: E402
from tests.browser import chromium as run_chromium  # noqa: E402
from tests.ui.sample_report import QUESTION, sample_report  # noqa: E402
from voicecoach.export import TakeInfo, take_html  # noqa: E402
from voicecoach.export.figures import SECTION_COLORS, light_palette  # noqa: E402


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return run_chromium(tmp / "profile", *args)


def _pixels(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    row = img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=row * img.height())
    px = buf.reshape(img.height(), row)[:, : img.width() * 3].reshape(img.height(), -1, 3)
    return px.copy()  # the QImage owns the buffer


def _count(px: np.ndarray, hex_color: str) -> int:
    c = QColor(hex_color)
    want = np.array([c.red(), c.green(), c.blue()], dtype=np.int16)
    return int((np.abs(px.astype(np.int16) - want).max(axis=2) < 6).sum())


def _rows_with(px: np.ndarray, hex_color: str) -> set[int]:
    c = QColor(hex_color)
    want = np.array([c.red(), c.green(), c.blue()], dtype=np.int16)
    hits = (np.abs(px.astype(np.int16) - want).max(axis=2) < 6).sum(axis=1)
    return set(np.nonzero(hits >= 20)[0].tolist())


@pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed (apt-get install chromium)")
def test_chromium_renders_the_page_offline(tmp_path: Path):
    """Chromium draws the timeline (all four section colours), the transcript and the figures."""
    page = tmp_path / "take.html"
    report = sample_report()
    info = TakeInfo(QUESTION.prompt, datetime(2026, 11, 28, 18, 5), 7)
    page.write_text(take_html(report, info), encoding="utf-8")
    shot = tmp_path / "shot.png"
    r = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert shot.is_file(), r.stderr[-2000:]
    img = QImage(str(shot))
    assert (img.width(), img.height()) == (1200, 1600)
    px = _pixels(img)
    assert px.std() > 10  # not blank
    # the timeline bar: one row of pixels crosses all four sections (the transcript's section
    # borders are in rows of their own)
    rows = [_rows_with(px, color) for color in SECTION_COLORS.values()]
    assert set.intersection(*rows), "no row crosses the four sections of the timeline"
    pal = light_palette()
    assert _count(px, pal["filler"]) > 80  # marked fillers in the transcript
    assert _count(px, pal["text"]) > 2000  # the figures and text
    # the DOM Chromium built holds the figures and transcript words (not only pixels)
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert 'id="timeline"' in dom and "<svg" in dom
    assert f"{report.pace_wpm:.0f} wpm" in dom
    assert 'class="filler"' in dom and "Spark" in dom


@pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed (apt-get install chromium)")
def test_chromium_renders_the_interview_page_offline(tmp_path: Path):
    """Chromium draws the run's page: each answer's timeline, transcripts, figures, follow-ups."""
    from tests.export.interviews import FOLLOW_UP, answers, plan
    from voicecoach.export.interview import AnswerPage, RunInfo, interview_html
    from voicecoach.interview import summarise

    ans = answers()
    summary = summarise(plan(), ans)
    pages = [AnswerPage(a.position, a.kind, a.report) for a in ans]
    page = tmp_path / "run.html"
    page.write_text(interview_html(summary, pages, RunInfo(3, None, "Core")), encoding="utf-8")
    shot = tmp_path / "shot.png"
    r = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,2400", page.as_uri())
    assert shot.is_file(), r.stderr[-2000:]
    px = _pixels(QImage(str(shot)))
    assert px.std() > 10
    # the first answer's timeline is on screen: a row of pixels crosses all four sections
    rows = [_rows_with(px, color) for color in SECTION_COLORS.values()]
    assert set.intersection(*rows), "no row crosses the four sections of a timeline"
    pal = light_palette()
    assert _count(px, pal["filler"]) > 80  # marked fillers in the transcripts
    assert _count(px, pal["text"]) > 2000
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert dom.count("<svg") == 3 and dom.count('class="filler"') > 20
    assert dom.count(FOLLOW_UP) == 3 and summary.focus.text[:40] in dom
    assert f"{summary.totals.pace_wpm} wpm" in dom and 'data-figure="fillers"' in dom
