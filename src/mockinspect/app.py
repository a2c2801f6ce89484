"""The composition root and the console entry point: the one module that knows every layer.

With arguments it runs the command line; without them (or with ``gui``) it starts the
desktop window (``mockinspect.ui.main``), which needs a display and says so in one line if there is none.
``--smoke`` runs the end-to-end self-check of an installed or frozen copy (``mockinspect.ui.smoke``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def start_gui(argv: list[str]) -> int:
    """Open the desktop window (``mockinspect.ui``), or say why it cannot be opened."""
    import importlib

    try:
        ui = importlib.import_module("mockinspect.ui.main")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("mockinspect.ui"):
            from mockinspect.cli import build_parser

            build_parser().print_help()
            print("mockinspect: the desktop window is not part of this version; use the commands above", file=sys.stderr)
            return 0
        raise
    result: int = ui.main(argv)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:  # the window: skip importing the whole command line (half the start-up time)
        return start_gui([])
    if args == ["--smoke"]:
        from mockinspect.ui.smoke import main as smoke

        return smoke()
    from mockinspect.cli import main as cli_main

    return cli_main(argv, gui=start_gui)


if __name__ == "__main__":
    raise SystemExit(main())
