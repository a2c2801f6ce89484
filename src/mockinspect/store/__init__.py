"""SQLite storage: tables, migrations, repositories and the audit trail. The only package that imports SQLAlchemy."""
