"""Screenshot of the story bank: docs/screenshots/story-bank.png.

    python bench/story_bank_screenshot.py            # offscreen
    python bench/story_bank_screenshot.py --card /tmp/card.png   # also the question panel's card

Four stories written for this screenshot, saved through the real `StoryStore` into a fresh
history database in a temporary folder, linked to real pack questions, and shown by the real
`StoryBankView` through `StoryBankController` (so the coverage line is computed, not drawn).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

OUT = ROOT / "docs" / "screenshots" / "story-bank.png"
SIZE = (1200, 860)

# (title, situation, task, action, result, tags, topics whose first question it answers)
STORIES = [
    (
        "The invoice run that double-charged",
        "A retry bug sent duplicate invoices to 300 customers on a Friday night",
        "I was on call and owned stopping it and making customers whole",
        "Paused the job, wrote the refund script with finance, added an idempotency key",
        "Refunds out in six hours; no duplicate invoice since, two years on",
        ("incident", "ownership", "on call"),
        ("Production incidents", "Ownership and decisions"),
    ),
    (
        "Saying no to the rewrite",
        "The team wanted to rewrite the search service from scratch",
        "As tech lead I had to decide with half the data we wanted",
        "Ran a two-week spike, measured the slow paths, proposed three targeted fixes",
        "p95 latency fell from 900 ms to 250 ms for a tenth of the rewrite cost",
        ("conflict", "decision", "technical debt"),
        ("Conflict and disagreement", "Technical debt"),
    ),
    (
        "Mentoring Priya into on-call",
        "A new engineer was anxious about her first on-call rotation",
        "Get her confident enough to lead an incident alone",
        "Shadow shifts, a runbook we wrote together, a practice game day",
        "She led the next real incident and now trains new joiners",
        ("mentoring", "leadership"),
        ("Mentoring and leadership",),
    ),
    (
        "Explaining a delay to sales",
        "A launch slipped two weeks after a security review found gaps",
        "Tell the sales director before his customer demo",
        "Showed the risk in plain words and offered a reduced demo that was safe",
        "Demo went ahead; the deal closed, and sales now joins our planning",
        ("stakeholders", "communication"),
        ("Communicating with non-engineers", "Stakeholders"),
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--card", type=Path, help="also save the question panel with its card")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from voicecoach.app.stories import StoryBankController
    from voicecoach.packs import load_packs
    from voicecoach.store.history import History
    from voicecoach.store.stories import StoryStore
    from voicecoach.stories import Story
    from voicecoach.ui.question_panel import QuestionPanel
    from voicecoach.ui.story_bank_view import StoryBankView
    from voicecoach.ui.style import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    packs = load_packs()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "history.db"
        history = History(db)
        store = StoryStore(db)
        for title, s, t, a, r, tags, topics in STORIES:
            qids = tuple(packs.questions(topic=topic)[0].id for topic in topics)
            store.create(Story(title, s, t, a, r, tags, qids))
        view = StoryBankView()
        view.resize(*SIZE)
        panel = QuestionPanel() if args.card else None
        ctl = StoryBankController(store, packs, view, panel)
        view.select_story(next(s.id for s in store.list() if s.title.startswith("Saying no")))
        view.show()
        view.list.setFocus()
        app.processEvents()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if not view.grab().save(str(args.out)):
            print(f"could not write {args.out}", file=sys.stderr)
            return 1
        print(f"wrote {args.out} ({args.out.stat().st_size // 1000} kB)")
        if panel is not None:
            panel.set_packs(packs)
            panel.resize(900, 400)
            first = store.list()[0]
            panel.set_question(packs.get(first.question_ids[0]))
            panel.story_card.toggle.click()
            panel.hints_toggle.setChecked(False)  # the window shows hints under Record
            panel.show()
            app.processEvents()
            panel.grab().save(str(args.card))
            print(f"wrote {args.card}")
        ctl.close()
        history.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
