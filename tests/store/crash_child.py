"""Child process of the crash test: records answers in a loop and acknowledges each commit.

Usage: crash_child.py DB SESSION_ID FIRST_N. Prints ``N RESPONSE_ID QUESTION_ID`` after each
``record_response`` returned (its transaction committed), then goes on until killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mockinspect.services.inspection import InspectionService


def main() -> None:
    db, session_id, first = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with InspectionService.open(db, user_name="crash-child") as service:
        questions = [e.question_id for e in service.script(session_id)]
        n = first
        while True:
            qid = questions[n % len(questions)]
            status = ("compliant", "observation", "deficient")[n % 3]
            response = service.record_response(session_id, qid, status=status, text=f"answer {n}")
            sys.stdout.write(f"{n} {response.id} {qid}\n")
            sys.stdout.flush()
            n += 1


if __name__ == "__main__":
    main()
