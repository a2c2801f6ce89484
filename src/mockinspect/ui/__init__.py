"""The desktop window (PySide6): the only package that imports Qt.

It calls services only (never the store), runs long work off the GUI thread, and turns the
store's post-commit ``Changes`` into one app-wide signal. ``mockinspect.app`` starts it.
"""
