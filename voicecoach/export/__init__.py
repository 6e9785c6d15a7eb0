"""Reports to share: a take, or a mock interview run, as one self-contained HTML page; history
as CSV or JSON.

Pure rendering, no Qt and no I/O beyond what the caller hands in: `take_html` and
`interview_html` return a string,
`history_json` / `history_csv` return data. The PDF writer and the file dialogs live in
`voicecoach.app.export` (they need Qt).
"""

from voicecoach.export.history import HISTORY_CSV_COLUMNS, history_csv, history_json
from voicecoach.export.html import TakeInfo, take_html, timeline_svg
from voicecoach.export.interview import AnswerPage, RunInfo, interview_html

__all__ = [
    "HISTORY_CSV_COLUMNS",
    "AnswerPage",
    "RunInfo",
    "TakeInfo",
    "history_csv",
    "history_json",
    "interview_html",
    "take_html",
    "timeline_svg",
]
