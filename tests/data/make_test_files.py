"""Regenerate the small binary test files in this folder (committed; run by hand when they must change).

python tests/data/make_test_files.py

* ``ocr-sample.png``: a title and a short paragraph rendered with a CJK font (for the OCR tests);
* ``printed.pdf``: a two-page article page printed by headless Chromium with its default print
  header (date, time, title) and footer (URL, page i/n), for the browser-print tests.
"""

from __future__ import annotations

import html
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # apt-get install fonts-wqy-microhei

OCR_TITLE = "东北振兴"
OCR_LINES = ["　　2024年黑龙江省常住人口为3029万人，", "比上年末减少33万人。"]

PRINT_TITLE = "长白山的四季"
PRINT_PARAGRAPHS = [
    "长白山位于吉林省东南部，是中朝两国的界山，主峰海拔2691米。",
    "每年六月到九月是长白山的旅游旺季，天池周围的高山花园开满野花。"
    "冬季的长白山被积雪覆盖，滑雪场吸引了大量游客前来。",
] + [f"第{n}段：长白山自然保护区建于1960年，面积约19.6万公顷，是重要的森林生态系统。" for n in range(1, 40)]


def make_ocr_sample() -> None:
    title_font = ImageFont.truetype(FONT, 40)
    font = ImageFont.truetype(FONT, 30)
    image = Image.new("L", (640, 230), 255)
    draw = ImageDraw.Draw(image)
    draw.text((240, 20), OCR_TITLE, font=title_font, fill=0)
    for i, line in enumerate(OCR_LINES):
        draw.text((30, 100 + 55 * i), line, font=font, fill=0)
    image.save(HERE / "ocr-sample.png", optimize=True)


def make_printed_pdf() -> None:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in PRINT_PARAGRAPHS)
    page = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{PRINT_TITLE}</title>'
        f'<style>body{{font-family:"WenQuanYi Micro Hei"}}</style></head>'
        f"<body><h1>{PRINT_TITLE}</h1>{body}</body></html>"
    )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "article.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={HERE / 'printed.pdf'}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )


if __name__ == "__main__":
    make_ocr_sample()
    make_printed_pdf()
