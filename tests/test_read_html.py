"""Tests for nekb.read_html: the article of a real-looking news page, without the site around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nekb.ingest import IngestError, read_document
from nekb.read_html import decode_html

PARAGRAPHS = [
    "长白山位于吉林省东南部，是中朝两国的界山，主峰白头峰海拔2749米，是东北地区的最高峰。",
    "长白山天池是中国最深的湖泊之一，平均水深204米，最深处达373米，每年有半年以上的时间处于冰封状态。",
    "每年六月到九月是长白山的旅游旺季，天池周围的高山花园开满野花，吸引了大量游客前来观光。",
    "冬季的长白山被积雪覆盖，滑雪场和温泉成为游客的新选择，冰雪旅游带动了当地经济的发展。",
]
NAVIGATION = ["首页", "国内新闻", "国际新闻", "财经频道", "旅游频道", "登录", "免费注册"]
SIDEBAR = ["热门排行", "专家解读新一季度经济数据", "周末大片推荐：五部值得一看的电影"]
FOOTER = ["关于我们", "联系方式", "广告服务", "版权所有 © 2024 东北资讯网 吉ICP备10000001号"]


def _page(title: str = "长白山的四季") -> str:
    nav = "".join(f'<li><a href="/c/{i}">{t}</a></li>' for i, t in enumerate(NAVIGATION))
    side = "".join(f'<li><a href="/a/{i}">{t}</a></li>' for i, t in enumerate(SIDEBAR[1:]))
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    footer = " | ".join(f"<a href='/f'>{t}</a>" for t in FOOTER[:3])
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="gb18030">
<title>{title}_东北资讯网</title>
<meta property="article:published_time" content="2024-07-02T09:15:00+08:00">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}",
"datePublished":"2024-07-02T09:15:00+08:00"}}</script>
<script>var tracker = "统计代码不应出现在正文中";</script>
<style>.side {{ float: right }}</style></head>
<body><header><a class="logo" href="/">东北资讯网</a><nav><ul>{nav}</ul></nav></header>
<div class="crumb"><a href="/">首页</a> &gt; <a href="/c/4">旅游频道</a> &gt; 正文</div>
<main><article><h1>{title}</h1><div class="info">2024-07-02 09:15 来源：东北资讯网</div>
<div class="content">{body}</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div></article>
<section class="comments"><h3>网友评论</h3><p>暂无评论，快来抢沙发吧！</p></section></main>
<aside class="side"><h3>{SIDEBAR[0]}</h3><ol>{side}</ol></aside>
<footer><p>{footer}</p><p>{FOOTER[3]}</p></footer>
<script>document.title += "";</script></body></html>"""


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_bytes(_page().encode("gb18030"))
    return read_document(path)


def test_article_text_only(article) -> None:
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert article.text.index(PARAGRAPHS[0]) < article.text.index(PARAGRAPHS[3])  # in order
    for furniture in [*NAVIGATION, *SIDEBAR, *FOOTER, "统计代码", "网友评论", "分享到"]:
        assert furniture not in article.text


def test_title_and_date_from_page_metadata(article) -> None:
    assert article.title == "长白山的四季"
    assert article.date == "2024-07-02"


def test_declared_charset_is_used() -> None:
    page = '<html><head><meta charset="gb2312"></head><body>东北</body></html>'.encode("gbk")
    assert "东北" in decode_html(page, "x.html")


def test_page_without_article_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "empty.htm"
    path.write_text("<html><head><script>var a = 1;</script></head><body><nav></nav></body></html>", "utf-8")
    with pytest.raises(IngestError, match=r"^empty\.htm: no article text found in the page$"):
        read_document(path)
