"""Realistic files in every format nekb reads, made from plain-text articles (for eval_formats.py).

Each article (a title line, a blank line, then its text) becomes one of:

* ``.docx``: a Title paragraph, body paragraphs, a page header and footer (python-docx);
* ``.html``: a news-site page with navigation, breadcrumb, sidebar, related links, comments,
  footer, JSON-LD and analytics scripts (two different site templates);
* a scanned two-page ``.pdf``: text rendered to 150-dpi greyscale pages with a CJK font, slightly
  rotated, noisy and JPEG-compressed, saved as an image-only PDF (Pillow);
* a ``.png`` screenshot of the article on a coloured page background;
* a browser-printed ``.pdf``: the HTML page printed by headless Chromium with its default print
  header (date, title) and footer (URL, page i/n).

Needs a CJK font (fonts-wqy-microhei or fonts-noto-cjk) and, for the printed PDF, ``chromium``.
"""

from __future__ import annotations

import html
import io
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def cjk_font() -> str:
    """Path of an installed CJK font; raises FileNotFoundError naming the package to install."""
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return path
    raise FileNotFoundError("no CJK font: apt-get install fonts-wqy-microhei")


def read_article(path: Path) -> tuple[str, list[str]]:
    """Title and paragraphs of a corpus article; long single paragraphs are split every ~3 sentences."""
    title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    paragraphs = []
    for block in body.strip().split("\n"):
        sentences = re.findall(r"[^。！？]+[。！？]?[”」]?", block.strip())
        for i in range(0, len(sentences), 3):
            paragraphs.append("".join(sentences[i : i + 3]).strip())
    return title.strip(), [p for p in paragraphs if p]


# --- .docx -------------------------------------------------------------------------------


def make_docx(title: str, paragraphs: list[str], target: Path) -> None:
    """A Word file with a Title, a heading, body paragraphs and page header/footer furniture."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "内部资料 注意保存"
    section.footer.paragraphs[0].text = "第 1 页"
    document.add_paragraph(title, style="Title")
    half = max(1, len(paragraphs) // 2)
    for i, paragraph in enumerate(paragraphs):
        if i == half:
            document.add_heading("详细介绍", level=1)
        document.add_paragraph(paragraph)
    document.core_properties.title = title
    document.save(target)


# --- .html -------------------------------------------------------------------------------

_SITES = (
    {
        "name": "百科新知网",
        "nav": ["首页", "新闻", "人物", "历史", "科学", "自然", "文化", "专题", "关于我们"],
        "side_title": "热门推荐",
        "side": ["全球气候变化的最新研究进展", "十大最受欢迎的旅游城市排行", "如何科学地制定健身计划"],
        "tags": ["百科", "知识", "阅读"],
        "footer": ["关于我们", "联系方式", "广告服务", "隐私政策", "网站地图"],
        "copyright": "Copyright © 2005-2024 百科新知网 版权所有 京ICP备10000001号-1",
    },
    {
        "name": "环球资讯在线",
        "nav": ["资讯", "财经", "体育", "娱乐", "教育", "健康", "视频", "图片", "登录", "注册"],
        "side_title": "24小时排行",
        "side": ["专家解读新一季度经济数据", "周末大片推荐：五部值得一看的电影", "春季养生要注意这几点"],
        "tags": ["资讯", "深度"],
        "footer": ["网站介绍", "服务条款", "意见反馈", "招聘信息"],
        "copyright": "© 2024 环球资讯在线 沪ICP备20000002号 沪公网安备31000000000001号",
    },
)


def make_html(title: str, paragraphs: list[str], site: int = 0, date: str = "2023-05-17") -> str:
    """A full news-site page around the article, with the furniture real sites have."""
    s = _SITES[site % len(_SITES)]
    esc = html.escape
    nav = "".join(f'<li><a href="/c/{i}">{esc(n)}</a></li>' for i, n in enumerate(s["nav"]))
    side = "".join(f'<li><a href="/a/{i}">{esc(t)}</a></li>' for i, t in enumerate(s["side"]))
    tags = "".join(f'<a class="tag" href="/t/{i}">{esc(t)}</a>' for i, t in enumerate(s["tags"]))
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    footer = " | ".join(f'<a href="/f/{i}">{esc(t)}</a>' for i, t in enumerate(s["footer"]))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{esc(title)}_{esc(s["name"])}</title>
<meta name="keywords" content="{esc(title)},{esc(s["name"])}">
<meta name="description" content="{esc(paragraphs[0][:60])}">
<meta property="og:title" content="{esc(title)}">
<meta property="article:published_time" content="{date}T08:30:00+08:00">
<link rel="stylesheet" href="/static/site.css">
<style>body{{font-family:"WenQuanYi Micro Hei",sans-serif;margin:0}} .wrap{{width:960px;margin:auto}}
.side{{float:right;width:240px}} .main{{float:left;width:680px}} nav li{{display:inline;margin:0 6px}}
footer{{clear:both;border-top:1px solid #ccc}}</style>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{esc(title)}","datePublished":"{date}T08:30:00+08:00",
"author":{{"@type":"Person","name":"本站编辑"}}}}</script>
<script>var _hmt=_hmt||[];
(function(){{var hm=document.createElement("script");hm.src="/stats.js";}})();</script>
</head><body>
<div class="topbar">欢迎访问{esc(s["name"])}！ <a href="/login">登录</a>
<a href="/reg">免费注册</a> <a href="/app">下载客户端</a></div>
<header class="wrap"><a class="logo" href="/">{esc(s["name"])}</a>
<form class="search"><input name="q" placeholder="搜索感兴趣的内容"><button>搜索</button></form>
<nav><ul>{nav}</ul></nav></header>
<div class="wrap">
<div class="crumb"><a href="/">首页</a> &gt; <a href="/c/2">{esc(s["nav"][2])}</a> &gt; 正文</div>
<div class="main"><article>
<h1>{esc(title)}</h1>
<div class="info"><span>{date} 08:30</span> <span>来源：{esc(s["name"])}</span>
<span>作者：本站编辑</span> <span>阅读：1024</span></div>
<div class="content">
{body}
</div>
<div class="tags">标签：{tags}</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
</article>
<section class="related"><h3>相关阅读</h3><ul><li><a href="/a/9">更多精彩内容请关注本站专题报道</a></li>
<li><a href="/a/8">编辑推荐：本周最值得阅读的十篇文章</a></li></ul></section>
<section class="comments"><h3>网友评论</h3><p>暂无评论，快来抢沙发吧！</p>
<textarea placeholder="文明上网，理性发言"></textarea><button>发表评论</button></section>
</div>
<aside class="side"><h3>{esc(s["side_title"])}</h3><ol>{side}</ol>
<div class="ad">广告 · 限时优惠，点击了解详情</div>
<h3>关注我们</h3><p>扫描二维码关注官方公众号，获取最新资讯。</p></aside>
</div>
<footer class="wrap"><p>{footer}</p><p>{esc(s["copyright"])}</p></footer>
<script>document.querySelectorAll(".share a")
.forEach(function(a){{a.onclick=function(){{return false}}}});</script>
</body></html>
"""


