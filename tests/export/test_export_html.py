"""The exported HTML page: self-contained, the review's figures, fillers marked, timeline SVG."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tests.ui.sample_report import QUESTION, sample_report
from voicecoach.export import TakeInfo, take_html, timeline_svg
from voicecoach.export.figures import SECTION_COLORS, captions, figure_tiles, total_caption
from voicecoach.export.html import audio_data_uri, transcript_html

INFO = TakeInfo(QUESTION.prompt, datetime(2026, 11, 28, 18, 5), 7)


def test_page_has_no_network_references():
    """Nothing in the page is fetched: no http(s) URL, no external script, font or stylesheet."""
    page = take_html(sample_report(), INFO)
    assert not re.search(r"https?://", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "url(" not in page


def test_page_holds_question_date_figures_verdicts_and_checks():
    """The question, the date and every figure, verdict and check appear, worded as the review."""
    report = sample_report()
    page = take_html(report, INFO)
    assert QUESTION.prompt in page
    assert "Saturday 28 November 2026, 18:05" in page
    for tile in figure_tiles(report):
        assert f'<div class="value">{tile.value}</div>' in page
        assert f'<div class="hint">{tile.hint}</div>' in page.replace("&quot;", '"')
    for v in report.verdicts:
        assert f"<li>{v}</li>" in page
    for c in report.checks:
        assert f'data-check="{c.name}"' in page


def test_every_filler_word_is_marked_and_nothing_else():
    """Each filler word of the report is inside a <mark class="filler">; no other word is."""
    report = sample_report()
    body = transcript_html(report)
    marked = re.findall(r'<mark class="filler"[^>]*>([^<]*)</mark>', body)
    expected = [
        report.transcript.words[i].text
        for f in report.fillers
        if f.word_index is not None
        for i in range(f.word_index, f.word_index + f.n_words)
    ]
    assert marked == [w.replace("'", "&#x27;") for w in expected]
    wordless = sum(1 for f in report.fillers if f.word_index is None)
    assert body.count('class="wordless"') == wordless


def test_transcript_runs_follow_the_sections():
    """The transcript is grouped in runs of one section, in spoken order, with every word."""
    report = sample_report()
    body = transcript_html(report)
    runs = re.findall(r'data-section="(\w*)"', body)
    assert runs == [s.name for s in report.sections]
    text = re.sub(r"<[^>]+>", " ", body)
    assert all(w.text.replace("'", "&#x27;") in text for w in report.transcript.words)


def test_timeline_svg_draws_each_section_in_its_colour_with_captions():
    """One rect per spoken section in the app's colour, scaled to time; captions as the app's."""
    report = sample_report()
    svg = timeline_svg(report)
    rects = re.findall(
        r'class="section" data-section="(\w+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*'
        r'fill="(#\w+)"',
        svg,
    )
    assert [r[0] for r in rects] == [s.name for s in report.sections]
    assert all(SECTION_COLORS[name] == fill for name, _x, _w, fill in rects)
    widths = {name: float(w) for name, _x, w, _f in rects}
    ratio = widths["action"] / widths["situation"]
    secs = {s.name: s.duration_s for s in report.sections}
    assert abs(ratio - secs["action"] / secs["situation"]) < 0.02
    for cap in [*captions(report), total_caption(report)]:
        assert f">{cap.head}</text>" in svg and f">{cap.detail}</text>" in svg


def test_embedded_audio_is_a_data_uri(tmp_path: Path):
    """With the audio embedded, the page carries the recording itself, not a path to it."""
    wav = tmp_path / "a.wav"
    wav.write_bytes(b"RIFF....WAVEfmt ")
    info = TakeInfo(INFO.question, INFO.when, 7, audio_data_uri(wav))
    page = take_html(sample_report(), info)
    assert '<audio controls preload="metadata" src="data:audio/wav;base64,UklGRi4uLi5XQVZF' in page


def test_pdf_variant_uses_an_image_and_no_svg():
    """The PDF's page (QTextDocument cannot draw SVG) shows the timeline as the given image."""
    page = take_html(sample_report(), INFO, pdf=True, timeline_src="t.png")
    assert '<img src="t.png"' in page and "<svg" not in page


def test_words_whisper_splits_are_joined_as_the_review_joins_them():
    """ "12" "%" and "mid" "-sized" read "12%" and "mid-sized" in the page, as in the app."""
    report = sample_report()
    words = list(report.transcript.words)
    fillers = {
        i
        for f in report.fillers
        if f.word_index is not None
        for i in range(f.word_index, f.word_index + f.n_words)
    }
    k = next(i for i in range(5, len(words)) if not {i, i + 1, i + 2, i + 3} & fillers)
    for j, text in enumerate(["12", "%", "mid", "-sized"]):
        words[k + j] = replace(words[k + j], text=text)
    report = replace(report, transcript=replace(report.transcript, words=tuple(words)))
    for pdf in (False, True):
        text = " ".join(re.sub(r"<[^>]+>", " ", transcript_html(report, pdf=pdf)).split())
        assert "12% mid-sized" in text
        assert "12 %" not in text and "mid -sized" not in text
