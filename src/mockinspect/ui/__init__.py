"""The desktop window (PySide6): the only package that imports Qt.

It calls services only (never the store), runs long work off the GUI thread, and turns the
store's post-commit ``Changes`` into one app-wide signal. ``mockinspect.app`` starts it.
"""

import sys

if sys.version_info < (3, 12):  # pragma: no branch - Python 3.12 made None immortal
    import ctypes

    # PySide6 6.12.0 on Python 3.11 drops one reference to None on every call of a Qt method
    # that returns nothing (label.setText, item.setIcon...): about 6,000 such calls and the
    # process aborts with "Fatal Python error: none_dealloc" (a 500-question session did in
    # seconds). None is never freed anyway, so give it a ballast no session can use up
    # (2**48 calls); ob_refcnt is the first field of every object in CPython 3.11.
    _refcount = ctypes.c_ssize_t.from_address(id(None))
    if _refcount.value < 1 << 40:
        _refcount.value += 1 << 48
    del _refcount
