"""How well nekb reads real-looking files: character coverage, leftover boilerplate, answer rate.

Articles from the CMRC 2018 trial corpus are turned into files of every new format (see
format_fixtures.py): .docx, .html pages with site furniture, a scanned two-page PDF, a PNG
screenshot and a Chromium-printed PDF. Each file is indexed with the real e5 model, then:

* coverage: the share of the article's characters found in the document text in order (a
  longest-common-subsequence alignment after whitespace removal, NFKC and Traditional→Simplified);
* leftovers: site furniture and print header/footer strings still in the text;
* answers: for each question about the article, whether some claim of ``kb.ask`` holds a gold
  answer (same normalization), and whether the first does.

python benchmarks/eval_formats.py [--articles 0020,0046,...] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import format_fixtures as ff  # noqa: E402

from nekb import KnowledgeBase  # noqa: E402
from nekb.normalize import normalize_for_match  # noqa: E402

CMRC = Path("/work/shared/eval/cmrc2018-trial")  # the shared dev set; --cmrc points elsewhere
# article number -> format; chosen once among articles with five questions, before measuring
DEFAULT_PLAN = {
    "0020": "docx",
    "0046": "docx",
    "0053": "html",
    "0054": "html",
    "0075": "scan",
    "0072": "png",
    "0013": "print",
}
# A second set, fixed by rule before it was measured: the first seven articles numbered from 0100 that
# have five questions, given the formats in DEFAULT_PLAN's order (--plan second).
SECOND_PLAN = {
    "0100": "docx",
    "0103": "docx",
    "0106": "html",
    "0107": "html",
    "0108": "scan",
    "0111": "png",
    "0119": "print",
}
# Strings of the site templates and of Chromium's print margins that must not survive.
FURNITURE = [
    "首页",
    "关于我们",
    "热门推荐",
    "24小时排行",
    "相关阅读",
    "网友评论",
    "版权所有",
    "ICP备",
    "免费注册",
    "扫描二维码",
    "分享到",
    "广告",
    "file://",
    "://",
    " AM",
    " PM",
]


def lcs_coverage(reference: str, text: str) -> float:
    """Share of ``reference``'s characters matched in order in ``text`` (both normalized)."""
    a, b = normalize_for_match(reference), normalize_for_match(text)
    if not a:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


def make_files(plan: dict[str, str], corpus: Path, cmrc: Path) -> dict[str, tuple[str, Path]]:
    """Write one file per article; returns doc file name -> (article file, path)."""
    made = {}
    for n, (number, kind) in enumerate(sorted(plan.items())):
        article = next((cmrc / "corpus").glob(f"{number}-*.txt"))
        title, paragraphs = ff.read_article(article)
        stem = f"{number}-{kind}"
        if kind == "docx":
            path = corpus / f"{stem}.docx"
            ff.make_docx(title, paragraphs, path)
        elif kind == "html":
            path = corpus / f"{stem}.html"
            path.write_text(ff.make_html(title, paragraphs, site=n), encoding="utf-8")
        elif kind == "scan":
            path = corpus / f"{stem}.pdf"
            ff.make_scanned_pdf(title, paragraphs, path, seed=n)
        elif kind == "png":
            path = corpus / f"{stem}.png"
            ff.make_png(title, paragraphs, path)
        elif kind == "txt":  # the article as it is: the baseline the other formats are held to
            path = corpus / f"{stem}.txt"
            path.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
        elif kind == "print":
            path = corpus / f"{stem}.pdf"
            ff.print_to_pdf(ff.make_html(title, paragraphs, site=n), path)
        else:
            raise ValueError(kind)
        made[path.name] = (article.name, path)
    return made


def evaluate(plan: dict[str, str], workdir: Path, cmrc: Path = CMRC) -> dict:
    """Make the files of ``plan`` in ``workdir``, index them, and measure them (see the module doc)."""
    corpus, index = workdir / "corpus", workdir / "index"
    corpus.mkdir(parents=True)
    made = make_files(plan, corpus, cmrc)
    started = time.perf_counter()
    report = KnowledgeBase.build(corpus, index)
    build_s = time.perf_counter() - started
    kb = KnowledgeBase.open(corpus, index)
    questions = [json.loads(line) for line in (cmrc / "questions.jsonl").open(encoding="utf-8")]
    infos = {d.doc_id: d for d in kb.documents()}
    rows = []
    for name, (article, _) in made.items():
        reference = (cmrc / "corpus" / article).read_text(encoding="utf-8")
        indexed = name in infos
        text = kb.document_text(name) if indexed else ""
        asked = [q for q in questions if q["doc"] == article]
        first = any_ = 0
        misses = []
        for q in asked:
            answer = kb.ask(q["q"])
            gold = [normalize_for_match(g) for g in q["any"]]
            holds = [any(g in normalize_for_match(c.text) for g in gold) for c in answer.claims]
            first += bool(holds and holds[0])
            any_ += any(holds)
            if not (holds and holds[0]):
                claims = [c.text for c in answer.claims]
                misses.append({"q": q["q"], "expected": q["any"], "some_claim": any(holds), "claims": claims})
        rows.append(
            {
                "file": name,
                "indexed": indexed,
                "title": infos[name].title if indexed else "",
                "date": infos[name].date if indexed else "",
                "ocr_confidence": infos[name].ocr_confidence if indexed else None,
                "pages": infos[name].pages if indexed else 0,
                "coverage": round(lcs_coverage(reference, text), 4),
                "leftovers": [s for s in FURNITURE if s in text and s not in reference],
                "questions": len(asked),
                "answer_first": first,
                "answer_any": any_,
                "misses": misses,  # questions whose first claim does not hold an answer
            }
        )
    total = sum(r["questions"] for r in rows)
    return {
        "files": rows,
        "errors": list(report.errors) if report else [],
        "warnings": list(report.warnings) if report else [],
        "build_seconds": round(build_s, 1),
        "answer_any": round(sum(r["answer_any"] for r in rows) / total, 3),
        "answer_first": round(sum(r["answer_first"] for r in rows) / total, 3),
        "questions": total,
    }


def main() -> None:
    """Parse arguments, evaluate, print one line per file and the totals (and write --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", help="'second', or article:kind,... e.g. 0020:docx,0053:html")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--cmrc", type=Path, default=CMRC, help="folder with corpus/ and questions.jsonl")
    args = parser.parse_args()
    if args.plan == "second":
        plan = SECOND_PLAN
    else:
        plan = dict(item.split(":") for item in args.plan.split(",")) if args.plan else DEFAULT_PLAN
    if args.keep:
        result = evaluate(plan, args.keep, args.cmrc)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = evaluate(plan, Path(tmp), args.cmrc)
    for row in result["files"]:
        n = row["questions"]
        print(
            f"{row['file']:<22} indexed={row['indexed']!s:<5} coverage={row['coverage']:.4f} "
            f"answers any {row['answer_any']}/{n} first {row['answer_first']}/{n} "
            f"ocr={row['ocr_confidence']} leftovers={row['leftovers']} "
            f"title={row['title']!r} date={row['date']!r}"
        )
    print(
        f"answer@any {result['answer_any']}  answer@1 {result['answer_first']}  "
        f"over {result['questions']} questions; build {result['build_seconds']} s; "
        f"errors {result['errors']}; warnings {result['warnings']}"
    )
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
