"""The frozen app's entry point (PyInstaller runs this file as __main__)."""

from mockinspect.app import main

raise SystemExit(main())
