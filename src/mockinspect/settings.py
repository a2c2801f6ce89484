"""User settings: a small pydantic model saved as JSON in the user config folder.

Window geometry and splitter state are not kept here (the window keeps them in QSettings).
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.paths import user_config_dir

FILE_NAME = "settings.json"


def os_user_name() -> str:
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no login name (e.g. a container without passwd entry)
        return os.environ.get("USERNAME") or "unknown"


class Settings(BaseModel):
    """What the user chose; ``user_name`` is who the audit trail records."""

    # Keys this version does not know are kept and written back, so an older version
    # never deletes a newer one's settings.
    model_config = ConfigDict(extra="allow")

    user_name: str = Field(
        default_factory=os_user_name,
        min_length=1,
        title="Your name",
        description="Who the audit trail records for every change you make.",
    )
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$", title="Language")
    company_name: str = Field(
        "", max_length=200, title="Company name", description="Printed on the report's cover, header and sign-off."
    )
    company_logo: str | None = Field(
        None,
        max_length=4096,
        title="Company logo",
        description="A PNG or JPEG file (its path) printed on the report's cover; none prints the name only.",
    )
    autosave_seconds: float = Field(
        1.0,
        gt=0,
        le=1.0,
        title="Draft save delay",
        description="Seconds of quiet typing before a draft is saved (at most 1: nothing typed is older).",
    )

    default_persona: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9-]{0,39}$",
        title="Default inspector",
        description="The persona a new session starts with (its scenarios are offered first); none: any.",
    )
    paper_size: Literal["auto", "a4", "letter"] = Field(
        "auto", title="Paper size", description="For exported reports; auto: Letter in North America, else A4."
    )
    theme: Literal["system", "light", "dark"] = Field(
        "system", title="Theme", description="System follows the operating system's light or dark setting."
    )

    @classmethod
    def path(cls) -> Path:
        return user_config_dir() / FILE_NAME

    @classmethod
    def load(cls) -> Settings:
        path = cls.path()
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            raise UserError(tr("cannot read the settings file {path}: {error}", path=path, error=exc)) from exc
        try:
            return cls.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise UserError(tr("the settings file {path} is not valid: {error}", path=path, error=first)) from exc

    def save(self) -> Path:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return path
