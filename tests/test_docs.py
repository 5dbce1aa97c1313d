"""Every CLI command and option a user can type is documented in README.md."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from pipeline.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "suivi"):
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, full)
        else:
            yield full, cmd


@pytest.mark.parametrize("full,cmd", list(_commands(main)), ids=lambda v: v if isinstance(v, str) else "")
def test_command_is_documented(full, cmd):
    assert f"`{full}" in README, f"{full} is not documented in README.md"
    for param in cmd.params:
        for opt in param.opts:
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in README, f"{full} {opt} is not documented in README.md"


def test_readme_shows_the_two_commands():
    assert "make serve" in README and "make test" in README
