"""The findings report read back from the real PDF: contents, escaping, scripts, fonts,
determinism, the trail anchor, paper sizes, password."""

from __future__ import annotations

import re
import shutil
import sqlite3
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from mockinspect import __version__
from mockinspect.paths import user_data_dir
from mockinspect.reporting.pdf import build_pdf
from mockinspect.services import Services
from tests.reporting.conftest import flat, pdf_fonts, pdf_text

HOSTILE = {
    "site": "Zell & Co <GmbH>",
    "title": "<b>unclosed A & B <font size=80>big</font>",
    "text": 'Specifically, <img src="/etc/passwd"/> and &amp; and <b> were typed.',
    "capa": "Größere Änderung: Prüfung der Übergabe; Ελληνικά κείμενα; Кириллица текст",
    "answer": "品質保証部の担当者が確認しました。 품질 보증 담당자가 확인했습니다. ✅☕ done",
    "request": "https://qms.example.com/" + "a" * 300 + "?x=1&y=<2>",
    "lead": "Ιωάννα Παπαδοπούλου",
}


def test_the_report_holds_every_section_finding_and_answer(make_session, reports, tmp_path):
    sid = make_session(site="Helix Cell GmbH")
    out = tmp_path / "report.pdf"
    model = reports.export_pdf(sid, out)
    text = pdf_text(out)
    for heading in (
        "Contents",
        "Executive summary",
        "Scope and coverage",
        "Not covered, and why",
        "Grade definitions",
        "Findings",
        "Form FDA 483 style",
        "Heat map",
        "Response and CAPA plan",
        "Document-request log",
        "Questions asked and answers given",
        "Sign-off",
        "Record integrity",
    ):
        assert heading in text, heading
    for finding in model.findings:
        assert flat(finding.title) in flat(text)
    for row in model.questions:
        if row.answer:
            assert flat(row.answer) in flat(text)
    assert flat(model.trail_head) in flat(text)
    pages = len(PdfReader(out).pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert model.reference in text


def test_metadata_outline_and_embedded_fonts(make_session, reports, tmp_path):
    out = tmp_path / "r.pdf"
    model = reports.export_pdf(make_session(), out)
    reader = PdfReader(out)
    meta = reader.metadata
    assert meta.creator == f"mockinspect {__version__}"
    assert model.reference in meta.title and "Zell & Co <GmbH>" in meta.title
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "1  Executive summary" in titles and "Sign-off" in titles
    assert {"NotoSans-Regular", "NotoSans-Bold"} <= pdf_fonts(out)
    for ref in reader.pages[2]["/Resources"]["/Font"].values():
        font = ref.get_object()
        if font["/Subtype"] == "/TrueType":  # reportlab lists an unused Helvetica (F1) on every page
            assert "/FontFile2" in font["/FontDescriptor"], "TrueType embedded"


def test_hostile_and_multilingual_text_prints_exactly_as_typed(make_session, reports, tmp_path):
    sid = make_session(**HOSTILE)
    out = tmp_path / "hostile.pdf"
    reports.export_pdf(sid, out)
    text = flat(pdf_text(out))
    for value in HOSTILE.values():
        assert flat(value) in text, value
    fonts = pdf_fonts(out)
    for wanted in ("NotoSans", "IPAGothic", "NanumGothic", "Symbola"):
        assert any(wanted in name for name in fonts), (wanted, fonts)
    assert "/XObject" not in str(PdfReader(out).pages[5]["/Resources"])  # no <img> embedded a file


def test_an_emoji_no_font_has_prints_a_replacement_mark_not_a_box(make_session, reports, tmp_path):
    out = tmp_path / "emoji.pdf"
    reports.export_pdf(make_session(answer="Tube 🧪 (Unicode 11), smile 😀, family 👩‍👩‍👧 ok"), out)
    text = pdf_text(out)
    assert "Tube \ufffd (Unicode 11)" in text and "\x00" not in text
    # 😀 is drawn from Symbola; reportlab writes astral code points into the ToUnicode map in
    # a form pypdf cannot read back, so only the font is checked here (docs/report/*.png shows it)
    assert any("Symbola" in name for name in pdf_fonts(out))


def test_a_5000_character_word_wraps_and_nothing_is_lost(make_session, reports, tmp_path):
    word = "x" * 2500 + "Y" * 2500
    sid = make_session(answer=word, text=word)
    out = tmp_path / "long.pdf"
    reports.export_pdf(sid, out, paper="letter")
    text = flat(pdf_text(out))
    assert word in text
    box = PdfReader(out).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)


