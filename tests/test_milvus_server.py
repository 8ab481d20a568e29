"""The Milvus store through a server (``milvus:http://host:port``): two app servers share one store.

The server is Milvus Lite's own gRPC server (``milvus-lite server``), started here on a free port:
the same pymilvus calls nekb makes to a Milvus standalone or cluster, over the network.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SMALL_DOCS, write_docs

from nekb import KnowledgeBase
from nekb.embed import HashEmbedder

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """``milvus:http://127.0.0.1:<port>``: a Milvus Lite server in its own process."""
    port = _free_port()
    process = subprocess.Popen(
        [
            BIN / "milvus-lite",
            "server",
            "--data-dir",
            tmp_path / "milvus-data",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("milvus-lite server did not start")
            time.sleep(0.2)
    yield f"milvus:http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def _cli(*args) -> subprocess.CompletedProcess:
    """``nekb ARGS`` in another process (another app server; the model is the index's own)."""
    return subprocess.run([BIN / "nekb", *map(str, args)], capture_output=True, text=True, timeout=300)


def test_two_app_servers_share_one_store(server, tmp_path):
    corpus = write_docs(tmp_path / "corpus", dict(SMALL_DOCS))
    KnowledgeBase.build(corpus, tmp_path / "writer", model=HashEmbedder(), store=server)
    KnowledgeBase.build(corpus, tmp_path / "local", model=HashEmbedder())
    local = KnowledgeBase.open(corpus, tmp_path / "local", model=HashEmbedder())
    # Another process, with its own (empty) index directory, answers from the shared store.
    question = "辽宁生产总值增速是多少"
    asked = _cli("ask", question, "--index", tmp_path / "reader", "--store", server, "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout) == json.loads(
        json.dumps(local.ask(question).to_dict(), ensure_ascii=False)
    )
    # The writer adds a document; a reader holding the older version sees it after refresh.
    reader = KnowledgeBase.open(corpus, tmp_path / "reader", model=HashEmbedder(), store=server)
    writer = KnowledgeBase.open(corpus, tmp_path / "writer", model=HashEmbedder(), store=server)
    extra = write_docs(tmp_path / "incoming", {"dalian.txt": "大连港口吞吐量增长了5%。"})
    assert writer.add([extra / "dalian.txt"]).added == ("dalian.txt",)
    assert "dalian.txt" not in {d.doc_id for d in reader.documents()}
    assert reader.refresh() and reader.version == writer.version
    assert reader.search("大连港口吞吐量")[0].doc_id == "dalian.txt"
    found = _cli("search", "大连港口吞吐量", "--index", tmp_path / "reader", "--store", server, "--json")
    assert found.returncode == 0 and json.loads(found.stdout)[0]["doc_id"] == "dalian.txt", found.stderr
