"""Child process of the crash test: saves answers and drafts in a loop and acknowledges each commit.

Usage: crash_child.py DB SESSION_ID FIRST_N. Odd N commit an audited answer to a question of
the first half of the script, even N save a draft (what the window does while typing) of a
question of the second half. After each save returned (its transaction committed) it prints
``N KIND QUESTION_ID`` (KIND is ``answer`` or ``draft``), then goes on until killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mockinspect.domain.session import DraftPatch, ResponsePatch
from mockinspect.services.inspection import InspectionService


def main() -> None:
    db, session_id, first = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with InspectionService.open(db, user_name="crash-child") as service:
        questions = [e.question_id for e in service.script(session_id)]
        answered, drafted = questions[: len(questions) // 2], questions[len(questions) // 2 :]
        n = first
        while True:
            if n % 2:
                qid = answered[n % len(answered)]
                status = ("compliant", "observation", "deficient")[n % 3]
                service.record_response(session_id, qid, ResponsePatch(status=status, text=f"answer {n}"))
                kind = "answer"
            else:
                qid = drafted[n % len(drafted)]
                service.save_draft(session_id, qid, DraftPatch(text=f"draft {n} " + "typing " * (n % 40)))
                kind = "draft"
            sys.stdout.write(f"{n} {kind} {qid}\n")
            sys.stdout.flush()
            n += 1


if __name__ == "__main__":
    main()