def test_two_builds_of_one_session_are_byte_identical(make_session, reports, tmp_path):
    sid = make_session()
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    reports.export_pdf(sid, a)
    reports.export_pdf(sid, b)
    assert a.read_bytes() == b.read_bytes()
    assert PdfReader(a).pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4


def test_an_open_session_is_a_draft_and_says_so(make_session, reports, tmp_path):
    sid = make_session(finish=False)
    out = tmp_path / "draft.pdf"
    model = reports.export_pdf(sid, out)
    assert model.status == "Draft"
    assert "Draft" in pdf_text(out)


def test_the_printed_anchor_verifies_until_the_newest_records_are_cut(make_session, reports, services, tmp_path):
    sid = make_session()
    out = tmp_path / "r.pdf"
    reports.export_pdf(sid, out)
    printed = re.search(r"--anchor\s*([0-9a-f]{64})", pdf_text(out).replace("\n", ""))
    assert printed, "the sign-off page prints the verify command with the head hash"
    anchor = printed.group(1)
    assert services.trail.verify(anchor=anchor).ok
    db = services.db.path if hasattr(services.db, "path") else tmp_path / "inspect.db"
    services.close()
    shutil.rmtree(user_data_dir() / "anchors", ignore_errors=True)
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = OFF")
    seq = con.execute("SELECT max(seq) FROM audit_trail").fetchone()[0]
    con.execute("DELETE FROM audit_trail WHERE seq >= ?", (seq - 1,))
    con.commit()
    con.close()
    with Services.open(db, user_name="x", mode="read") as again:
        assert not again.trail.verify(anchor=anchor).ok


def test_a_password_protected_report_opens_only_with_the_password(make_session, reports, tmp_path):
    out = tmp_path / "locked.pdf"
    reports.export_pdf(make_session(), out, password="s3cret")
    reader = PdfReader(out)
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    reader = PdfReader(out)
    assert reader.decrypt("s3cret") != 0
    assert "Executive summary" in "".join(p.extract_text() for p in reader.pages[:4])
    assert "/AESV3" in str(reader.trailer["/Encrypt"].get_object()["/CF"])


def test_no_half_written_file_is_left_when_the_folder_is_missing(make_session, reports, tmp_path):
    from mockinspect.errors import UserError

    sid = make_session()
    with pytest.raises(UserError, match="no folder"):
        reports.export_pdf(sid, tmp_path / "nope" / "r.pdf")
    with pytest.raises(UserError, match="paper"):
        reports.export_pdf(sid, tmp_path / "r.pdf", paper="a3")
    assert not list(tmp_path.glob("*.tmp"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_random_text_never_breaks_a_build(make_session, reports, text):
    """Any text in the site, a finding's title, statement and CAPA lays out (one session per test run)."""
    from dataclasses import replace

    model = reports.build(_one_session(make_session))
    finding = replace(model.findings[0], title=text, text=text, capa=text)
    changed = replace(model, site=text, findings=(finding, *model.findings[1:]))
    out = BytesIO()
    build_pdf(changed, out)
    assert out.getvalue().startswith(b"%PDF")


_SESSIONS: dict[int, str] = {}


def _one_session(make) -> str:
    """The fixture's session, made once for all hypothesis examples of one test run."""
    key = id(make)
    if key not in _SESSIONS:
        _SESSIONS.clear()
        _SESSIONS[key] = make(answers=2)
    return _SESSIONS[key]


def test_long_tables_split_with_their_header_repeated_and_contents_point_to_pages(make_session, reports, services, tmp_path):
    sid = make_session(finish=False)
    for i in range(70):
        services.inspection.request_document(sid, f"Batch record CT-{i:04d}, executed, with all attachments", due_minutes=30)
    out = tmp_path / "long.pdf"
    reports.export_pdf(sid, out)
    pages = [p.extract_text() for p in PdfReader(out).pages]
    with_log = [i for i, t in enumerate(pages) if "CT-0069" in t or "CT-0000" in t or "CT-0035" in t]
    assert len(with_log) >= 2
    assert all("Timeliness" in pages[i] for i in with_log), "the header row repeats on every page of the table"
    contents = pages[1]
    signoff_page = next(i for i, t in enumerate(pages) if "Record integrity" in t) + 1
    assert re.search(rf"Sign-off\D*{signoff_page}\b", contents.replace("\n", " "))
