"""The interview screen in a 500-question session (offscreen): moving to the next question,
and how long the GUI thread is blocked while typing with drafts saving.

The session: every question of the bundled banks that is drawn on its own (253 today, real
prompts, guidance, key points and evidence), asked twice (the second time with the id
suffix ``-R1``) until there are 500, in one bank built in memory and one scenario with an
agenda section per area; half of them answered, 20 findings, 40 evidence links, 30 requests.

Both sides run in the same process and the same run, interleaved:

  next     ``InterviewScreen.step(1)`` then the events it posts (repaint included), nothing
           typed; and the same after typing into the answer (the commit point: the audited
           record is written and the screen refreshed). Target: median <= 16 ms (one frame).
  bare     a QListWidget of the same 500 prompts beside a QPlainTextEdit and a QLabel:
           ``setCurrentRow(i + 1)``, ``setPlainText(answer)``, ``setText(prompt)``, events.
  typing   keys typed into the answer every 40 ms (25 a second, a fast typist) for 6 s, the
           drafts saving as the window does; an event-loop probe (a 2 ms precise timer) keeps
           the longest gap between its ticks. Target: never > 16 ms.
  bare     the same keys into a bare QPlainTextEdit whose timer writes the text to sqlite3
           (INSERT OR REPLACE + COMMIT, WAL, synchronous=FULL) once a second.

Prints medians and p99, then ``RESULT`` lines: ratio = ours / bare; target = 16 ms as a
multiple of the bare figure measured in this run (so the ratio meets it when ours <= 16 ms).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HOME = Path(tempfile.mkdtemp(prefix="mockinspect-bench-interview-"))
for _name in ("DATA", "CACHE", "CONFIG"):
    (HOME / _name.lower()).mkdir()
    os.environ[f"MOCKINSPECT_{_name}_DIR"] = str(HOME / _name.lower())

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QListWidget, QPlainTextEdit, QWidget  # noqa: E402

from _common import median, p99, result  # noqa: E402
from mockinspect.domain.bank import Bank, Grade, ResponseStatus  # noqa: E402
from mockinspect.domain.scenario import Scenario  # noqa: E402
from mockinspect.domain.session import EvidenceInput, EvidenceKind, ResponsePatch  # noqa: E402
from mockinspect.services import Services  # noqa: E402
from mockinspect.services.banks import BankService  # noqa: E402

QUESTIONS = 500
MOVES = 120
TYPE_SECONDS = 6.0
KEY_MS = 40
FRAME_MS = 16.0
STATUSES = (ResponseStatus.COMPLIANT, ResponseStatus.OBSERVATION, ResponseStatus.DEFICIENT)


def big_session(services: Services) -> tuple[str, list[str]]:
    catalogue = BankService().catalogue()
    banks = list(catalogue.banks.values())
    drawn = [q for b in banks for q in b.questions if not q.follow_up_only]
    questions = []
    copy = 0
    while len(questions) < QUESTIONS:
        for q in drawn[: QUESTIONS - len(questions)]:
            questions.append(q.model_copy(update={"id": f"{q.id}-R{copy}" if copy else q.id, "follow_ups": []}))
        copy += 1
    areas = {a.id: a for b in banks for a in b.areas}
    used = list(dict.fromkeys(q.area for q in questions))
    bank = banks[0].model_copy(
        update={"id": "bench-500", "title": "500 questions", "areas": [areas[a] for a in used], "questions": questions}
    )
    scenario = Scenario.model_validate(
        {
            "kind": "scenario",
            "id": "bench-500",
            "title": "A 500-question mock inspection",
            "version": "1.0.0",
            "persona": "sponsor",
            "agenda": [{"title": areas[a].title, "day": 1 + i // 5, "areas": [a], "minutes": 60} for i, a in enumerate(used)],
            "draw": {"per_area": 200, "banks": ["bench-500"]},
        }
    )
    inspection = services.inspection
    session = inspection.create_session(scenario, [Bank.model_validate(bank.model_dump())], site="Benchmark site")
    script = [e.question_id for e in inspection.script(session.id)]
    assert len(script) == QUESTIONS, len(script)
    evidence_file = HOME / "record.pdf"
    evidence_file.write_bytes(b"%PDF-1.4 " * 2000)
    for n, qid in enumerate(script[: QUESTIONS // 2]):
        inspection.record_response(
            session.id, qid, ResponsePatch(status=STATUSES[n % 3], text=f"Shown and explained, record {n}.", answered_by="QA lead")
        )
        if n < 40:
            item = EvidenceInput(kind=EvidenceKind.FILE, path=str(evidence_file))
            inspection.attach_evidence(session.id, inspection.hash_evidence(item), question_id=qid)
        if n < 30:
            inspection.request_document(session.id, f"Record {n}", question_id=qid, due_minutes=30)
        if n % 3 == 2 and n < 60:
            inspection.raise_finding(
                session.id, title=f"Finding {n}", grade=Grade.MAJOR, severity=3, occurrence=2, detectability=3, question_ids=[qid]
            )
    return session.id, script


def settle(app: QApplication) -> None:
    app.processEvents()
    app.processEvents()


def timed_moves(app: QApplication, move: Callable[[], None]) -> float:
    start = time.perf_counter()
    move()
    settle(app)
    return time.perf_counter() - start


class Probe:
    """Gaps between ticks of a 2 ms precise timer: how long the event loop was blocked, on the
    wall clock (which counts the time other processes held the CPU too) and in the GUI
    thread's own CPU time (the work done in the gap: what the window can be blamed for)."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=2, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self.busy: list[float] = []
        self.last = 0
        self.last_cpu = 0.0

    def start(self) -> None:
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.last_cpu = time.thread_time()
        self.gaps.clear()
        self.busy.clear()
        self.timer.start()

    def _tick(self) -> None:
        now, cpu = self.clock.nsecsElapsed(), time.thread_time()
        self.gaps.append((now - self.last) / 1e6)
        self.busy.append((cpu - self.last_cpu) * 1000)
        self.last, self.last_cpu = now, cpu

    def stop(self) -> tuple[list[float], list[float]]:
        self.timer.stop()
        return self.gaps[5:], self.busy[5:]  # the first ticks measure start-up, not typing