# --- images ------------------------------------------------------------------------------


def _wrap(text: str, font, width: int) -> list[str]:
    """Greedy line breaking by rendered width (CJK text breaks anywhere)."""
    lines, line = [], ""
    for ch in text:
        if font.getlength(line + ch) > width and line:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def render_pages(
    title: str,
    paragraphs: list[str],
    size: tuple[int, int],
    font_px: int,
    margin: int,
    background: int | tuple[int, int, int] = 255,
    max_pages: int = 10,
) -> list:
    """The article typeset onto pages (PIL images): centred title, indented paragraphs, page numbers."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(cjk_font(), font_px)
    title_font = ImageFont.truetype(cjk_font(), int(font_px * 1.5))
    width, height = size
    mode = "RGB" if isinstance(background, tuple) else "L"
    ink = (30, 30, 30) if mode == "RGB" else 20
    items: list[tuple[str, object, int]] = [(title, title_font, -1)]
    for paragraph in paragraphs:
        lines = _wrap("\u3000\u3000" + paragraph, font, width - 2 * margin)
        items.extend((line, font, i) for i, line in enumerate(lines))
    pages, page, draw, y = [], None, None, 0
    line_height = int(font_px * 1.7)
    for text, item_font, index in items:
        if page is None or y + line_height > height - margin - line_height:
            if page is not None:
                pages.append(page)
            page = Image.new(mode, size, background)
            draw = ImageDraw.Draw(page)
            y = margin
        if index == -1:
            x = (width - item_font.getlength(text)) / 2
            draw.text((x, y), text, font=item_font, fill=ink)
            y += int(line_height * 1.8)
        else:
            y += line_height // 3 if index == 0 else 0  # a little space between paragraphs
            draw.text((margin, y), text, font=item_font, fill=ink)
            y += line_height
    pages.append(page)
    pages = pages[:max_pages]
    for n, p in enumerate(pages, start=1):
        label = f"- {n} -"
        d = ImageDraw.Draw(p)
        d.text(((width - font.getlength(label)) / 2, height - margin), label, font=font, fill=ink)
    return pages


def degrade(image, seed: int):
    """What a scanner does: a slight tilt, grey paper, noise, JPEG compression."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    image = image.convert("L").rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=235)
    paper = Image.effect_noise(image.size, 40).point(lambda v: 200 + v // 5)  # grey, grainy paper
    image = Image.blend(image, paper, 0.12)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return Image.open(io.BytesIO(buffer.getvalue()))


def make_scanned_pdf(title: str, paragraphs: list[str], target: Path, seed: int = 0) -> int:
    """An image-only PDF of the article at 150 dpi on A5 pages; returns the number of pages."""
    pages = render_pages(title, paragraphs, size=(874, 1240), font_px=26, margin=90)
    scans = [degrade(p, seed + n) for n, p in enumerate(pages)]
    scans[0].save(target, "PDF", resolution=150, save_all=True, append_images=scans[1:])
    return len(scans)


def make_png(title: str, paragraphs: list[str], target: Path) -> None:
    """A screenshot-like PNG: the article on a tinted background, one long page."""
    pages = render_pages(
        title, paragraphs, size=(1000, 4000), font_px=24, margin=60, background=(250, 248, 240)
    )
    page = pages[0]
    # crop the unused bottom of the page, like a screenshot of just the article
    box = page.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox()
    bottom = min(page.height, (box[3] if box else page.height) + 60)
    page.crop((0, 0, page.width, bottom)).save(target, "PNG", optimize=True)


# --- browser print -----------------------------------------------------------------------


# Headless Chromium offline: no GPU, no sandbox (root in CI), nothing fetched in the background.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium() -> str:
    """The Chromium binary; raises FileNotFoundError saying how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise FileNotFoundError("no chromium: apt-get install chromium")


def print_to_pdf(page_html: str, target: Path) -> None:
    """Print an HTML page with headless Chromium, keeping its default header and footer."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "article.html"
        source.write_text(page_html, encoding="utf-8")
        command = [
            chromium(),
            *HEADLESS_FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=180)
