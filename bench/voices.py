"""Time to first audio of a question: pyttsx3 (espeak-ng) against the natural voice (piper).

    nice -n 5 .venv/bin/python bench/voices.py            # both engines, 6 questions each
    .venv/bin/python bench/voices.py --screenshot docs/screenshots/settings-voice.png
    nice -n 5 .venv/bin/python bench/voices.py --rate     # Joe's words/min by length scale

For each engine: "build" is how long `make_speaker` takes to return, "first" the first
question said right after it (piper's import and model load, on its own thread, included),
"warm" the median over the next questions. Time to first audio runs from `say()` to the moment
the first output stream is opened and started, on a fake device layer that plays instantly (so
synthesis is what is measured, not the length of the sentence). Load average is printed
beside the figures: the machine is shared, compare engines only within one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS_N = 5


def _questions(n: int) -> list[str]:
    from voicecoach.packs import load_packs

    prompts = [q.prompt for q in load_packs().questions()]
    # typical ones: the median length of the packs' prompts
    prompts.sort(key=len)
    mid = len(prompts) // 2
    return prompts[max(0, mid - n // 2) : max(0, mid - n // 2) + n + 1]


def _loadavg() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min, {os.cpu_count()} cores)"


def time_engine(voice: str | None, questions: list[str]) -> tuple[float, float, list[float], str]:
    """(build s, first s, warm s list, note) for the speaker `make_speaker` builds for `voice`."""
    from tests.fakes.sound import FakeSoundLayer
    from voicecoach.settings import TtsSettings
    from voicecoach.speech.tts import make_speaker

    layer = FakeSoundLayer(speed=0)
    t0 = time.perf_counter()
    sp = make_speaker(TtsSettings(voice=voice), layer)
    build_s = time.perf_counter() - t0
    notes: list[str] = []
    if hasattr(sp, "on_notice"):
        sp.on_notice = notes.append
    done = threading.Event()
    sp.on_done = lambda _t, _c: done.set()
    times = []
    try:
        if not sp.available:
            return build_s, float("nan"), [], sp.unavailable_reason
        for text in questions:
            done.clear()
            before = len(layer.output_streams)
            t0 = time.perf_counter()
            if not sp.say(text):
                return build_s, float("nan"), [], sp.unavailable_reason
            while len(layer.output_streams) == before and not done.is_set():
                time.sleep(0.001)
            times.append(time.perf_counter() - t0)
            done.wait(60)
    finally:
        sp.close()
    return build_s, times[0], times[1:], notes[0] if notes else ""


def bench() -> int:
    from voicecoach.speech.voices import JOE, neural_installed

    questions = _questions(QUESTIONS_N)
    words = statistics.median(len(q.split()) for q in questions)
    print(f"{len(questions)} pack questions, median {words:.0f} words; {_loadavg()}")
    print("time to first audio, s: build = make_speaker() returns; first = 1st question after it;")
    print("warm = median of the next questions")
    print(f"{'engine':<22} {'build':>6} {'first':>6} {'warm':>6} {'warm max':>8}  load")
    engines = [("pyttsx3 (espeak-ng)", None)]
    if neural_installed():
        engines.append(("piper (Joe, natural)", JOE))
    else:
        print("piper: not installed (pip install 'voicecoach[voices]'), skipped")
    for name, voice in engines:
        build, first, warm, note = time_engine(voice, questions)
        w = statistics.median(warm) if warm else float("nan")
        m = max(warm) if warm else float("nan")
        print(f"{name:<22} {build:>6.2f} {first:>6.2f} {w:>6.2f} {m:>8.2f}  {_loadavg()}")
        if note:
            print(f"  note: {note}")
    return 0


def rate_fit(n: int = 24) -> int:
    """Joe's speaking rate against piper's length scale, and the line `length_scale_for` uses."""
    import numpy as np

    from voicecoach.packs import load_packs
    from voicecoach.speech.neural_tts import length_scale_for, load_piper_voice

    voice = load_piper_voice()
    text = " ".join(q.prompt for q in load_packs().questions()[:n])
    words = len(text.split())
    print(f"{n} pack questions, {words} words; {_loadavg()}")
    scales, per_word = [1.0, 1.5, 2.0], []
    for ls in scales:
        dur = sum(len(a) / r for a, r in voice.chunks(text, ls))
        per_word.append(dur / words)
        print(f"length scale {ls:.1f}: {dur:.1f} s, {60 / per_word[-1]:.0f} words/min")
    slope, fixed = np.polyfit(scales, per_word, 1)
    print(f"seconds per word = {fixed:.3f} + {slope:.3f} x length scale")
    for wpm in (130, 165, 200):
        ls = length_scale_for(wpm)
        dur = sum(len(a) / r for a, r in voice.chunks(text, ls))
        print(f"asked {wpm} words/min: length scale {ls:.2f}, got {words / dur * 60:.0f}")
    return 0


def screenshot(path: Path) -> int:
    """Settings, reading-voice section, with the voice list open beside it (offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from voicecoach.settings import Settings
    from voicecoach.speech.tts import Pyttsx3Speaker
    from voicecoach.speech.voices import JOE, neural_voices
    from voicecoach.ui.settings_dialog import SettingsDialog
    from voicecoach.ui.style import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    from tests.fakes.sound import FakeSoundLayer

    sp = Pyttsx3Speaker(Settings().tts, FakeSoundLayer())
    voices = sp.voices()  # the real espeak-ng list of this machine
    sp.close()
    s = Settings()
    from dataclasses import replace

    s = replace(s, tts=replace(s.tts, voice=JOE if neural_voices() else "gmw/en-us"))
    dlg = SettingsDialog(s, ["Built-in Microphone"], voices)
    dlg.show()
    dlg.voice.setFocus()
    app.processEvents()
    # the voice section: from the top of the form to the reading-speed row
    bottom = dlg.read_aloud.geometry().bottom() + 6
    section = dlg.grab(QRect(0, 0, dlg.width(), bottom))
    dlg.voice.showPopup()
    dlg.voice.view().scrollToTop()  # from "System default voice", not centred on the choice
    app.processEvents()
    view = dlg.voice.view()
    popup = view.window().grab()
    top = view.mapTo(view.window(), QPoint(0, 0)).y()
    limit = min(popup.height(), 380)
    cut = max(  # end on a whole row
        top + view.visualRect(dlg.voice.model().index(i, 0)).bottom() + 1
        for i in range(dlg.voice.count())
        if top + view.visualRect(dlg.voice.model().index(i, 0)).bottom() < limit
    )
    popup = popup.copy(0, 0, popup.width(), cut + 1)
    dlg.voice.hidePopup()
    gap = 16
    w = section.width() + gap + popup.width() + gap
    h = max(section.height(), popup.height() + 2 * gap)
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(dlg.palette().window().color())
    p = QPainter(img)
    p.drawPixmap(QPoint(0, 0), section)
    x = section.width() + gap
    p.drawPixmap(QPoint(x, gap), popup)
    p.setPen(QColor("#9aa0a6"))
    p.drawRect(x - 1, gap - 1, popup.width() + 1, popup.height() + 1)
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(path))
    dlg.reject()
    print(f"wrote {path} ({img.width()}x{img.height()})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--screenshot", type=Path, help="write the Settings voice section PNG")
    ap.add_argument("--rate", action="store_true", help="fit Joe's rate to piper's length scale")
    args = ap.parse_args()
    if args.screenshot:
        return screenshot(args.screenshot)
    return rate_fit() if args.rate else bench()


if __name__ == "__main__":
    sys.exit(main())
