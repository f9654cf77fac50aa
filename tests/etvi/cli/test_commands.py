"""``etvi``'s command table: complete, true to the modules' own help, and quick to show."""

from __future__ import annotations

import subprocess
import sys

from etvi import cli


def test_the_table_names_every_command_of_every_module_and_its_help():
    for name, (module, line) in cli.COMMANDS.items():
        command = cli.commands_of(module).get(name)
        assert command is not None, f"{name} is not defined in etvi/cli/{module}.py"
        assert " ".join((command.help or "").split()).startswith(line.rstrip(".")), name
    defined = cli.commands_of(*cli.command_modules())
    assert sorted(defined) == sorted(cli.COMMANDS)


def _etvi(*args: str) -> subprocess.CompletedProcess:
    code = (
        "import sys\nfrom etvi.cli import main\nsys.argv = ['etvi', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n    print('geladen:', *sorted(m for m in ('dash', 'geopandas', 'sqlmodel') if m in sys.modules))"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_command_without_loading_them():
    result = _etvi("--help")
    assert result.returncode == 0, result.stderr
    for name in cli.COMMANDS:
        assert f" {name} " in result.stdout
    assert result.stdout.rstrip().endswith("geladen:")


def test_a_command_loads_its_own_module_and_runs():
    result = _etvi("geo", "--help")
    assert result.returncode == 0, result.stderr
    assert "vormen" in result.stdout and "geopandas" in result.stdout.splitlines()[-1]
    unknown = _etvi("bestaatniet")
    assert unknown.returncode == 2 and "bestaatniet" in unknown.stderr
