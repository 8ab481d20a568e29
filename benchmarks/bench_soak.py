"""Soak: one KnowledgeBase shared by threads while another process keeps changing the index.

Two threads ask the dev questions in turn, a third refreshes to the newest version, and a separate
process adds and removes a small document in a loop, for a fixed time. Every exception counts as an
error, whatever its kind; so does an answer whose citation points at another document.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nekb import KnowledgeBase
from nekb.embed import Embedder

CHURN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from nekb import KnowledgeBase

    corpus, index, source, seconds = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
    kb = KnowledgeBase.open(corpus, index)
    end, rounds, errors = time.monotonic() + seconds, 0, 0
    while time.monotonic() < end:
        try:
            added = kb.add([source]).added
            kb.remove(list(added))
            rounds += 1
        except Exception as err:
            errors += 1
            print(f"writer error: {err!r}", file=sys.stderr, flush=True)
    print(rounds, errors, flush=True)
    """
)
CHURN_TEXT = "鹤岗冰雪博物馆开馆首个冬季接待游客12.7万人次。\n博物馆展出了煤矿工人冬季生活的老照片。\n"


def run(
    corpus_dir: Path,
    index_dir: Path,
    workdir: Path,
    embedder: Embedder,
    questions: Sequence[str],
    seconds: float,
) -> dict:
    """Copy the corpus and its built index into ``workdir`` and soak them for ``seconds``."""
    corpus, index = workdir / "corpus", workdir / "index"
    shutil.copytree(corpus_dir, corpus)
    shutil.copytree(index_dir, index)
    source = workdir / "churn" / "鹤岗冰雪博物馆.txt"
    source.parent.mkdir()
    source.write_text(CHURN_TEXT, encoding="utf-8")
    kb = KnowledgeBase.open(corpus, index, model=embedder)
    errors: list[str] = []
    ask_ms: list[float] = []
    versions: set[str] = {kb.version}
    counts = {"ask": 0, "refresh": 0}
    stop = threading.Event()

    def ask_loop(offset: int) -> None:
        n = offset
        while not stop.is_set():
            question = questions[n % len(questions)]
            n += 1
            started = time.perf_counter()
            try:
                answer = kb.ask(question)
                for claim in answer.claims:
                    if any(answer.passage(c).doc_id != claim.doc_id for c in claim.citations):
                        errors.append(f"citation of another document in {question!r}")
            except Exception as err:  # every error counts
                errors.append(repr(err))
            ask_ms.append((time.perf_counter() - started) * 1000)
            counts["ask"] += 1

    def refresh_loop() -> None:
        while not stop.is_set():
            try:
                kb.refresh()
                versions.add(kb.version)
            except Exception as err:
                errors.append(repr(err))
            counts["refresh"] += 1
            time.sleep(0.01)

    writer = subprocess.Popen(
        [sys.executable, "-c", CHURN, str(corpus), str(index), str(source), str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    threads = [threading.Thread(target=ask_loop, args=(n,)) for n in (0, len(questions) // 2)]
    threads.append(threading.Thread(target=refresh_loop))
    for thread in threads:
        thread.start()
    out, err = writer.communicate(timeout=seconds + 600)
    stop.set()
    for thread in threads:
        thread.join()
    rounds, writer_errors = (int(x) for x in out.split()) if out.strip() else (0, -1)
    return {
        "seconds": seconds,
        "asks": counts["ask"],
        "refreshes": counts["refresh"],
        "versions_seen": len(versions),
        "writer_rounds": rounds,
        "writer_errors": writer_errors,
        "writer_exit": writer.returncode,
        "writer_stderr": err.strip().splitlines()[-3:],
        "reader_errors": len(errors),
        "first_errors": errors[:3],
        "ask_ms": {
            "p50": round(float(np.percentile(ask_ms, 50)), 2) if ask_ms else None,
            "p95": round(float(np.percentile(ask_ms, 95)), 2) if ask_ms else None,
        },
    }
