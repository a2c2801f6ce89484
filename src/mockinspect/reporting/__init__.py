"""Reportlab builders that turn a report model into a PDF. The only package that imports reportlab."""
