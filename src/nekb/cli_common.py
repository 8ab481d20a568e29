"""What every ``nekb`` command shares: its options, opening the index, progress bars, build reports
and one-line errors (the commands themselves are in :mod:`nekb.cli`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import ClassVar

import click

from .build import BuildReport
from .errors import NekbError
from .kb import KnowledgeBase
from .resources import Resources


def _folder_option(name: str, default: str, help_text: str):
    """``--<name> FOLDER`` passed as ``<name>_dir`` (a Path)."""
    return click.option(
        f"--{name}",
        f"{name}_dir",
        default=default,
        show_default=True,
        type=click.Path(path_type=Path),
        help=help_text,
    )


corpus_option = _folder_option("corpus", "corpus", "Folder of source documents.")
_index_dir_option = _folder_option("index", "index", "Index directory.")
STORE_KEY = "nekb.store"
# --store travels in the context (not as a parameter), so every command that takes --index takes it
# without a change to its signature; open_kb and store_spec read it.
_store_option = click.option(
    "--store",
    default="local",
    show_default=True,
    expose_value=False,
    callback=lambda ctx, _param, value: ctx.meta.__setitem__(STORE_KEY, value),
    help="Where versions live: 'local' (the index directory), 'milvus:<dir>/kb.db' (Milvus Lite) "
    "or 'milvus:http://host:19530'.",
)


def index_option(command):
    """``--index`` and ``--store``, for every command that reads or writes an index."""
    return _index_dir_option(_store_option(command))


def store_spec() -> str:
    """The ``--store`` of the running command ("local" when the command has none)."""
    return click.get_current_context().meta.get(STORE_KEY, "local")


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def echo_json(payload: object) -> None:
    """Print ``payload`` as indented JSON, Chinese left readable."""
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


class ProgressBars:
    """One click progress bar per stage, fed by ``progress(stage, done, total)`` calls (on stderr, so
    JSON or piped output stays clean). Use as a context manager so the last bar is closed."""

    LABELS: ClassVar[dict[str, str]] = {"read": "reading", "embed": "embedding", "answer": "answering"}

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.done = stage, 0
            label = self.LABELS.get(stage, stage).ljust(9)
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """Finish the open bar, if any."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_kb(resources: Resources, index_dir: Path, corpus_dir: Path = Path("corpus")) -> KnowledgeBase:
    """Open the index with the command's shared resources (a missing index says what to run); a
    damaged newest version passed over is a warning on stderr."""
    kb = KnowledgeBase.open(corpus_dir, index_dir, resources=resources, store=store_spec())
    for line in kb.index_warnings:
        click.echo(f"warning: {_one_line(line)} (using the newest intact version)", err=True)
    return kb


def print_report(report: BuildReport) -> None:
    """The per-file errors, what changed, and the per-stage timing summary of a build."""
    for line in report.warnings:
        click.echo(f"warning: {_one_line(line)}", err=True)
    for line in report.errors:
        click.echo(f"error: {_one_line(line)}", err=True)
    click.echo(
        f"{report.documents} documents, {report.chunks} chunks; added {len(report.added)}, "
        f"updated {len(report.updated)}, removed {len(report.removed)}, unchanged {len(report.unchanged)}"
        + (f"; version {report.version}" if report.version else "")
    )
    if report.timings:
        stages = "  ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
        click.echo(f"time: {stages}  total {sum(report.timings.values()):.2f}s")
    if report.errors:
        click.echo(f"{len(report.errors)} file(s) failed; the index kept every document it could.", err=True)


def _one_line(text: str) -> str:
    """A message on one line even when a file name holds a line break."""
    return " ".join(text.splitlines())


class NekbGroup(click.Group):
    """Turns nekb's own errors (NekbError: bad input, missing index…) into one-line messages with exit
    code 1. Any other exception is a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NekbError as err:
            raise click.ClickException(_one_line(str(err))) from err
