"""One real-browser test: Debian's Chromium, driven by Playwright, against `streamlit run app.py`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from nekb.normalize import normalize_for_match

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from format_fixtures import HEADLESS_FLAGS  # noqa: E402  (the flags the print fixture uses too)

CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [*HEADLESS_FLAGS, "--disable-quic"]
QUESTION_ID = "q01"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def wait_until_idle(page, timeout: float = 60_000) -> None:
    """Wait until the Streamlit script run triggered by the last interaction has finished."""
    page.wait_for_timeout(200)  # let a just-triggered rerun start
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def show_in_document(page, attempts: int = 3) -> None:
    """Open the first source and switch on 在原文中查看 until the highlighted passage shows.

    Retried because a click that lands while the page is still settling can be lost.
    """
    context = page.locator("mark.nekb-passage").first
    for _ in range(attempts):
        expander = page.locator("[data-testid='stExpander'] details").first
        if expander.get_attribute("open") is None:
            expander.locator("summary").click()
        toggle = page.get_by_role("switch", name="在原文中查看").first
        if not toggle.is_checked():
            page.get_by_text("在原文中查看").first.click()
        wait_until_idle(page)
        try:
            context.wait_for(state="visible", timeout=10_000)
            return
        except PlaywrightTimeoutError:
            continue
    opened = expander.get_attribute("open") is not None
    raise AssertionError(
        f"no document context shown (expander open: {opened}, toggle: {toggle.is_checked()})"
    )


@pytest.fixture
def server(real_index, tmp_path) -> Iterator[str]:
    """`streamlit run app.py` on a free localhost port, stopped (by its pid) at the end."""
    port = free_port()
    env = {**os.environ, "NEKB_INDEX": str(real_index), "NEKB_CORPUS": str(CORPUS)}
    log = open(tmp_path / "streamlit.log", "wb")  # noqa: SIM115 - closed below, after the process
    app = str(ROOT / "app.py")
    options = {"port": str(port), "address": "127.0.0.1", "headless": "true"}
    command = [sys.executable, "-m", "streamlit", "run", app]
    command += [arg for name, value in options.items() for arg in (f"--server.{name}", value)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(f"{url}/_stcore/health", process)
        except (RuntimeError, TimeoutError) as err:
            log.flush()
            output = (tmp_path / "streamlit.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"{err}\n{output}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.browser
def test_question_in_a_real_browser(server):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run `make browser-deps` (apt-get install chromium)"
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text("utf-8").splitlines()]
    row = next(r for r in rows if r["id"] == QUESTION_ID)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600}, locale="zh-CN")
            page.goto(server)
            box = page.get_by_label("问题")
            box.wait_for(timeout=90_000)  # the first run loads the model
            wait_until_idle(page)
            box.fill(row["q"])
            box.press("Enter")
            answer = page.get_by_test_id("stMarkdownContainer").filter(has_text="[1]").first
            expect(answer).to_be_visible(timeout=60_000)
            wait_until_idle(page)
            assert "[1]" in answer.inner_text()
            claims = page.get_by_test_id("stMarkdownContainer").filter(has_text="]").all_inner_texts()
            shown = normalize_for_match("\n".join(claims))
            assert any(normalize_for_match(expected) in shown for expected in row["any"]), claims

            show_in_document(page)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "browser-ask.png"), full_page=True)
        finally:
            browser.close()
