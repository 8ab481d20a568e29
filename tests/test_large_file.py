"""A large text file is indexed in bounded memory with progress shown (hash embedder, CLI subprocess)."""

import os
import signal
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


# A small launcher runs the command and writes its child's peak RSS (KB). Measuring from pytest
# itself cannot work: RUSAGE_CHILDREN is the largest process the session ever waited for, and even
# os.wait4 on a direct child counts pytest's own peak, which the child inherits at fork (Linux keeps
# the pre-exec high-water mark in ru_maxrss).
LAUNCHER = """
import pathlib, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
pathlib.Path(sys.argv[1]).write_text(str(peak))
sys.exit(code)
"""


def run_measured(command: list, workdir: Path) -> tuple[int, float, str, str]:
    """Run ``command``; (exit code, its own peak RSS in MB, stdout, stderr)."""
    out_path, err_path, peak_path = workdir / "stdout.txt", workdir / "stderr.txt", workdir / "peak.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, peak_path, *command],
            stdout=out,
            stderr=err,
            start_new_session=True,  # the watchdog kills the launcher and the command together
        )
        watchdog = threading.Timer(TIMEOUT_SECONDS, os.killpg, (process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            returncode = process.wait()
        finally:
            watchdog.cancel()
    out_text = out_path.read_text(encoding="utf-8", errors="replace")
    err_text = err_path.read_text(encoding="utf-8", errors="replace")
    return returncode, int(peak_path.read_text()) / 1024, out_text, err_text


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
