"""A large text file is indexed in bounded memory with progress shown (hash embedder, CLI subprocess)."""

import resource
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS

# About 250 MB of libraries plus ~55 bytes per character of text were measured (20 MB: 1.3 GB peak);
# this bound for 6 MB (~570 MB expected) catches a regression to, e.g., holding several copies of the
# text or of all token lists. 6 MB rather than 20 MB keeps the suite within its time budget.
FILE_BYTES = 6_000_000
PEAK_RSS_LIMIT_MB = 1000


def test_a_large_text_file_in_bounded_memory(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    base = (CORPUS / "northeast-population-loss-2024.txt").read_text(encoding="utf-8")
    with open(corpus / "大文件 big.txt", "w", encoding="utf-8") as handle:
        n = 0
        while handle.tell() < FILE_BYTES:
            handle.write(base.replace("2024", str(1900 + n % 120)))
            n += 1
    cli = Path(sys.executable).with_name("nekb")
    result = subprocess.run(
        [cli, "build", "--corpus", corpus, "--index", tmp_path / "index", "--model", "hash"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 documents" in result.stdout and "embedding" in result.stderr
    assert peak_mb < PEAK_RSS_LIMIT_MB
    search = subprocess.run(
        [cli, "search", "七台河人口", "-k", "1", "--index", tmp_path / "index"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "大文件 big.txt" in search.stdout
