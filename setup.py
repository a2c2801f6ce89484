"""Build hook: ship the top-level resources/ and question_banks/ inside the wheel.

They live at the top of the checkout (where authors and designers find them) and are
copied to ``mockinspect/_data/`` when a wheel is built. ``mockinspect.resources`` looks
in a frozen app, then in ``_data/``, then in the checkout, so all three work.
"""

from pathlib import Path
from shutil import copytree, ignore_patterns

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
DATA_DIRS = ("resources", "question_banks")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for name in DATA_DIRS:
            copytree(
                ROOT / name,
                Path(self.build_lib) / "mockinspect" / "_data" / name,
                dirs_exist_ok=True,
                ignore=ignore_patterns("__pycache__", "*.pyc"),
            )


setup(cmdclass={"build_py": BuildPyWithData})
