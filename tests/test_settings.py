"""Settings: saved atomically, unknown keys of a newer version kept, one-line errors."""

from __future__ import annotations

import json

import pytest

from mockinspect.errors import UserError
from mockinspect.settings import Settings


def test_settings_round_trip_and_keep_keys_of_a_newer_version():
    path = Settings.path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"user_name": "Ann", "theme": "dark", "report": {"logo": "x.png"}}))
    loaded = Settings.load()
    assert loaded.user_name == "Ann"
    loaded.model_copy(update={"user_name": "Ann Auditor"}).save()
    assert json.loads(path.read_text()) == {
        "user_name": "Ann Auditor",
        "language": "en",
        "company_name": "",
        "company_logo": None,
        "autosave_seconds": 1.0,
        "default_persona": None,
        "paper_size": "auto",
        "theme": "dark",
        "report": {"logo": "x.png"},
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid"),
        ('{"autosave_seconds": 30}', "not valid"),
        ('{"language": "english"}', "not valid"),
        ('{"theme": "purple"}', "not valid"),
        ('{"paper_size": "a3"}', "not valid"),
    ],
)
def test_a_bad_settings_file_is_one_line(content, message):
    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text(content)
    with pytest.raises(UserError, match=message) as caught:
        Settings.load()
    assert "\n" not in str(caught.value)
