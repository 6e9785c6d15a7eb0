"""RunCursor: where a mock interview run is - which question or follow-up comes next.

A run is a list of slots: each planned question's answer, then its follow-up when one was
planned. Pure (no Qt); the interview controller moves it.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach import interview as core
from voicecoach.domain import Question


@dataclass(frozen=True)
class Slot:
    position: int  # 0-based question number
    kind: str  # answer | follow_up


@dataclass(frozen=True)
class Step:
    """What the run is doing, for the interview page."""

    position: int
    count: int  # questions in the run
    kind: str  # answer | follow_up
    prompt: str
    stage: str  # asking | answering | analysing | paused
    target_s: float


def plan_slots(plan: core.InterviewPlan) -> list[Slot]:
    out: list[Slot] = []
    for pos, item in enumerate(plan.items):
        out.append(Slot(pos, "answer"))
        if item.follow_up is not None:
            out.append(Slot(pos, "follow_up"))
    return out


class RunCursor:
    def __init__(self, plan: core.InterviewPlan, first: int = 0) -> None:
        self.plan = plan
        self.slots = plan_slots(plan)
        self.i = first

    @property
    def done(self) -> bool:
        return self.i >= len(self.slots)

    def slot(self) -> Slot:
        return self.slots[self.i]

    def item(self, slot: Slot) -> core.PlanItem:
        return self.plan.items[slot.position]

    def question_of(self, slot: Slot) -> Question:
        """The question an answer is measured against (a follow-up's is timed as a whole)."""
        item = self.item(slot)
        return item.question if slot.kind == "answer" else core.follow_up_question(item)

    def prompt(self, slot: Slot) -> str:
        item = self.item(slot)
        return item.question.prompt if slot.kind == "answer" else (item.follow_up or "")

    def step(self, stage: str) -> Step:
        slot = self.slot()
        return Step(
            slot.position,
            len(self.plan.items),
            slot.kind,
            self.prompt(slot),
            stage,
            self.question_of(slot).targets.total_s,
        )

    def advance(self) -> None:
        self.i += 1

    def skip_question(self) -> None:
        """Move past the current slot; a skipped question takes its follow-up with it."""
        pos = self.slot().position
        self.i += 1
        while not self.done and self.slots[self.i].position == pos:
            self.i += 1

    def skip_follow_up_of(self, slot: Slot) -> None:
        """Nothing was said: no follow-up to a missing answer (when it comes next)."""
        nxt = self.i + 1
        if nxt < len(self.slots) and self.slots[nxt] == Slot(slot.position, "follow_up"):
            self.i += 1

    def first_after(self, taken: set[tuple[int, str]]) -> int:
        """The slot after the last one that has a take (where a resumed run goes on)."""
        last = max(
            (k for k, s in enumerate(self.slots) if (s.position, s.kind) in taken), default=-1
        )
        return last + 1
