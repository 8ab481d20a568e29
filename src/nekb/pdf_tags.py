"""The main content of a tagged PDF: the marked content under its /Art (article) structure elements.

A browser that prints a web page to PDF tags it (Chromium writes an accessible, tagged PDF): an
``<article>`` becomes an /Art structure element, ``<aside>`` an /Aside, headings /H1…, and the
print header and footer are /Artifact. When a page's article is tagged, the site's navigation,
sidebars and footer are exactly what lies outside it. Each structure element points at the page
content it covers by marked-content id (MCID); this module maps each page to the MCIDs of the
article and of top-level headings (a page title often sits outside ``<article>``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PARAGRAPH_INDENT = "\u3000\u3000"  # how clean_pdf_pages recognises a paragraph start
_LINK_LINE_SHARE = 0.6  # a line whose text is mostly links is navigation, not prose
_KEEP_ROLES = ("/Art",)  # subtrees kept whole
_TITLE_ROLES = ("/H1",)  # kept wherever they are
# Elements inside a line of text: a new one at the start of a line continues the paragraph.
_INLINE_ROLES = frozenset(("/Link", "/Span", "/Quote", "/Code", "/Reference", "/Annot", "/Note", "/BibEntry"))
_MAX_DEPTH = 200  # structure trees are shallow; this guards against reference cycles


@dataclass
class MarkedText:
    """Text runs of one page with the MCID each was drawn under (None outside marked content)."""

    runs: list[tuple[str, int | None, bool]] = field(default_factory=list)  # (text, mcid, artifact)
    _stack: list[tuple[str, int | None]] = field(default_factory=list)

    def operator(self, op: bytes, args: list[Any], _cm: Any = None, _tm: Any = None) -> None:
        """pypdf ``visitor_operand_before``: follow BDC/BMC … EMC nesting."""
        if op == b"BDC":
            properties = args[1] if len(args) > 1 else None
            mcid = properties.get("/MCID") if hasattr(properties, "get") else None
            self._stack.append((str(args[0]) if args else "", mcid if isinstance(mcid, int) else None))
        elif op == b"BMC":
            self._stack.append((str(args[0]) if args else "", None))
        elif op == b"EMC" and self._stack:
            self._stack.pop()

    def text(self, text: str) -> None:
        """Record a run of extracted text under the marked content open now."""
        mcids = [m for _, m in self._stack if m is not None]
        artifact = any(tag == "/Artifact" for tag, _ in self._stack)
        self.runs.append((text, mcids[-1] if mcids else None, artifact))

    def kept(
        self, mcids: set[int], links: set[int] = frozenset(), blocks: dict[int, int] | None = None
    ) -> str:
        """The page text with runs outside ``mcids`` removed, lines that are mostly links dropped
        (tags, share buttons, related links), and a paragraph indent where a line starts in another
        block element (paragraph, heading, list item: ``blocks`` maps MCIDs to them) than the line
        before ended in: the tags know where paragraphs end."""
        blocks = blocks or {}
        lines: list[list[tuple[str, int | None]]] = [[]]
        for text, mcid, artifact in self.runs:
            for i, piece in enumerate(text.split("\n")):
                if i:
                    lines.append([])
                if piece and mcid in mcids and not artifact:
                    lines[-1].append((piece, mcid))
        out, previous = [], None
        for line in lines:
            text = "".join(piece for piece, _ in line)
            chars = len("".join(text.split()))
            linked = sum(len("".join(piece.split())) for piece, mcid in line if mcid in links)
            if not chars or linked >= _LINK_LINE_SHARE * chars:
                continue
            marks = [blocks.get(mcid, mcid) for piece, mcid in line if piece.strip()]
            if previous is not None and marks[0] != previous:
                text = PARAGRAPH_INDENT + text.lstrip()
            previous = marks[-1]
            out.append(text)
        return "\n".join(out)


def _kids(node: Any) -> Iterator[Any]:
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is None:
        return
    if not isinstance(kids, list):
        kids = [kids]
    for kid in kids:
        yield kid.get_object() if hasattr(kid, "get_object") else kid


def _page_id(page: Any) -> int | None:
    reference = getattr(page, "indirect_reference", None)
    return reference.idnum if reference is not None else None


@dataclass(frozen=True)
class Article:
    """Per page object number: the MCIDs of the article (and H1 titles), and those inside links."""

    kept: dict[int, set[int]]
    links: dict[int, set[int]]
    blocks: dict[int, dict[int, int]]  # page -> MCID -> the block element (paragraph, heading…) holding it


def article_mcids(reader: Any) -> Article | None:
    """The marked content of the tagged article and its links; None when the PDF has no structure
    tree or no /Art element in it."""
    try:
        root = reader.trailer["/Root"].get("/StructTreeRoot")
    except (KeyError, AttributeError):
        return None
    if root is None:
        return None
    root = root.get_object()
    role_map = {str(k): str(v) for k, v in (root.get("/RoleMap") or {}).items()}
    kept: dict[int, set[int]] = {}
    links: dict[int, set[int]] = {}
    blocks: dict[int, dict[int, int]] = {}
    numbers = itertools.count()  # block elements are told apart by the order they are met in
    found_article = False

    def mark(page: int | None, mcid: object, keep: bool, link: bool, block: int) -> None:
        if page is not None and isinstance(mcid, int):
            blocks.setdefault(page, {})[mcid] = block
            if keep:
                kept.setdefault(page, set()).add(mcid)
            if link:
                links.setdefault(page, set()).add(mcid)

    def walk(node: Any, page: int | None, keep: bool, link: bool, block: int, depth: int) -> None:
        nonlocal found_article
        if depth > _MAX_DEPTH:
            return
        for kid in _kids(node):
            if isinstance(kid, int):
                mark(page, kid, keep, link, block)
                continue
            if not hasattr(kid, "get"):
                continue
            kid_page = kid.get("/Pg")
            kid_page = kid_page.idnum if hasattr(kid_page, "idnum") else page
            if kid.get("/Type") == "/MCR":
                mark(kid_page, kid.get("/MCID"), keep, link, block)
                continue
            if kid.get("/Type") == "/OBJR":
                continue
            role = str(kid.get("/S", ""))
            role = role_map.get(role, role)
            found_article = found_article or role in _KEEP_ROLES
            inside = keep or role in _KEEP_ROLES or role in _TITLE_ROLES
            kid_block = block if role in _INLINE_ROLES else next(numbers)
            walk(kid, kid_page, inside, link or role == "/Link", kid_block, depth + 1)

    walk(root, None, False, False, next(numbers), 0)
    return Article(kept, links, blocks) if found_article else None


def page_ids(reader: Any) -> list[int | None]:
    """The object number of each page, to look up :func:`article_mcids`."""
    return [_page_id(page) for page in reader.pages]
