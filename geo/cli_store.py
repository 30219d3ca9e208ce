"""The ``geo query`` and ``geo export`` commands (argument parsing and printing only)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

__all__ = ["COMMANDS", "add_commands"]


def add_commands(commands: Any, subparser: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the commands of this module to the ``geo`` subcommands."""


COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {}
