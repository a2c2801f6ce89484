"""The training screens for ``make screenshots`` (``ui/screenshots.py`` calls these): a trainee
with two earlier drills (so progress has history, weak areas and reviews due) and a drill in
progress, shown asking, scored, and in the Training tab."""

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
        question_ids=["DI-001", "DI-003", "DI-008"],
    )  # fmt: skip
    return Demo(drill.id, "DI-001", "DI-003", first.id)


def take(window: Any, out: Path, suffix: str, settle: Callable[[], None], shots: Demo) -> None:
    """rehearsal-question, -feedback, -done and -progress (with ``suffix``)."""
    from mockinspect.ui.rehearsal import RehearsalScreen

    window.open_session(shots.drill)
    screen = window.interview
    assert isinstance(screen, RehearsalScreen)
    if screen.scores.question(shots.question) is None:  # the first theme scores it; the second shows it
        screen.go_to(shots.question, fresh=True)
        screen.answer.setPlainText(PARTLY_DI_001)
        screen._shown_at = time.monotonic() - 70  # as if typed for a minute
        screen.submit()
    else:
        screen.go_to(shots.question)
    settle()
    window.grab().save(str(out / f"rehearsal-feedback{suffix}.png"))
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


__all__ = ["Demo", "demo", "shoot", "take"]
