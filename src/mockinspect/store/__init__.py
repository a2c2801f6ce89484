"""The store: SQLite through SQLAlchemy 2 and Alembic, with a hash-chained audit trail.

The only package that imports SQLAlchemy and Alembic. Services open a ``Database`` and use
``InspectionRepository``; what comes back is domain objects, never rows.
"""

from mockinspect.store.database import Database, OpenMode
from mockinspect.store.errors import (
    ConflictError,
    CorruptDatabaseError,
    DatabaseBusyError,
    DatabaseInUseError,
    DiskFullError,
    NotADatabaseError,
    NotFoundError,
    ReadOnlyError,
    StoreError,
)
from mockinspect.store.migrate import MigrationError
from mockinspect.store.repositories import InspectionRepository
from mockinspect.store.training import TrainingRepository

__all__ = [
    "ConflictError",
    "CorruptDatabaseError",
    "Database",
    "DatabaseBusyError",
    "DatabaseInUseError",
    "DiskFullError",
    "InspectionRepository",
    "MigrationError",
    "NotADatabaseError",
    "NotFoundError",
    "OpenMode",
    "ReadOnlyError",
    "StoreError",
    "TrainingRepository",
]
