"""Several writers and readers at once (hash embedder): adds with one name from two processes, and a
KnowledgeBase shared by threads while another process keeps changing the index."""

import subprocess
import sys
import textwrap
import threading
import time

from conftest import write_docs

from nekb import KnowledgeBase
from nekb.embed import HashEmbedder

ADD_WHEN_TOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from nekb import KnowledgeBase
    from nekb.embed import HashEmbedder

    corpus, index, source, go = sys.argv[1:5]
    kb = KnowledgeBase.open(corpus, index, model=HashEmbedder())
    while not Path(go).exists():
        time.sleep(0.005)
    report = kb.add([source])
    print(",".join(report.added), "|", ";".join(report.errors), flush=True)
    """
)


def test_two_processes_adding_the_same_name_at_once_lose_nothing(small_corpus, tmp_path):
    index = tmp_path / "index"
    KnowledgeBase.build(small_corpus, index, model=HashEmbedder())
    texts = {"a": "鹤岗冰雪旅游收入增长。" * 50, "b": "七台河煤矿转型升级。" * 50}
    sources = {k: write_docs(tmp_path / k, {"同名.txt": t}) / "同名.txt" for k, t in texts.items()}
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_WHEN_TOLD, str(small_corpus), str(index), str(s), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for s in sources.values()
    ]
    time.sleep(1.5)  # both have imported nekb and opened the index
    go.touch()
    outputs = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
    added = sorted(out.split("|")[0].strip() for out, _ in outputs)
    assert added == ["同名-2.txt", "同名.txt"] and all(out.split("|")[1].strip() == "" for out, _ in outputs)
    assert sorted((small_corpus / name).read_text(encoding="utf-8") for name in added) == sorted(
        texts.values()
    )
    kb = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert set(added) <= {d.doc_id for d in kb.documents()}
    assert not list(small_corpus.glob(".*part"))


CHURN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from nekb import KnowledgeBase
    from nekb.embed import HashEmbedder

    corpus, index, source, seconds = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
    kb = KnowledgeBase.open(corpus, index, model=HashEmbedder())
    end, rounds = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        added = kb.add([source]).added
        kb.remove(list(added))
        rounds += 1
    print(rounds, flush=True)
    """
)


def test_a_shared_knowledge_base_answers_while_another_process_changes_the_index(small_corpus, tmp_path):
    index = tmp_path / "index"
    KnowledgeBase.build(small_corpus, index, model=HashEmbedder())
    kb = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    source = (
        write_docs(tmp_path / "in", {"churn.txt": "大连港口吞吐量增长。沈阳机床产业升级。"}) / "churn.txt"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", CHURN, str(small_corpus), str(index), str(source), "6"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[BaseException] = []
    counts = {"ask": 0, "refresh": 0}
    stop = threading.Event()

    def keep(action, name):
        while not stop.is_set():
            try:
                action()
                counts[name] += 1
            except BaseException as err:  # every error counts, whatever its kind
                errors.append(err)

    def ask():
        answer = kb.ask("黑龙江出生率是多少？")
        for claim in answer.claims:
            for n in claim.citations:
                assert answer.passage(n).doc_id == claim.doc_id

    threads = [threading.Thread(target=keep, args=(ask, "ask")) for _ in range(2)]
    threads.append(threading.Thread(target=keep, args=(kb.refresh, "refresh")))
    for thread in threads:
        thread.start()
    out, err = writer.communicate(timeout=180)
    stop.set()
    for thread in threads:
        thread.join()
    assert writer.returncode == 0, err
    assert int(out) >= 1 and counts["ask"] > 10 and counts["refresh"] > 10
    assert errors == []
