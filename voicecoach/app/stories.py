"""StoryBankController: the story-bank activity (the bank page, the story card, History's
story column and chooser).

It owns the `StoryStore` and the packs' question ids, answers the bank view's signals (save,
delete, import, export: the only file reading and writing here), gives the question panel its
linked stories, and after an answer asks which story it told, the suggestion first. Logic lives
in `voicecoach.stories`; storage in `voicecoach.store.stories`; widgets only show.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from voicecoach.domain import VoiceCoachError
from voicecoach.store.stories import StoryStore
from voicecoach.stories import (
    Story,
    StoryChoice,
    StoryError,
    StoryImportError,
    export_text,
    format_of,
    parse_stories,
    plan_import,
    suggest_story,
    topic_coverage,
    transcript_of,
)

log = logging.getLogger(__name__)

# (question text, choices with the suggestion first, whether there is one, current story id)
#   -> (confirmed, chosen story id or None for "no story")
AskStory = Callable[[str, list[StoryChoice], bool, int | None], tuple[bool, int | None]]


class StoryBankController(QObject):
    """One story bank: its store, the packs it links to, and the widgets that show it."""

    storiesChanged = Signal()  # a story was saved, deleted or imported

    def __init__(
        self,
        store: StoryStore,
        packs: Any,
        view: Any = None,
        panel: Any = None,
        history_view: Any = None,
        ask: AskStory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.packs = packs
        self.view = view
        self.panel = panel
        self.history_view = history_view
        self.ask = ask or self._ask_dialog
        self._known = {q.id for q in packs.questions()}
        if view is not None:
            view.set_questions(packs)
            view.saveRequested.connect(self.save)
            view.deleteRequested.connect(self.delete)
            view.importRequested.connect(self.import_file)
            view.exportRequested.connect(self.export_file)
        if panel is not None:
            panel.set_story_source(self.stories_for)
        if history_view is not None:
            history_view.storyChoiceRequested.connect(self.choose_story_for_take)
        self.refresh()

    # --- reads -----------------------------------------------------------------------------

    def stories(self) -> list[Story]:
        try:
            return self.store.list()
        except VoiceCoachError as exc:
            self._tell(str(exc), "bad")
            return []

    def stories_for(self, question_id: str) -> list[Story]:
        """The stories linked to a question (for the question panel's card)."""
        try:
            return self.store.stories_for_question(question_id)
        except VoiceCoachError as exc:
            log.error("Could not read the stories of %s: %s", question_id, exc)
            return []

    def refresh(self, select_id: int | None = None) -> None:
        stories = self.stories()
        if self.view is not None:
            self.view.set_stories(stories, select_id)
            coverage = topic_coverage(self.packs, stories)
            self.view.set_coverage([c for c in coverage if not c.covered], len(coverage))
        if self.panel is not None:
            self.panel.refresh_stories()
        self.history_changed()

    def history_changed(self, *_a) -> None:
        """Takes were listed again: the Story column follows."""
        if self.history_view is None:
            return
        try:
            self.history_view.set_take_stories(self.store.take_story_titles())
        except VoiceCoachError as exc:
            log.error("Could not read which stories the takes told: %s", exc)

    # --- the bank --------------------------------------------------------------------------

    def save(self, draft: Story) -> Story | None:
        try:
            saved = self.store.create(draft) if draft.id is None else self.store.update(draft)
        except StoryError as exc:
            if self.view is not None:
                self.view.show_field_error(exc.field, str(exc))
            return None
        except VoiceCoachError as exc:
            self._tell(str(exc), "bad")
            return None
        if self.view is not None:
            self.view.saved(saved)
        self._tell(f"Saved “{saved.title}”.", "good")
        self.refresh(saved.id)
        self.storiesChanged.emit()
        return saved

    def delete(self, story_id: int) -> None:
        try:
            title = self.store.get(story_id).title
            self.store.delete(story_id)
        except VoiceCoachError as exc:
            self._tell(str(exc), "bad")
            return
        self._tell(f"Deleted “{title}”.", "info")
        self.refresh()
        self.storiesChanged.emit()

    def import_file(self, path: str) -> int:
        """Add the stories in a .toml/.json file: all of them or, on any problem, none."""
        p = Path(path)
        try:
            fmt = format_of(p)
            try:
                data = p.read_bytes()
            except OSError as exc:
                raise StoryImportError(
                    p.name, [f"the file cannot be read ({exc.strerror or exc})"]
                ) from exc
            incoming = parse_stories(data, fmt, self._known, source=p.name)
            plan = plan_import(self.store.list(), incoming, p.name)
            self.store.import_stories(plan.new)
        except VoiceCoachError as exc:
            self._tell(str(exc), "bad")
            return 0
        self._tell(plan.summary(), "good")
        self.refresh()
        self.storiesChanged.emit()
        return len(plan.new)

    def export_file(self, path: str) -> bool:
        """Write every story to a file (written beside it first, so a failure leaves the old
        file whole)."""
        p = Path(path)
        try:
            fmt = format_of(p)
            stories = self.store.list()
            text = export_text(stories, fmt)
            fd, tmp = tempfile.mkstemp(prefix=".stories-", dir=p.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
                os.replace(tmp, p)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except VoiceCoachError as exc:
            self._tell(str(exc).replace("Nothing was imported from", "Cannot export to"), "bad")
            return False
        except OSError as exc:
            self._tell(f"Could not write {p} ({exc.strerror or exc}).", "bad")
            return False
        n = len(stories)
        self._tell(f"Exported {n} {'story' if n == 1 else 'stories'} to {p}.", "good")
        return True

    # --- which story an answer told ------------------------------------------------------

    def choices_for(self, record: Any) -> tuple[list[StoryChoice], bool]:
        """Every story as a choice for this take, the suggestion first; and whether there is
        one. Stories linked to the take's question come before the others."""
        stories = self.stories()
        best = suggest_story(transcript_of(getattr(record, "report_json", None)), stories)
        qid = getattr(record, "question_id", "")
        rest = sorted(
            (s for s in stories if best is None or s.id != best.story.id),
            key=lambda s: (qid not in s.question_ids, s.title.casefold()),
        )
        out = []
        if best is not None:
            out.append(StoryChoice(best.story.id, best.story.title, best.reason()))
        out += [StoryChoice(s.id, s.title) for s in rest]
        return out, best is not None

    def choose_story_for_take(self, take_id: int) -> None:
        record = self.history_view.record(take_id) if self.history_view is not None else None
        if record is None:
            return
        choices, suggested = self.choices_for(record)
        if not choices:
            self._tell("Your story bank is empty: write a story there first.", "info")
            return
        try:
            current = self.store.story_of_take(take_id)
        except VoiceCoachError as exc:
            self._tell(str(exc), "bad")
            return
        ok, story_id = self.ask(
            record.question_text, choices, suggested, current.id if current else None
        )
        if not ok:
            return
        try:
            self.store.set_take_story(take_id, story_id)
        except VoiceCoachError as exc:
            self._tell(str(exc), "bad")
            return
        self.history_changed()

    def _ask_dialog(
        self, question: str, choices: list[StoryChoice], suggested: bool, current: int | None
    ) -> tuple[bool, int | None]:
        from voicecoach.ui.story_chooser import ask_story  # the one dialog this activity opens

        return ask_story(question, choices, suggested, current, parent=self.history_view)

    def _tell(self, text: str, kind: str) -> None:
        if kind == "bad":
            log.warning("%s", text)
        if self.view is not None:
            self.view.show_message(text, kind)

    def close(self) -> None:
        self.store.close()


def wire_stories(
    db_path: Path,
    packs: Any,
    bank_view: Any,
    question_panel: Any,
    history_view: Any,
    history_changed: Any,
    parent: QObject | None = None,
) -> StoryBankController:
    """The story bank on the history database (open `History` on `db_path` first);
    `history_changed` is the signal emitted when History lists takes again. The store's
    connection closes when the application quits."""
    ctl = StoryBankController(
        StoryStore(db_path), packs, bank_view, question_panel, history_view, parent=parent
    )
    history_changed.connect(ctl.history_changed)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(ctl.close)
    return ctl
