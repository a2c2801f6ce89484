"""``mockinspect report`` and ``mockinspect demo``, run in-process."""

from __future__ import annotations

import os
from pathlib import Path

from pypdf import PdfReader

from mockinspect.cli import main
from tests.reporting.conftest import pdf_fonts, pdf_text


def run(capsys, *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_writes_a_whole_report(capsys, tmp_path):
    out = tmp_path / "demo.pdf"
    code, stdout, err = run(capsys, "demo", "-o", out, "--paper", "a4")
    assert code == 0, err
    assert "wrote" in stdout
    text = pdf_text(out)
    assert len(PdfReader(out).pages) >= 12
    for expected in ("OBSERVATION 1", "Repeat finding", "CHANGED since it was linked", "MISSING", "Late by", "Not provided", "Corrected during the inspection"):
        assert expected in text, expected
    assert "NotoSans-Regular" in pdf_fonts(out)
    assert not [p for p in tmp_path.iterdir() if p.name != "demo.pdf"], "no evidence or temporary files left"


def test_report_command_writes_the_sessions_pdf(capsys, tmp_path, make_session, services):
    sid = make_session()
    db = services.db.path
    services.close()
    out = tmp_path / "r.pdf"
    code, stdout, err = run(capsys, "report", sid[:8], "-o", out, "--paper", "letter", "--db", db)
    assert code == 0, err
    assert "final" in stdout
    assert "Zell & Co <GmbH>" in pdf_text(out)
    code, _, err = run(capsys, "report", sid, "-o", out, "--draft", "--db", db, "--password", "pw")
    assert code == 0, err
    assert PdfReader(out).is_encrypted


def test_report_errors_are_one_line(capsys, tmp_path, make_session, services):
    sid = make_session()
    db = services.db.path
    services.close()
    code, _, err = run(capsys, "report", "ffff0000", "-o", tmp_path / "x.pdf", "--db", db)
    assert code == 1 and err.count("\n") == 1 and "no session" in err
    code, _, err = run(capsys, "report", sid, "-o", tmp_path / "no" / "x.pdf", "--db", db)
    assert code == 1 and "no folder" in err and "Traceback" not in err
    code, _, err = run(capsys, "report", sid, "-o", tmp_path, "--db", db)
    assert code == 1 and "is a folder" in err
    code, _, err = run(capsys, "report", sid, "-o", tmp_path / "x.pdf", "--paper", "a3", "--db", db)
    assert code == 1 and "invalid choice" in err
    code, _, err = run(capsys, "report", sid, "--db", db)
    assert code == 1 and "-o" in err
    code, _, err = run(capsys, "report", sid, "-o", tmp_path / "x.pdf", "--db", tmp_path / "missing.db")
    assert code == 1 and "no database" in err
    assert not (tmp_path / "x.pdf").exists()


def test_the_report_file_gets_ordinary_permissions(capsys, tmp_path, make_session, services):
    sid = make_session()
    db = services.db.path
    services.close()
    out = tmp_path / "perm.pdf"
    assert run(capsys, "report", sid, "-o", out, "--db", db)[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert Path(out).stat().st_mode & 0o777 == 0o666 & ~umask

