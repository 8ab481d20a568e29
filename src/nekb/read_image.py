"""Images (.png, .jpg, .jpeg, .tif, .tiff): OCR'd page by page (each frame of a TIFF is a page)."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import IngestError, NoTextError, short_reason
from .ocr import CachedOcr, confidence
from .ocr_layout import page_lines, page_title
from .pdf_layout import clean_pdf_pages
from .read_text import read_bytes
from .types import CleanDocument

if TYPE_CHECKING:
    from PIL import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_MAX_PIXELS = 100_000_000  # larger images are refused rather than risk running out of memory
_MAX_SIDE = 4000  # pixels; larger images are shrunk first (OCR works at about 2000 anyway)


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """Turn Pillow's complaints about a bad image into one-line IngestErrors naming the file."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except UnidentifiedImageError as err:
        raise IngestError(path, "not a readable image (unknown or corrupt format)") from err
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning) as err:
        raise IngestError(
            path, f"not a readable image ({short_reason(str(err) or type(err).__name__)})"
        ) from err


def _open(path: Path, data: bytes) -> Image.Image:
    """The image, its first frame decoded (so a corrupt file fails here); IngestError if unreadable."""
    from PIL import Image

    with _readable(path):
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > _MAX_PIXELS:
            raise IngestError(path, f"image too large ({image.width}×{image.height} pixels)")
        image.load()
        return image


def _frame(path: Path, image: Image.Image, index: int) -> Callable[[], Image.Image]:
    """A function giving frame ``index`` upright and at most _MAX_SIDE pixels on its long side.

    Frames are decoded one at a time, only when OCR needs them: a long TIFF never sits in memory.
    """

    def load() -> Image.Image:
        from PIL import ImageOps

        with _readable(path):
            image.seek(index)
            frame = ImageOps.exif_transpose(image.copy())  # phone photos are stored sideways
            frame.thumbnail((_MAX_SIDE, _MAX_SIDE))
            return frame

    return load


def read_image(path: Path, ocr: CachedOcr) -> CleanDocument:
    """OCR an image file into a cleaned document, one page per frame.

    Raises IngestError for empty or unreadable images and NoTextError when OCR finds no text.
    """
    data = read_bytes(path)
    if not data:
        raise IngestError(path, "empty file")
    image = _open(path, data)
    count = getattr(image, "n_frames", 1)
    digest = hashlib.sha256(data).hexdigest()
    try:
        found = ocr.pages(digest, {str(n + 1): _frame(path, image, n) for n in range(count)})
    except IngestError:
        raise
    except Exception as err:  # the OCR runtime failing on this image
        raise IngestError(path, f"OCR failed ({short_reason(str(err) or type(err).__name__)})") from err
    finally:
        image.close()
    pages = [found[str(n)] for n in range(1, count + 1)]
    texts = ["\n".join(page_lines(page)) for page in pages]
    blank = [n for n, text in enumerate(texts, start=1) if not text.strip()]
    if len(blank) == len(texts):
        where = "in the image" if len(texts) == 1 else f"on {len(texts)} pages"
        raise NoTextError(path, f"OCR found no text {where}")
    text, page_starts = clean_pdf_pages(texts)
    notes = (f"OCR found no text on page{'s' if len(blank) > 1 else ''} {', '.join(map(str, blank))}",)
    return CleanDocument(
        text=text,
        page_starts=page_starts,
        warnings=notes if blank else (),
        ocr_confidence=confidence(pages),
        title=page_title(pages[0]),
    )
