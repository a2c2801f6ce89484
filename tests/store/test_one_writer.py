"""One writer per database, read-only access beside it, and the network-share warning."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from mockinspect.store import Database, DatabaseInUseError, ReadOnlyError
from mockinspect.store import database as database_module
from mockinspect.store.engine import network_share_reason

HOLDER = textwrap.dedent(
    """
    import sys, time
    from mockinspect.store import Database
    db = Database(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    db.close()
    """
)


@pytest.fixture
def other_writer(db_path):
    """Another process holding the database open for writing until the test ends."""
    Database(db_path).close()
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "ready"
    yield child
    child.stdin.close()
    child.wait(timeout=30)
    child.stdout.close()


def test_a_second_writer_gets_a_clear_message(db_path, other_writer):
    with pytest.raises(DatabaseInUseError) as caught:
        Database(db_path)
    message = str(caught.value)
    assert f"process {other_writer.pid}" in message and "open for writing in another mockinspect" in message
    assert "\n" not in message


def test_a_reader_works_beside_the_writer_but_cannot_write(db_path, other_writer):
    with Database(db_path, mode="read") as db:
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sessions").scalar() == 0
        with pytest.raises(ReadOnlyError, match="read-only"), db.write("me"):
            pass


def test_the_lock_is_released_when_the_writer_is_killed(db_path, other_writer):
    other_writer.kill()
    other_writer.wait(timeout=30)
    with Database(db_path) as db:
        assert db.writable


def test_the_same_process_may_open_twice(db_path):
    with Database(db_path) as first, Database(db_path) as second:
        assert first.writable and second.writable
    with Database(db_path) as again:
        assert again.writable


MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
server:/export /mnt/team nfs4 rw,relatime 0 0
//nas/share /mnt/nas cifs rw 0 0
tmpfs /mnt/team/local tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/home/me/mockinspect.db", None),
        ("/mnt/team/audits/m.db", "nfs4"),
        ("/mnt/nas/m.db", "cifs"),
        ("/mnt/team/local/m.db", None),
        ("/mnt/teamwork/m.db", None),
    ],
)
def test_network_file_systems_are_recognised(path, network):
    from pathlib import Path

    reason = network_share_reason(Path(path), mounts=MOUNTS)
    assert (reason is None) if network is None else (network in reason)


def test_unc_paths_are_network_paths():
    from pathlib import PureWindowsPath

    assert "UNC" in network_share_reason(PureWindowsPath(r"\\server\share\m.db"))  # type: ignore[arg-type]


def test_a_database_on_a_share_carries_a_warning(db_path, monkeypatch):
    monkeypatch.setattr(database_module, "network_share_reason", lambda path: "a cifs network file system")
    with Database(db_path) as db:
        assert len(db.notices) == 1 and "network file system" in db.notices[0]
