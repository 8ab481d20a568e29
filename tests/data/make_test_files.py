"""Regenerate the small binary test files in this folder (committed; run by hand when they must change).

python tests/data/make_test_files.py

* ``ocr-sample.png``: a title and a short paragraph rendered with a CJK font (for the OCR tests);
* ``printed.pdf``: a two-page news page (site navigation, sidebar, footer around an ``<article>``)
  printed by headless Chromium with its default print header (date, time, title) and footer (URL,
  page i/n), for the browser-print tests.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "benchmarks"))
from format_fixtures import print_to_pdf  # noqa: E402  (the one Chromium print command)

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # apt-get install fonts-wqy-microhei

OCR_TITLE = "东北振兴"
OCR_LINES = ["　　2024年黑龙江省常住人口为3029万人，", "比上年末减少33万人。"]

PRINT_TITLE = "长白山的四季"
PRINT_PARAGRAPHS = [
    "长白山位于吉林省东南部，是中朝两国的界山，主峰海拔2691米。",
    "每年六月到九月是长白山的旅游旺季，天池周围的高山花园开满野花。"
    "冬季的长白山被积雪覆盖，滑雪场吸引了大量游客前来。",
]
# Distinct paragraphs (identical ones at page edges would look like a running header).
PLACES = [
    "天池",
    "长白瀑布",
    "绿渊潭",
    "地下森林",
    "锦江大峡谷",
    "小天池",
    "岳桦林",
    "温泉群",
    "高山花园",
    "魔界",
]
SEASONS = ["春天", "夏天", "秋天", "冬天"]
PRINT_PARAGRAPHS += [
    f"{place}的{season}景色各不相同，值得游客细细品味。" for place in PLACES for season in SEASONS
]


def make_ocr_sample() -> None:
    title_font = ImageFont.truetype(FONT, 40)
    font = ImageFont.truetype(FONT, 30)
    image = Image.new("L", (640, 230), 255)
    draw = ImageDraw.Draw(image)
    draw.text((240, 20), OCR_TITLE, font=title_font, fill=0)
    for i, line in enumerate(OCR_LINES):
        draw.text((30, 100 + 55 * i), line, font=font, fill=0)
    image.save(HERE / "ocr-sample.png", optimize=True)


NAVIGATION = ["首页", "新闻", "旅游", "关于我们"]
SIDEBAR = ["热门文章", "哈尔滨冰雪大世界开园", "沈阳故宫夜游开放"]
FOOTER = "版权所有 © 2024 东北旅游网 吉ICP备10000001号"


def make_printed_pdf() -> None:
    nav = " ".join(f'<a href="/c/{i}">{t}</a>' for i, t in enumerate(NAVIGATION))
    side = "".join(f'<li><a href="/a/{i}">{t}</a></li>' for i, t in enumerate(SIDEBAR[1:]))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in PRINT_PARAGRAPHS)
    page = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{PRINT_TITLE}_东北旅游网</title>"
        f'<style>body{{font-family:"WenQuanYi Micro Hei"}} aside{{float:right;width:180px}}</style></head>'
        f"<body><header>东北旅游网 <nav>{nav}</nav></header>"
        f"<aside><h3>{SIDEBAR[0]}</h3><ul>{side}</ul></aside>"
        f"<article><h1>{PRINT_TITLE}</h1><p>2024-07-02 来源：东北旅游网</p>{body}"
        f'<p>标签：<a href="/t/1">长白山</a> <a href="/t/2">旅游</a></p></article>'
        f"<footer>{FOOTER}</footer></body></html>"
    )
    print_to_pdf(page, HERE / "printed.pdf")


if __name__ == "__main__":
    make_ocr_sample()
    make_printed_pdf()
