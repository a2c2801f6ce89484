"""Use cases the window, the command line and the tests call: typed, synchronous, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mockinspect.services.base import open_database
from mockinspect.services.inspection import InspectionService
from mockinspect.services.trail import TrailService
from mockinspect.services.training import TrainingService
from mockinspect.store import Database, OpenMode


@dataclass
class Services:
    """The services of one open database, sharing it: what the composition root builds."""

    db: Database
    inspection: InspectionService
    trail: TrailService
    training: TrainingService

    @classmethod
    def open(cls, path: Path, *, user_name: str, mode: OpenMode = "write", backup_on_open: bool = False) -> Services:
        db = open_database(path, mode=mode, backup_on_open=backup_on_open)
        try:
            inspection = InspectionService(db, user_name=user_name)
            return cls(
                db,
                inspection,
                TrailService(db, user_name=user_name),
                TrainingService(db, user_name=user_name, inspection=inspection),
            )
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["InspectionService", "Services", "TrailService", "TrainingService"]
