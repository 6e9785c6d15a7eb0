"""How often live coaching names the right section while the answer is being spoken.

Replays each scripted answer's words (script text spread over the exact piece times from the
synthesized truth, so no recognition errors) and every 5 s asks `live_status` about the words
committed so far, with a 3 s streaming lag. A check is right when the section it names is the
true section of the last sentence heard. Also counts backward moves (Action -> Situation),
which the session's latch hides from the user.

    .venv/bin/python bench/live.py [--split dev|heldout|all]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.script import load_all  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.analysis.live import live_status  # noqa: E402
from voicecoach.domain import SECTION_NAMES, SectionTargets, Word  # noqa: E402

LAG_S = 3.0
STEP_S = 5.0


def script_words(truth) -> list[Word]:
    out = []
    for p in truth.pieces:
        toks = p.text.split()
        d = (p.end_s - p.start_s) / max(len(toks), 1)
        out += [
            Word(t, p.start_s + k * d, p.start_s + (k + 1) * d - 0.02) for k, t in enumerate(toks)
        ]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    args = ap.parse_args()
    right = checks = back = 0
    for sc in load_all():
        if args.split != "all" and sc.split != args.split:
            continue
        truth = synthesize(ROOT / "tests" / "fixtures" / "answers" / f"{sc.id}.toml").truth
        words = script_words(truth)
        prev = None
        t = 2 * STEP_S
        a_right = a_checks = 0
        while t < truth.duration_s:
            heard = tuple(w for w in words if w.end_s <= t - LAG_S)
            st = live_status(heard, t, SectionTargets())
            if st.section is not None:
                last = next(w for w in reversed(heard))
                true = next(
                    (s.name for s in truth.sections if s.start_s <= last.start_s < s.end_s),
                    truth.sections[-1].name,
                )
                a_right += st.section == true
                a_checks += 1
                if prev and SECTION_NAMES.index(st.section) < SECTION_NAMES.index(prev):
                    back += 1
                prev = st.section
            t += STEP_S
        right += a_right
        checks += a_checks
        print(f"{sc.id:<22} {sc.split:<8} {a_right}/{a_checks}")
    print(f"live section accuracy {right / checks:.3f} over {checks} checks; backward moves {back}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
