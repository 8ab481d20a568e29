"""A large text file is indexed in bounded memory with progress shown (hash embedder, CLI subprocess)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

from conftest import CORPUS

# About 250 MB of libraries plus ~55 bytes per character of text were measured (20 MB: 1.3 GB peak);
# this bound for 6 MB (~570 MB expected) catches a regression to, e.g., holding several copies of the
# text or of all token lists. 6 MB rather than 20 MB keeps the suite within its time budget.
FILE_BYTES = 6_000_000
PEAK_RSS_LIMIT_MB = 1000
TIMEOUT_SECONDS = 1200


def run_measured(command: list, workdir: Path) -> tuple[int, float, str, str]:
    """Run ``command``; (exit code, its own peak RSS in MB, stdout, stderr).

    os.wait4 reports the usage of this one child: RUSAGE_CHILDREN would be the largest of every
    process the test session ever waited for (a browser, a server, other builds).
    """
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        watchdog = threading.Timer(TIMEOUT_SECONDS, process.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    out_text = out_path.read_text(encoding="utf-8", errors="replace")
    err_text = err_path.read_text(encoding="utf-8", errors="replace")
    return process.returncode, usage.ru_maxrss / 1024, out_text, err_text


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
    command = [cli, "build", "--corpus", corpus, "--index", tmp_path / "index", "--model", "hash"]
    returncode, peak_mb, out, err = run_measured(command, tmp_path)
    assert returncode == 0, err[-2000:]
    assert "1 documents" in out and "embedding" in err
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"build peaked at {peak_mb:.0f} MB"
    search = subprocess.run(
        [cli, "search", "七台河人口", "-k", "1", "--index", tmp_path / "index"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "大文件 big.txt" in search.stdout
