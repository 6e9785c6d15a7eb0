"""Export a mock interview run and photograph it: docs/screenshots/export-interview.png.

    python bench/export_interview.py              # writes docs/screenshots/export-interview.png
    python bench/export_interview.py --out DIR    # also keeps the HTML, PDF and audio in DIR

The run is the three-question interview of tests/export/interviews.py (the hand-built sample
answer of tests/ui for each main answer, follow-ups measured by `interview.analyse_follow_up`
on the start of its words), saved in a temporary history, exported by the same functions as
`voicecoach export --interview` (HTML, HTML with the recordings embedded, PDF) and rendered by
headless Chromium with networking off. Prints file sizes and export times.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from export_report import MAX_PNG_BYTES, _quantize, chromium_shot  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage  # noqa: E402

SHOT = ROOT / "docs" / "screenshots" / "export-interview.png"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="keep the exported files here")
    args = ap.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([])

    from tests.export.interviews import make_interview
    from voicecoach.app.export import export_interview
    from voicecoach.packs import load_packs
    from voicecoach.settings import Settings
    from voicecoach.store.history import History

    settings = Settings()
    titles = {n: p.title or n for n, p in load_packs().packs.items()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = args.out or tmp / "out"
        out.mkdir(parents=True, exist_ok=True)
        paths, run, _ids = make_interview(tmp / "data")
        with History(paths.db_path) as h:
            for name, audio in (
                ("interview.html", None),
                ("interview-audio.html", "embed"),
                ("interview.pdf", None),
            ):
                t = time.perf_counter()
                export_interview(
                    h, run, out / name, settings=settings, audio=audio, pack_titles=titles
                )
                ms = (time.perf_counter() - t) * 1000
                print(f"{name:<22} {(out / name).stat().st_size / 1024:8.0f} KB  {ms:6.0f} ms")
        t = time.perf_counter()
        chromium_shot(out / "interview.html", SHOT, tmp / "profile", size="1000,2300")
        print(f"chromium screenshot {time.perf_counter() - t:.1f} s")
    img = QImage(str(SHOT))
    if SHOT.stat().st_size > MAX_PNG_BYTES:
        _quantize(img).save(str(SHOT))
    print(
        f"{SHOT.relative_to(ROOT)}: {img.width()}x{img.height()}, {SHOT.stat().st_size // 1024} KB"
        f" (load average {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
