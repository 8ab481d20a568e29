"""The ``nekb`` command: a thin click layer that parses arguments and calls KnowledgeBase."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import batch as batch_io
from .answer import ANSWER_PASSAGES
from .cli_common import (
    NekbGroup,
    ProgressBars,
    corpus_option,
    echo_json,
    index_option,
    json_option,
    open_kb,
    print_report,
    store_spec,
)
from .embed import DEFAULT_MODEL
from .evaluate import (
    evaluate,
    evaluate_facts,
    facts_from_table,
    format_fact_report,
    format_report,
    load_expected_facts,
    load_questions,
)
from .factscore import format_fact_score, is_gold_file, load_gold, score_facts
from .fileio import write_atomic
from .focus import render_claim
from .kb import KnowledgeBase
from .resources import Resources
from .stores import copy_index


@click.group(cls=NekbGroup)
@click.version_option(package_name="nekb")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """nekb: cited answers from Chinese documents about Northeast China."""
    # Models load once per process; tests pass one Resources as ``obj`` to share it across commands.
    ctx.ensure_object(Resources)


@cli.command()
@corpus_option
@index_option
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="e5 or st:<name-or-path>.")
@click.option("--full", is_flag=True, help="Rebuild everything instead of only what changed.")
@click.pass_obj
def build(resources: Resources, corpus_dir: Path, index_dir: Path, model: str, full: bool) -> None:
    """Index the corpus folder (incrementally unless --full)."""
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder {corpus_dir} does not exist")
    with ProgressBars() as bars:
        report = KnowledgeBase.build(
            corpus_dir,
            index_dir,
            model=model,
            full=full,
            progress=bars,
            resources=resources,
            store=store_spec(),
        )
    print_report(report)
    if report.documents == 0:
        raise click.ClickException(f"no documents indexed from {corpus_dir}: add .txt, .md or .pdf files")
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.argument("query")
@click.option("-k", default=5, show_default=True, type=click.IntRange(1, 100), help="Passages to return.")
@index_option
@json_option
@click.pass_obj
def search(resources: Resources, query: str, k: int, index_dir: Path, as_json: bool) -> None:
    """Print the passages that best match QUERY."""
    hits = open_kb(resources, index_dir).search(query, k=k)
    if as_json:
        echo_json([{"n": n, **h.to_dict()} for n, h in enumerate(hits, start=1)])
        return
    if not hits:
        click.echo("No relevant passage found.")
    for n, hit in enumerate(hits, start=1):
        click.echo(f"{hit.label(n)}  (chars {hit.start}-{hit.end})")
        click.echo(f"    {hit.text}\n")


@cli.command()
@index_option
@json_option
@click.pass_obj
def info(resources: Resources, index_dir: Path, as_json: bool) -> None:
    """Describe the index: version, model and documents."""
    kb = open_kb(resources, index_dir)
    docs = kb.documents()
    if as_json:
        payload = {"version": kb.version, "model": kb.model, "documents": [d.to_dict() for d in docs]}
        echo_json(payload)
        return
    click.echo(f"index {index_dir} version {kb.version}, model {kb.model}, {len(docs)} documents")
    for d in docs:
        pages = f", {d.pages} pages" if d.pages else ""
        click.echo(f"- {d.doc_id}: {d.title} ({d.chars} chars{pages}, {d.chunks} chunks, {d.facts} facts)")


@cli.command()
@click.argument("question")
@click.option(
    "-k",
    default=ANSWER_PASSAGES,
    show_default=True,
    type=click.IntRange(1, 50),
    help="Passages to quote from.",
)
@index_option
@json_option
@click.pass_obj
def ask(resources: Resources, question: str, k: int, index_dir: Path, as_json: bool) -> None:
    """Answer QUESTION with quoted, cited claims and their linked facts."""
    answer = open_kb(resources, index_dir).ask(question, k=k)
    if as_json:
        echo_json(answer.to_dict())
        return
    if not answer.claims:
        click.echo(answer.reason)
        return
    for claim in answer.claims:  # the words that answer (the claim's focus) in bold
        marks = "".join(f"[{n}]" for n in claim.citations)
        click.echo(render_claim(claim, lambda words: click.style(words, bold=True)) + marks)
    click.echo("\nSources:")
    for n, hit in enumerate(answer.passages, start=1):
        click.echo(hit.label(n))
    if answer.facts:
        click.echo("\nLinked facts:")
        click.echo(format_facts([f.to_dict() for f in answer.facts]))
        for fact in answer.facts:
            for other in answer.related.get(fact.fact_id, ()):
                mark = "agrees" if other.agrees else "DIFFERS"
                theirs = other.fact
                click.echo(
                    f"  {fact.entity} {fact.indicator} {fact.value:g}{fact.unit}: {theirs.doc_id} says "
                    f"{theirs.value:g}{theirs.unit} "
                    f"({theirs.entity} {theirs.indicator} {theirs.period}, {mark})"
                )


def format_facts(rows: list[dict]) -> str:
    """A plain-text table of fact rows (entity, indicator, period, value, unit, document)."""
    columns = ("fact_id", "entity", "indicator", "period", "value", "unit", "qualifier", "doc_id")
    table = [columns]
    table += [tuple(f"{r[c]:g}" if c == "value" else str(r[c] or "") for c in columns) for r in rows]
    widths = [max(_display_width(row[i]) for row in table) for i in range(len(columns))]
    lines = []
    for row in table:
        cells = (cell + " " * (w - _display_width(cell)) for cell, w in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


@cli.command()
@click.option("--entity", help="Entity contains this (e.g. 黑龙江).")
@click.option("--indicator", help="Indicator contains this (e.g. 出生率).")
@click.option("--period", help="Period contains this (e.g. 2024).")
@click.option("--doc", "doc_id", help="Only facts from this document id (exact).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write CSV here.")
@index_option
@json_option
@click.pass_obj
def facts(
    resources: Resources,
    entity: str | None,
    indicator: str | None,
    period: str | None,
    doc_id: str | None,
    csv_path: Path | None,
    index_dir: Path,
    as_json: bool,
) -> None:
    """List extracted facts (entity, indicator, period, value, unit, source)."""
    kb = open_kb(resources, index_dir)
    table = kb.facts(entity=entity, indicator=indicator, period=period, doc_id=doc_id)
    if csv_path:
        write_atomic(csv_path, table.to_csv(index=False), encoding="utf-8-sig")
        click.echo(f"wrote {len(table)} facts to {csv_path}")
        return
    if as_json:
        echo_json(table.to_dict(orient="records"))
        return
    click.echo(format_facts(table.to_dict(orient="records")) if len(table) else "No facts match.")
    click.echo(f"{len(table)} facts")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@corpus_option
@index_option
@click.pass_obj
def add(resources: Resources, paths: tuple[Path, ...], corpus_dir: Path, index_dir: Path) -> None:
    """Copy files or folders into the corpus and index them (only what is new)."""
    kb = KnowledgeBase.open(corpus_dir, index_dir, create=True, resources=resources, store=store_spec())
    with ProgressBars() as bars:
        report = kb.add(list(paths), progress=bars)
    print_report(report)
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.argument("doc_ids", nargs=-1, required=True)
@corpus_option
@index_option
@click.pass_obj
def remove(resources: Resources, doc_ids: tuple[str, ...], corpus_dir: Path, index_dir: Path) -> None:
    """Delete documents (by id, see `nekb info`) from the corpus and the index."""
    with ProgressBars() as bars:
        report = open_kb(resources, index_dir, corpus_dir).remove(list(doc_ids), progress=bars)
    print_report(report)
    if not report.ok:
        sys.exit(1)


# -- batch answers and evaluation ------------------------------------------------------------------
question_file_argument = click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))


@cli.command("copy")
@click.argument("target")
@index_option
def copy(target: str, index_dir: Path) -> None:
    """Copy the live version into the store TARGET without embedding again, e.g.
    `nekb copy milvus:index/kb.db` moves a local index into Milvus Lite."""
    version = copy_index(index_dir, store_spec(), target)
    click.echo(f"copied the live version of {store_spec()} to {target} as {version}")


@cli.command("batch")
@question_file_argument
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Answers file: .jsonl (nested) or .csv (one flat row per question).",
)
@index_option
@click.option(
    "-k", default=ANSWER_PASSAGES, show_default=True, type=click.IntRange(1, 100), help="Passages per answer."
)
@click.pass_obj
def batch_command(resources: Resources, file: Path, out_path: Path, index_dir: Path, k: int) -> None:
    """Answer the questions of FILE into OUT, in order.

    FILE is .txt (one question per line), .jsonl ({"q": ...} or {"question": ...}) or .csv (a
    question column); other fields and columns are carried to OUT (.jsonl or .csv). Empty or
    malformed rows are skipped with a warning naming their line. Each .jsonl row is the answer in the
    same JSON form as `nekb ask --json`.
    """
    started = time.perf_counter()
    batch_io.check_output(out_path)  # fail on a wrong --out before answering anything
    batch_input = batch_io.read_batch(file)
    for message in batch_input.skipped:
        click.echo(f"warning: skipped {message}", err=True)
    if not batch_input.rows:
        raise click.ClickException(f"no questions in {file}")
    kb = open_kb(resources, index_dir)
    with ProgressBars() as bars:
        answers = kb.ask_many(batch_input.questions, k=k, progress=bars)
    batch_io.write_answers(out_path, batch_input.rows, answers)
    answered = sum(bool(a.claims) for a in answers)
    click.echo(
        f"{len(answers)} questions: {answered} answered, {len(answers) - answered} without an answer; "
        f"{len(batch_input.skipped)} rows skipped; wrote {out_path} in {time.perf_counter() - started:.1f}s"
    )


@cli.command("eval")
@question_file_argument
@index_option
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="Passages searched.")
@json_option
@click.pass_obj
def eval_command(resources: Resources, file: Path, index_dir: Path, k: int, as_json: bool) -> None:
    """Score search and answers on a question set.

    FILE holds one {"id", "q", "any": [answer substrings], "doc": optional document} per line.
    Prints doc@1/5 (questions with a doc), passage@1/3/5/10, MRR@k, answer@1 (the first claim
    holds an answer), answer@any, focus@1 (the first claim's bold words overlap an answer; also
    as a share of the first claims that hold one and ask for a figure, name, place or time),
    latency p50/p95 and the misses. Questions with "any": [] are ones nothing answers: scored
    apart, by the share declined (answered with no claim).
    """
    questions = load_questions(file)
    kb = open_kb(resources, index_dir)
    report = evaluate(questions, kb.search, kb.ask, resources.normalizer, k=k)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(format_report(report))


@cli.command("eval-facts")
@question_file_argument
@index_option
@json_option
@click.pass_obj
def eval_facts_command(resources: Resources, file: Path, index_dir: Path, as_json: bool) -> None:
    """Score the fact table against gold fact rows in FILE.

    FILE holds one {"doc", "quote", "value", "value_high", "unit", "entity", "indicator",
    "keywords", "period"} per line (the fact-gold format, see the README): prints whole-row
    precision, recall and F1, per-field accuracy, per-document figures and the misses. A file of
    {"id", "entity", "period", "value", "unit", "keyword"} rows is scored the older way (recall).
    """
    kb = open_kb(resources, index_dir)
    facts = facts_from_table(kb.facts())
    if is_gold_file(file):
        gold = load_gold(file)
        absent = sorted({g.doc for g in gold} - {d.doc_id for d in kb.documents()})
        if absent:
            click.echo(f"not in the index (all their rows are misses): {', '.join(absent)}", err=True)
        score = score_facts(facts, gold, resources.normalizer.match_form)
        echo_json(score.to_dict()) if as_json else click.echo(format_fact_score(score))
        return
    report = evaluate_facts(facts, load_expected_facts(file), resources.normalizer)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(format_fact_report(report))


main = cli
