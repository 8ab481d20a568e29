"""What the commands share: one-line errors, progress bars on stderr, the --store option."""

from __future__ import annotations

import click
from click.testing import CliRunner

from nekb.cli_common import NekbGroup, ProgressBars, index_option, store_spec
from nekb.errors import NekbError


def test_a_nekb_error_is_one_line_and_exit_code_1_while_a_bug_keeps_its_traceback():
    @click.group(cls=NekbGroup)
    def group() -> None:
        pass

    @group.command()
    def fails() -> None:
        raise NekbError("bad file a\nb.txt")

    @group.command()
    def crashes() -> None:
        raise ValueError("a bug")

    runner = CliRunner()
    result = runner.invoke(group, ["fails"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: bad file a b.txt"
    crashed = runner.invoke(group, ["crashes"])
    assert isinstance(crashed.exception, ValueError)


def test_store_travels_in_the_context_of_every_index_command():
    @click.command()
    @index_option
    def show(index_dir) -> None:
        click.echo(f"{index_dir} {store_spec()}")

    runner = CliRunner()
    assert runner.invoke(show, []).output.strip() == "index local"
    result = runner.invoke(show, ["--index", "x", "--store", "milvus:x/kb.db"])
    assert result.output.strip() == "x milvus:x/kb.db"


def test_progress_bars_go_to_stderr_one_per_stage_and_close():
    @click.command()
    def work() -> None:
        with ProgressBars() as bars:
            for stage in ("read", "embed"):
                for done in range(1, 4):
                    bars(stage, done, 3)
            assert bars.bar is not None
        assert bars.bar is None
        click.echo("done")

    result = CliRunner().invoke(work, [])
    assert result.exit_code == 0
    assert result.stdout.strip() == "done"
    assert "reading" in result.stderr and "embedding" in result.stderr
