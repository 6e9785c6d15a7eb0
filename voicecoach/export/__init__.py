"""Reports to share: a take as one self-contained HTML page, history as CSV or JSON.

Pure rendering, no Qt and no I/O beyond what the caller hands in: `take_html` returns a string,
`history_json` / `history_csv` return data. The PDF writer and the file dialogs live in
`voicecoach.app.export` (they need Qt).
"""

from voicecoach.export.history import HISTORY_CSV_COLUMNS, history_csv, history_json
from voicecoach.export.html import TakeInfo, take_html, timeline_svg

__all__ = [
    "HISTORY_CSV_COLUMNS",
    "TakeInfo",
    "history_csv",
    "history_json",
    "take_html",
    "timeline_svg",
]
