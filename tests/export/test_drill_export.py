"""A drill's exports say what its review says: timed as a whole, one bar, no section missing,
the transcript as one block; history CSV gives it no section targets."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402
import io  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from tests.analysis.test_drill_analysis import DRILL, drill_report  # noqa: E402
from voicecoach.analysis import analyze  # noqa: E402
from voicecoach.export import figures  # noqa: E402
from voicecoach.export.history import history_csv, history_json  # noqa: E402
from voicecoach.export.html import TakeInfo, take_html, timeline_svg, transcript_html  # noqa: E402
from voicecoach.store.history import TakeRecord  # noqa: E402
from voicecoach.ui.star_timeline import StarTimeline  # noqa: E402


def test_drill_page_has_no_star_split(qtbot, qapp):
    """The HTML page of a drill had four "missing" captions, a four-section target strip and a
    transcript in Situation/Task/Action/Result blocks."""
    report = drill_report()
    page = take_html(report, TakeInfo(question=DRILL.prompt))
    assert "missing" not in page
    assert "data-section=" not in page.replace('data-section=""', "")
    assert "<h2>Timeline</h2>" in page and "STAR timeline" not in page
    svg = timeline_svg(report)
    assert 'class="answer"' in svg and svg.count('class="target"') == 1
    assert "Timed as a whole (no STAR sections)" in svg
    # the same words as the review's timeline
    tl = StarTimeline()
    qtbot.addWidget(tl)
    tl.set_report(report)
    assert figures.captions(report) == [] == tl.captions()
    assert figures.total_caption(report).text == tl.total_caption()
    total = figures.total_caption(report)
    assert f">{total.head}</text>" in svg and f">{total.detail}</text>" in svg


def test_drill_stored_before_the_fix_exports_as_one_block():
    """A drill kept in history with STAR names on its sentences still exports as one block."""
    d = drill_report()
    star = analyze(d.transcript, replace(DRILL, kind="star"))
    old = replace(d, sentences=star.sentences)
    html = transcript_html(old)
    assert html.count('class="run"') == 1 and 'data-section=""' in html


def test_history_csv_gives_a_drill_no_section_targets():
    """A drill's CSV row has no section lengths and no section targets, only the total."""
    report = drill_report()
    rec = TakeRecord(
        id=7,
        created_at=datetime(2026, 11, 29, 22, 4, tzinfo=UTC),
        question_id=DRILL.id,
        pack="drills",
        question_text=DRILL.prompt,
        audio_path=Path("/tmp/7.wav"),
        duration_s=report.duration_s,
        status="analysed",
        error=None,
        report_json=None,
        corrections=None,
        model="tiny.en",
    )
    text = history_csv(history_json([rec], lambda _r: report))
    cells = next(csv.DictReader(io.StringIO(text)))
    assert cells["sections.situation.target_s"] == "" and cells["sections.action.duration_s"] == ""
    assert cells["targets.total_s"] == "75.0" and cells["missing_sections"] == ""
