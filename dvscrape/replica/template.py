"""Pages rendered once, filled per request: literal UTF-8 chunks with named slots between them.

A page depends on the request only through a few values (the current URL in ``redirect`` parameters, the back link,
the canonical URL, the view counter). Rendering puts ``slot(name)`` markers there; :meth:`Template.fill` joins the
cached bytes with the request's values, which is what lets the replica serve hundreds of pages a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MARK = "\x00"


def slot(name: str) -> str:
    """The marker of a slot named ``name`` inside rendered HTML."""
    return f"{MARK}{name}{MARK}"


@dataclass(frozen=True)
class Template:
    """Literal chunks (bytes) alternating with slot names (str)."""

    parts: tuple[bytes | str, ...]

    @classmethod
    def compile(cls, html: str) -> Template:
        """Split rendered HTML at its slot markers."""
        pieces = html.split(MARK)
        if len(pieces) % 2 == 0:
            raise ValueError("unbalanced slot marker in rendered page")
        return cls(tuple(piece.encode("utf-8") if index % 2 == 0 else piece for index, piece in enumerate(pieces)))

    def fill(self, values: Mapping[str, str]) -> bytes:
        """The page for one request; a slot without a value is left empty."""
        return b"".join(
            part if isinstance(part, bytes) else values.get(part, "").encode("utf-8") for part in self.parts
        )
