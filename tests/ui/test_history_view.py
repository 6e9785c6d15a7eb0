"""HistoryView: rows from take records, filters, delete confirmation, compare availability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.sample_report import sample_report
from voicecoach.report import take_figures, to_json
from voicecoach.store.history import TakeRecord
from voicecoach.ui.history_view import ID_ROLE, SORT_ROLE, HistoryView


def _rec(i, qid, status="analysed", report=True):
    rj = to_json(sample_report()) if report else None
    return TakeRecord(
        id=i,
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(hours=i),
        question_id=qid,
        pack="core_senior",
        question_text=f"Question {qid}?",
        audio_path=Path(f"/tmp/{i}.wav"),
        duration_s=124.0,
        status=status,
        error=None,
        report_json=rj,
        corrections=None,
        model="tiny.en",
    )


@pytest.fixture
def view(qtbot, themed):
    v = HistoryView()
    qtbot.addWidget(v)
    v.set_takes([_rec(1, "a"), _rec(2, "a"), _rec(3, "b"), _rec(4, "b", "recorded", False)])
    v.show()
    return v


def test_rows_show_fillers_per_minute_and_status(view):
    """Each take is a row; fillers/min comes from its report, unanalysed ones say so."""
    m = view.model
    texts = {
        m.item(r, 0).data(view.table.model().sortRole() - 1): None for r in range(m.rowCount())
    }
    assert len(texts) == 4
    rate = take_figures(sample_report()).rate_text
    rows = {m.item(r, 4).text() for r in range(m.rowCount())}
    assert rows == {"analysed", "not analysed"}
    assert rate in {m.item(r, 3).text() for r in range(m.rowCount())}


def test_filter_by_question(view):
    """Filtering by question leaves only that question's takes."""
    view.set_filter(question_id="b")
    assert sorted(view.visible_ids()) == [3, 4]


def test_compare_needs_two_analysed_takes_of_one_question(view):
    """Compare is offered for two analysed takes of the same question only."""
    view.select_ids({1, 2})
    assert view.compare_btn.isEnabled()
    view.select_ids({1, 3})
    assert not view.compare_btn.isEnabled()
    view.select_ids({3, 4})
    assert not view.compare_btn.isEnabled()


def test_delete_asks_first(qtbot, view):
    """Nothing is deleted when the confirmation is declined; both ids go out when accepted."""
    view.select_ids({1, 2})
    asked = []
    view.confirm_delete = lambda n: asked.append(n) or False
    with qtbot.assertNotEmitted(view.deleteRequested):
        view.delete_btn.click()
    assert asked == [2]
    view.confirm_delete = lambda n: True
    got = []
    view.deleteRequested.connect(got.append)
    view.delete_btn.click()
    assert sorted(got) == [1, 2]


def test_unfinished_take_offers_analysis(qtbot, view):
    """Opening a take that was never analysed asks for analysis instead of a review."""
    view.select_ids({4})
    assert view.open_btn.text() == "Analyse now"
    with qtbot.waitSignal(view.analyseRequested, timeout=1000) as sig:
        view.open_btn.click()
    assert sig.args == [4]


def test_when_column_uses_the_shared_recording_time_format(view):
    """Protects: History and the review write a take's time with one function (report.fmt_when)
    from its start time, so they cannot disagree."""
    from voicecoach.report import fmt_when

    m = view.model
    shown = sorted(m.item(r, 0).text() for r in range(m.rowCount()))
    expected = sorted(fmt_when(_rec(i, "x").created_at) for i in (1, 2, 3, 4))
    assert shown == expected


def _arrow_points_down(header, section: int) -> bool:
    """Read the sort arrow off the header's pixels: a downward arrow is wider at its top."""
    img = header.grab().toImage()
    x0 = header.sectionViewportPosition(section)
    x1 = x0 + header.sectionSize(section)
    x_text_end = (
        x0
        + header.fontMetrics().horizontalAdvance(
            header.model().headerData(section, header.orientation()) or ""
        )
        + 20
    )  # past the label and its padding: only the arrow is inked there
    bg = img.pixelColor(x1 - 2, 2)
    rows = []
    for y in range(img.height() - 2):  # the last rows hold the header's bottom border
        xs = [
            x
            for x in range(max(x_text_end, x0), x1)
            if sum(
                abs(a - b)
                for a, b in zip(img.pixelColor(x, y).getRgb()[:3], bg.getRgb()[:3], strict=True)
            )
            > 60
        ]
        if xs:
            rows.append(max(xs) - min(xs))
    assert len(rows) >= 3, "no sort arrow drawn"
    return rows[0] > rows[-1]


def test_sort_arrow_points_the_way_the_rows_run(qtbot, view):
    """Newest first shows a downward arrow; oldest first an upward one."""
    from PySide6.QtCore import Qt

    header = view.table.horizontalHeader()
    view.resize(900, 400)
    qtbot.waitExposed(view)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    first = view.proxy.index(0, 0).data(SORT_ROLE)
    last = view.proxy.index(view.proxy.rowCount() - 1, 0).data(SORT_ROLE)
    assert first > last  # newest first
    assert _arrow_points_down(header, 0)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert not _arrow_points_down(header, 0)


def test_when_cell_tooltip_gives_the_take_number_export_asks_for(view):
    """Hovering a take's date shows its id, the number `voicecoach export` takes."""
    for row in range(view.proxy.rowCount()):
        idx = view.proxy.index(row, 0)
        take_id = idx.data(ID_ROLE)
        tip = idx.data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(f"Take {take_id},") and f"voicecoach export {take_id}<" in tip
