"""The training screens for ``make screenshots`` (``ui/screenshots.py`` calls these): a trainee
with two earlier drills (so progress has history, weak areas and reviews due) and a drill in
progress with the inspector's silence on, shown asking, waiting in silence, asking for the
self-rating, scored, a finished drill with the assessor's rating, and the Training tab.

On their own: ``python -m mockinspect.ui.rehearsal_shots OUT_DIR`` (under Xvfb)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mockinspect.services import Services

TRAINEE = "Jonas Brandt"
SCENARIO = "fda-cgt-data-integrity"
GOOD_DI_001 = (
    "Our SOP-QA-031 defines which audit trails are reviewed, based on risk: changes, deletions and reprocessing. "
    "QA completes the review before release and documents it on the review checklist. The reviewer is trained and "
    "independent of the analyst. Anything unexplained is raised as a deviation. I can show you the last three."
)
PARTLY_DI_001 = (
    "I think QA usually looks at the audit trails before release, probably for the main systems like the flow "
    "cytometer. They sign the batch record review checklist when it is done. If something looks odd they would "
    "normally talk to the analyst."
)
DI_003 = (
    "Every operator has their own account on the HMI, set up by IT under SOP-IT-012 with role-based privileges. "
    "I can show you the user list on the HMI and the audit trail with the user ID against each set-point change."
)
TYPING = "The operators each log in with their own account on the HMI. The accounts are set up by IT and"


@dataclass
class Demo:
    drill: str
    question: str  # scored in the feedback shot
    asking: str  # asked in the question shot
    finished: str  # a finished drill: its result


def demo(services: Services, catalogue: Any) -> Demo:
    """A trainee with history, and a drill ready to be shown (scores stored through the service)."""
    scenario = catalogue.scenario(SCENARIO)
    banks = list(catalogue.banks.values())
    today = datetime.now(UTC).date()
    inspection = today + timedelta(days=60)
    training = services.training
    first = training.start_session(
        scenario, banks, trainee=TRAINEE, employee_id="E-1042", department="QC", role="QC analyst",
        inspection_date=inspection, assessor="Dr. Anna Weber", question_ids=["DI-001", "DI-003", "DI-008"],
    )  # fmt: skip
    earlier = today - timedelta(days=8)
    training.answer(first.id, "DI-001", PARTLY_DI_001, seconds=64, today=earlier)
    training.answer(first.id, "DI-003", DI_003, seconds=71, today=earlier)
    training.answer(
        first.id, "DI-008", "We cross it out and write the right value next to it.", seconds=12, today=earlier
    )
    services.inspection.finish_session(first.id)
    training.rate_session(
        first.id, 2, comment="Calm and polite, but guessed how corrections are made and argued when pressed. "
        "Rehearse GDP corrections (SOP-QA-003) before the next drill.",
    )  # fmt: skip
    second = training.start_session(
        scenario, banks, trainee=TRAINEE, inspection_date=inspection, assessor="Dr. Anna Weber",
        question_ids=["DI-001", "DI-002"],
    )  # fmt: skip
    training.answer(second.id, "DI-001", GOOD_DI_001, seconds=88, today=today - timedelta(days=3))
    training.answer(second.id, "DI-002", "Probably the label is checked by the operator, I guess.", seconds=20,
                    today=today - timedelta(days=3))  # fmt: skip
    services.inspection.finish_session(second.id)
    drill = training.start_session(
        scenario, banks, trainee=TRAINEE, inspection_date=inspection, assessor="Dr. Anna Weber",
        question_ids=["DI-001", "DI-003", "DI-008"], silence_seconds=7,
    )  # fmt: skip
    return Demo(drill.id, "DI-001", "DI-003", first.id)


def take(window: Any, out: Path, suffix: str, settle: Callable[[], None], shots: Demo) -> None:
    """rehearsal-question, -silence, -rating, -feedback, -done and -progress (with ``suffix``)."""
    from mockinspect.ui.rehearsal import RehearsalScreen

    window.open_session(shots.drill)
    screen = window.interview
    assert isinstance(screen, RehearsalScreen)
    if screen.scores.question(shots.question) is None:  # the first theme scores it; the second shows it
        screen.go_to(shots.question, fresh=True)
        screen.answer.setPlainText(PARTLY_DI_001)
        screen._shown_at = time.monotonic() - 70  # as if typed for a minute
        screen.submit()
        screen.end_silence()
        screen.rate_self(4)  # the trainee thought it good: over-confident
    else:
        screen.go_to(shots.question)
    settle()
    window.grab().save(str(out / f"rehearsal-feedback{suffix}.png"))
    # the next answer submitted: the inspector's silence, then the self-rating (neither is stored)
    screen.go_to(shots.asking, fresh=True)
    screen.answer.setPlainText(DI_003)
    screen._shown_at = time.monotonic() - 52
    screen.submit()
    screen._silence_started = time.monotonic() - 3  # three seconds into the silence
    screen._tick()
    settle()
    window.grab().save(str(out / f"rehearsal-silence{suffix}.png"))
    screen.end_silence()
    settle()
    window.grab().save(str(out / f"rehearsal-rating{suffix}.png"))
    screen._dirty = False
    window.services.inspection.discard_draft(shots.drill, shots.asking)
    screen.go_to(shots.asking, fresh=True)
    screen.answer.setPlainText(TYPING)
    screen._shown_at = time.monotonic() - 41
    screen._tick()
    screen.autosave.stop()
    settle()
    window.grab().save(str(out / f"rehearsal-question{suffix}.png"))
    screen._dirty = False  # the demo typing is not kept as a draft
    window.open_session(shots.finished)
    settle()
    window.grab().save(str(out / f"rehearsal-done{suffix}.png"))
    window.show_progress()
    window.progress.select("Jonas Brandt")
    settle()
    window.grab().save(str(out / f"rehearsal-progress{suffix}.png"))
    window.start.tabs.setCurrentIndex(0)


def shoot(out: Path, settle: Callable[[], None]) -> None:
    """Every training shot, light and dark, from a database of its own (the other shots keep theirs)."""
    import os

    from mockinspect.paths import user_data_dir
    from mockinspect.services.banks import BankService
    from mockinspect.settings import Settings
    from mockinspect.ui.window import MainWindow

    path = Path(os.environ.get("MOCKINSPECT_DATA_DIR") or user_data_dir()) / "training-demo.db"
    catalogue = BankService().catalogue()
    with Services.open(path, user_name="Dr. Anna Weber") as services:
        shots = demo(services, catalogue)
        for theme in ("light", "dark"):
            window = MainWindow(services, Settings(user_name="Dr. Anna Weber", theme=theme))
            window.resize(1440, 900)
            window.show()
            window.catalogue()
            settle()
            take(window, out, "" if theme == "light" else "-dark", settle, shots)
            window.close()
            settle()


def main(out: Path) -> int:
    """Only the training shots, from a database in a temporary folder."""
    import os
    import sys
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="mockinspect-shots-"))
    for name in ("DATA", "CACHE", "CONFIG"):
        (home / name.lower()).mkdir()
        os.environ[f"MOCKINSPECT_{name}_DIR"] = str(home / name.lower())
    from PySide6.QtWidgets import QApplication

    from mockinspect.ui.common import set_asker

    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_asker(lambda *a: a[-1][0])
    out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(20):
            app.processEvents()

    shoot(out, settle)
    return 0


__all__ = ["Demo", "demo", "main", "shoot", "take"]

if __name__ == "__main__":
    import sys

    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
