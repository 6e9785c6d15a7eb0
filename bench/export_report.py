"""Export a real take and photograph it: docs/screenshots/export.png, with sizes and times.

    python bench/export_report.py              # writes docs/screenshots/export.png
    python bench/export_report.py --out DIR    # also keeps the HTML, PDF and audio in DIR

The take is real: the synthesized answer of tests/fixtures (the one bench/screenshots.py uses)
transcribed by the bundled Whisper model and analysed, saved in a temporary history, then
exported by the same functions as `voicecoach export` (HTML, HTML with the audio embedded, PDF)
and rendered by headless Chromium with networking off. Prints file sizes and export times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QImage  # noqa: E402

from tests.browser import BROWSER, chromium  # noqa: E402

FIXTURE = "balanced-01"
SHOT = ROOT / "docs" / "screenshots" / "export.png"
MAX_PNG_BYTES = 200_000


def chromium_shot(page: Path, png: Path, profile: Path, size: str = "1000,1900") -> None:
    if BROWSER is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium).")
    chromium(profile, f"--screenshot={png}", f"--window-size={size}", page.as_uri(), check=True)


def _quantize(img: QImage) -> QImage:
    """256 colours, the page's most frequent ones, no dithering: a third of the PNG's size."""
    import numpy as np
    from PySide6.QtCore import Qt

    rgb = img.convertToFormat(QImage.Format.Format_RGB32)
    w, h = rgb.width(), rgb.height()
    px = np.frombuffer(rgb.constBits(), np.uint32, count=rgb.bytesPerLine() // 4 * h)
    px = px.reshape(h, -1)[:, :w].copy()
    values, counts = np.unique(px, return_counts=True)
    table = [int(v) for v in values[np.argsort(-counts)[:256]]]
    flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
    return rgb.convertToFormat(QImage.Format.Format_Indexed8, table, flags)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="keep the exported files here")
    args = ap.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([])

    from tests.fixtures.synth import synthesize
    from voicecoach.app.export import export_take
    from voicecoach.packs import load_packs
    from voicecoach.pipeline import analyze_file
    from voicecoach.report import to_json
    from voicecoach.settings import Settings
    from voicecoach.speech.transcriber import WhisperTranscriber
    from voicecoach.store.history import History

    fx = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{FIXTURE}.toml")
    packs = load_packs()
    question = next(q for q in packs.questions() if "incident" in q.prompt.lower())
    settings = Settings()
    t0 = time.perf_counter()
    report = analyze_file(
        fx.wav_path, WhisperTranscriber(settings.transcriber), question, settings.analysis
    )
    print(f"analysed {report.duration_s:.0f} s answer in {time.perf_counter() - t0:.1f} s")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = args.out or tmp
        out.mkdir(parents=True, exist_ok=True)
        wav = tmp / "take.wav"
        shutil.copyfile(fx.wav_path, wav)
        with History(tmp / "history.db") as h:
            when = datetime(2026, 11, 27, 18, 40, tzinfo=UTC)
            take = h.start_take(question.id, question.pack, question.prompt, wav, created_at=when)
            h.finish_recording(take, report.duration_s)
            h.save_report(take, to_json(report), report.transcript.model)
            for name, audio in (("report.html", None), ("report-audio.html", "embed")):
                t = time.perf_counter()
                export_take(h, take, out / name, settings=settings.analysis, audio=audio)
                ms = (time.perf_counter() - t) * 1000
                print(f"{name:<20} {(out / name).stat().st_size / 1024:8.0f} KB  {ms:6.0f} ms")
            t = time.perf_counter()
            export_take(h, take, out / "report.pdf", settings=settings.analysis)
            ms = (time.perf_counter() - t) * 1000
            kb = (out / "report.pdf").stat().st_size / 1024
            print(f"{'report.pdf':<20} {kb:8.0f} KB  {ms:6.0f} ms")
        t = time.perf_counter()
        chromium_shot(out / "report.html", SHOT, tmp / "profile")
        print(f"chromium screenshot {time.perf_counter() - t:.1f} s")
    img = QImage(str(SHOT))
    if SHOT.stat().st_size > MAX_PNG_BYTES:
        _quantize(img).save(str(SHOT))
    print(
        f"{SHOT.relative_to(ROOT)}: {img.width()}x{img.height()}, {SHOT.stat().st_size // 1024} KB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
