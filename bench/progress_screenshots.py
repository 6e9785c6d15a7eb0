"""Screenshots of the Progress page, light and dark: docs/screenshots/progress*.png.

    python bench/progress_screenshots.py        # offscreen; or under Xvfb: DISPLAY=:99 ...

A history of 16 takes over two months (`bench/progress.make_history`: the hand-built sample
answer, varied and improving take by take, over real pack questions) in a temporary data dir,
read back by the real `History.list_figures` and `ProgressController` into the real MainWindow.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 960)
TAKES = 16
MAX_PNG_BYTES = 200_000


def main() -> int:
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    from bench.progress import make_history
    from voicecoach.app.progress import wire_progress
    from voicecoach.packs import load_packs
    from voicecoach.store.history import History
    from voicecoach.ui.main_window import MainWindow
    from voicecoach.ui.style import apply_theme, retheme

    class Library(QObject):  # what wire_progress needs of the session
        historyChanged = Signal(object)

        def __init__(self, history: History) -> None:
            super().__init__()
            self.history = history
            self.packs = load_packs()

        def pack_titles(self) -> dict[str, str]:
            return {n: getattr(p, "title", n) for n, p in self.packs.packs.items()}

        def open_take(self, _take_id: int) -> None:
            pass

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_history(Path(tmp), TAKES)
        with History(paths.db_path) as h:
            window = MainWindow()
            window.resize(*SIZE)
            wire_progress(Library(h), window)
            window.show()
            window.show_page("progress")
            app.processEvents()
            for theme, name in (("light", "progress.png"), ("dark", "progress-dark.png")):
                apply_theme(app, theme)
                window.refresh_icons()
                retheme(window)
                app.processEvents()
                out = OUT / name
                window.grab().save(str(out), "PNG")
                size = out.stat().st_size
                print(f"{out.relative_to(ROOT)}: {size / 1000:.0f} KB")
                if size > MAX_PNG_BYTES:
                    print(f"  over {MAX_PNG_BYTES / 1000:.0f} KB")
                    return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
