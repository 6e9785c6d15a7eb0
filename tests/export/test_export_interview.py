"""An interview run as one page: every question with its timeline, figures, failed checks and
follow-up, the totals, the focus and thinking times; recordings beside or inside; PDF too."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.export.interviews import FOLLOW_UP, answers, make_interview, plan  # noqa: E402
from voicecoach.app.export import ExportError, export_interview, interview_pages  # noqa: E402
from voicecoach.export.interview import (  # noqa: E402
    AnswerPage,
    RunInfo,
    interview_html,
    time_against_target,
)
from voicecoach.interview import summarise  # noqa: E402
from voicecoach.report import check_label, take_figures  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.store.interviews import InterviewStore  # noqa: E402


def _page(**kw) -> tuple[str, object, list]:
    ans = answers()
    summary = summarise(plan(), ans)
    pages = [AnswerPage(a.position, a.kind, a.report) for a in ans]
    return interview_html(summary, pages, RunInfo(4, None, "Core", ()), **kw), summary, ans


def test_page_holds_each_question_with_its_figures_and_follow_up():
    """Each question: prompt, STAR timeline, the summary's figures, failed checks, follow-up."""
    html, summary, ans = _page()
    rows = re.split(r'<section class="row"', html)[1:]
    assert len(rows) == 3
    for row, srow in zip(rows, summary.rows, strict=True):
        assert srow.prompt.replace("'", "&#x27;") in row
        assert row.count("<svg") == 1  # the answer's STAR timeline
        f = srow.figures
        assert time_against_target(f) in row and f"thinking {f.thinking_s:.1f} s" in row
        assert f"{f.pace_wpm} wpm" in row and f"({f.fillers_per_min:.1f}/min)" in row
        for name in f.failed_checks:
            assert check_label(name).replace("“", "") in row.replace("“", "")
        assert FOLLOW_UP in row
        assert time_against_target(srow.follow_up.figures) in row
    # the figures are the review's: the first answer's length as take_figures shows it
    assert f"{take_figures(ans[0].report).duration_s // 60}:" in rows[0]
    assert summary.focus.text.replace("'", "&#x27;") in html
    t = summary.totals
    assert f"{t.answered} of {t.questions}" in html and f"{t.thinking_s:.1f} s" in html
    assert "pack Core" in html and "topics: mixed" in html and "interview 4" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched


def test_follow_up_transcript_is_not_split_into_star():
    """A follow-up's words are one 'Answer' run, not Situation/Action runs."""
    html, _s, _a = _page()
    follow = html.split('<div class="card followup">')[1].split("</div>\n</section>")[0]
    assert 'data-section=""' in follow and 'data-section="situation"' not in follow


def test_unanswered_question_and_pdf_variant():
    """A skipped question says so; the PDF variant uses one timeline image per answer."""
    ans = [a for a in answers() if a.position != 2]
    summary = summarise(plan(), ans, ended_early=True)
    pages = [AnswerPage(a.position, a.kind, a.report) for a in ans]
    html = interview_html(summary, pages)
    last = html.split('id="q3"')[1]
    assert "Not answered." in last and "<svg" not in last and "ended early" in html
    pdf = interview_html(summary, pages, pdf=True)
    assert "<svg" not in pdf
    assert 'src="voicecoach-timeline-1.png"' in pdf and 'src="voicecoach-timeline-2.png"' in pdf


def test_export_writes_html_with_audio_beside_and_embedded_and_pdf(tmp_path: Path, qapp):
    """export_interview: the page with each recording beside it or inside it, and a PDF."""
    paths, run, ids = make_interview(tmp_path / "data")
    out = tmp_path / "out"
    out.mkdir()
    with History(paths.db_path) as h:
        export_interview(
            h, run, out / "run.html", audio="beside", pack_titles={"core_senior": "Senior"}
        )
        export_interview(h, run, out / "inside.html", audio="embed")
        export_interview(h, run, out / "run.pdf")
    page = (out / "run.html").read_text(encoding="utf-8")
    for n in (1, 2, 3):
        for name in (f"run-q{n}.wav", f"run-q{n}-follow-up.wav"):
            assert f'src="{name}"' in page and (out / name).stat().st_size > 1000
    assert "pack Senior" in page and page.count("<svg") == 3
    assert (out / "inside.html").read_text(encoding="utf-8").count(
        'src="data:audio/wav;base64,'
    ) == 6
    assert (out / "run.pdf").read_bytes().startswith(b"%PDF")


def test_run_left_running_is_summed_up_and_missing_audio_is_named(tmp_path: Path):
    """A run a crash left open is exported as ended early; a lost recording is named."""
    paths, run, ids = make_interview(tmp_path / "data", finished=False)
    with History(paths.db_path) as h:
        summary, pages, info, _takes = interview_pages(h, run, Settings())
        assert summary.status == "ended_early" and summary.totals.answered == 3
        assert info.pack == "core_senior" and len(pages) == 6
        Path(h.get(ids[3]).audio_path).unlink()
        with pytest.raises(ExportError, match=f"take {ids[3]} \\(question 2\\) is missing"):
            export_interview(h, run, tmp_path / "x.html", audio="embed")
        assert not (tmp_path / "x.html").exists()
        with pytest.raises(Exception, match="no longer in the history"):
            export_interview(h, run + 1, tmp_path / "y.html")


def test_run_with_nothing_analysed_says_so(tmp_path: Path):
    """A run whose answers were never analysed has nothing to export, and says so."""
    paths, run, ids = make_interview(tmp_path / "data", finished=False)
    with History(paths.db_path) as h:
        for t in ids:
            h.delete(t)
        InterviewStore(h).get(run)
        with pytest.raises(ExportError, match="no analysed answer"):
            export_interview(h, run, tmp_path / "x.html")


def test_a_run_with_no_words_heard_shows_no_pace_rather_than_zero():
    """An interview with nothing heard exports 'no pace' and a dash, as the summary shows it,
    never a pace of 0 wpm."""
    summary = summarise(plan(), [])
    html = interview_html(summary, [], RunInfo(4, None, "Core", ()))
    assert "0 wpm" not in html
    assert "no words heard" in html