def type_for(app: QApplication, editor: QPlainTextEdit, seconds: float) -> tuple[list[float], list[float]]:
    """Type into ``editor`` every KEY_MS for ``seconds`` with the probe running; its gaps (ms)."""
    probe = Probe()
    text = "The deviation log was shown; every entry since January is closed with a QA signature. "
    typed = [0]
    keys = QTimer(interval=KEY_MS)

    def key() -> None:
        editor.insertPlainText(text[typed[0] % len(text)])
        typed[0] += 1

    keys.timeout.connect(key)
    deadline = time.perf_counter() + seconds
    probe.start()
    keys.start()
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.0005)
    keys.stop()
    gaps = probe.stop()
    settle(app)
    return gaps


class Bare(QWidget):
    """The bare baseline: a list of the prompts, an editor, a label, and a once-a-second sqlite3 write."""

    def __init__(self, prompts: list[str], db: Path) -> None:
        super().__init__()
        self.prompts = prompts
        self.list = QListWidget()
        self.list.addItems(prompts)
        self.editor = QPlainTextEdit()
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.label)
        layout.addWidget(self.editor)
        self.conn = sqlite3.connect(db, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("CREATE TABLE IF NOT EXISTS drafts (id INTEGER PRIMARY KEY, text TEXT)")
        self.write_ms: list[float] = []
        self.save = QTimer(self, singleShot=True, interval=1000)
        self.save.timeout.connect(self.write)
        self.editor.textChanged.connect(lambda: self.save.isActive() or self.save.start())

    def write(self) -> None:
        start = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT OR REPLACE INTO drafts VALUES (1, ?)", (self.editor.toPlainText(),))
        self.conn.execute("COMMIT")
        self.write_ms.append((time.perf_counter() - start) * 1000)

    def step(self) -> None:
        row = (self.list.currentRow() + 1) % len(self.prompts)
        self.list.setCurrentRow(row)
        self.label.setText(self.prompts[row])
        self.editor.setPlainText(f"Shown and explained, record {row}.")


def main() -> None:
    from mockinspect.ui.common import collect_garbage_on_gui_thread, settle_garbage
    from mockinspect.ui.interview import InterviewScreen
    from mockinspect.ui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style("light")
    services = Services.open(HOME / "data" / "bench.db", user_name="Bench")
    print(f"building a {QUESTIONS}-question session ...", flush=True)
    session_id, script = big_session(services)
    screen = InterviewScreen(services, session_id, autosave_ms=1000)
    gc_timer = collect_garbage_on_gui_thread(screen)  # the window's own garbage collection
    settle_garbage()
    screen.resize(1440, 900)
    screen.show()
    bare = Bare([e.prompt for e in screen.snap.script], HOME / "bare.db")
    bare.resize(1440, 900)
    bare.show()
    settle(app)
    screen.go_to(script[0])

    def ours_next() -> None:
        if screen.current is not None and screen.current.question_id == script[-1]:
            screen.go_to(script[0])
        screen.step(1)

    def ours_next_after_typing() -> None:
        screen.answer.insertPlainText(" and the log was reviewed")
        ours_next()

    for _ in range(10):  # warm both
        timed_moves(app, ours_next)
        timed_moves(app, bare.step)
    ours, ours_typed, base = [], [], []
    for _ in range(MOVES):
        ours.append(timed_moves(app, ours_next))
        base.append(timed_moves(app, bare.step))
        ours_typed.append(timed_moves(app, ours_next_after_typing))
    ms = 1000.0
    print(f"next question, bare list + editor:   median {median(base) * ms:6.2f} ms, p99 {p99(base) * ms:6.2f} ms")
    print(f"next question, nothing typed:        median {median(ours) * ms:6.2f} ms, p99 {p99(ours) * ms:6.2f} ms")
    print(f"next question, after typing (commit): median {median(ours_typed) * ms:6.2f} ms, p99 {p99(ours_typed) * ms:6.2f} ms")

    screen.go_to(script[QUESTIONS - 3])  # an unanswered question: the first keystroke starts a draft
    screen.answer.setFocus()
    save_ms: list[float] = []
    real_save = services.inspection.save_draft

    def timed_save(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return real_save(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            save_ms.append((time.perf_counter() - start) * 1000)

    services.inspection.save_draft = timed_save  # type: ignore[method-assign]
    gaps_ours: list[float] = []
    gaps_bare: list[float] = []
    busy_ours: list[float] = []
    busy_bare: list[float] = []
    for _ in range(2):
        gaps, busy = type_for(app, screen.answer, TYPE_SECONDS / 2)
        gaps_ours += gaps
        busy_ours += busy
        gaps, busy = type_for(app, bare.editor, TYPE_SECONDS / 2)
        gaps_bare += gaps
        busy_bare += busy
    # blocked: the most CPU work between two ticks, or a whole save (its wait for the disk is no CPU time)
    block_ours, block_bare = max(max(busy_ours), max(save_ms)), max(max(busy_bare), max(bare.write_ms))
    print(f"typing, bare editor + sqlite3:       GUI thread busy at most {block_bare:6.2f} ms between ticks"
          f" (wall-clock gap at most {max(gaps_bare):6.2f} ms, p99 {p99(gaps_bare):5.2f} ms)")
    print(f"typing, interview with drafts:       GUI thread busy at most {block_ours:6.2f} ms between ticks"
          f" (wall-clock gap at most {max(gaps_ours):6.2f} ms, p99 {p99(gaps_ours):5.2f} ms)"
          f" ({len(save_ms)} drafts saved in {TYPE_SECONDS:.0f} s)")
    print(f"  the draft save itself (GUI thread): median {median(save_ms):5.2f} ms, longest {max(save_ms):5.2f} ms;"
          f" the bare sqlite3 write: median {median(bare.write_ms):5.2f} ms, longest {max(bare.write_ms):5.2f} ms")
    print(f"  blocked at most: ours {block_ours:5.2f} ms, bare {block_bare:5.2f} ms (target: ours <= {FRAME_MS:.0f} ms)")
    base_ms = median(base) * ms
    result("interview_next", median(ours) * ms / base_ms, FRAME_MS / base_ms, ms=f"{median(ours) * ms:.2f}")
    result("interview_next_commit", median(ours_typed) * ms / base_ms, FRAME_MS / base_ms, ms=f"{median(ours_typed) * ms:.2f}")
    result("interview_typing_block", block_ours / max(block_bare, 0.5), FRAME_MS / max(block_bare, 0.5), ms=f"{block_ours:.2f}")
    screen.flush()
    gc_timer.stop()
    screen.close()
    bare.close()
    services.close()


if __name__ == "__main__":
    main()
