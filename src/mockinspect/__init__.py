"""mockinspect: a desktop GMP mock-inspection simulator."""

__version__ = "0.1.0"
