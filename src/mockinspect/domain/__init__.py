"""Pure types and rules of a mock inspection. Imports no Qt, SQLAlchemy or reportlab."""
