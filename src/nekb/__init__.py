"""nekb: an offline, cited knowledge base over Chinese documents about Northeast China."""

from .build import BuildReport
from .errors import (
    IndexDamagedError,
    IndexMissingError,
    InputError,
    LockedError,
    ModelMismatchError,
    NekbError,
    NotFoundError,
)
from .ingest import IngestError
from .kb import KnowledgeBase
from .types import Answer, Chunk, Claim, DocumentInfo, Fact, Hit, RelatedFact

__all__ = [
    "Answer",
    "BuildReport",
    "Chunk",
    "Claim",
    "DocumentInfo",
    "Fact",
    "Hit",
    "IndexDamagedError",
    "IndexMissingError",
    "IngestError",
    "InputError",
    "KnowledgeBase",
    "LockedError",
    "ModelMismatchError",
    "NekbError",
    "NotFoundError",
    "RelatedFact",
]
