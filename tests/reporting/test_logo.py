"""The company logo from the settings on the report's cover; a broken logo never stops a report."""

from __future__ import annotations

from PIL import Image
from pypdf import PdfReader

from mockinspect.resources import resource
from mockinspect.services.report import ReportService


def _cover_images(path) -> int:
    return len(PdfReader(str(path)).pages[0].images)


def test_the_logo_is_printed_on_the_cover_only(services, make_session, tmp_path):
    sid = make_session()
    plain, branded = tmp_path / "plain.pdf", tmp_path / "branded.pdf"
    ReportService(services.inspection, company="Northbridge").export_pdf(sid, plain)
    reports = ReportService(services.inspection, company="Northbridge", logo=resource("demo", "northbridge-logo.png"))
    reports.export_pdf(sid, branded)
    assert reports.warnings == []
    assert _cover_images(plain) == 0
    assert _cover_images(branded) == 1
    reader = PdfReader(str(branded))
    assert all(len(page.images) == 0 for page in reader.pages[1:])


def test_a_transparent_png_logo_is_flattened_onto_white(services, make_session, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (400, 100), (200, 0, 0, 0)).save(logo)  # fully transparent
    reports = ReportService(services.inspection, logo=logo)
    assert reports.logo is not None
    out = tmp_path / "r.pdf"
    reports.export_pdf(make_session(), out)
    image = PdfReader(str(out)).pages[0].images[0].image
    assert image.convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_a_logo_that_is_not_an_image_gives_a_warning_and_a_report_without_it(services, make_session, tmp_path):
    bad = tmp_path / "logo.png"
    bad.write_text("not a picture")
    reports = ReportService(services.inspection, logo=bad)
    out = tmp_path / "r.pdf"
    reports.export_pdf(make_session(), out)
    assert _cover_images(out) == 0
    assert len(reports.warnings) == 1 and "could not be read as an image" in reports.warnings[0]
    missing = ReportService(services.inspection, logo=tmp_path / "nowhere.png")
    assert missing.logo is None and missing.warnings


def test_report_command_takes_the_logo_from_the_settings_and_warns_when_it_is_broken(capsys, make_session, services, tmp_path):
    from mockinspect.cli import main
    from mockinspect.settings import Settings

    sid = make_session()
    db = services.db.path
    services.close()
    out = tmp_path / "r.pdf"
    Settings(company_name="Northbridge", company_logo=str(resource("demo", "northbridge-logo.png"))).save()
    capsys.readouterr()
    assert main(["report", sid, "-o", str(out), "--db", str(db)]) == 0
    assert _cover_images(out) == 1
    assert capsys.readouterr().err == ""
    Settings(company_name="Northbridge", company_logo=str(tmp_path / "gone.png")).save()
    assert main(["report", sid, "-o", str(out), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: the company logo") and err.count("\n") == 1
    assert _cover_images(out) == 0
