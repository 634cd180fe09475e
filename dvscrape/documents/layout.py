"""Reading order of a page from positioned text segments: lines, two-column regions, table rows, and the running
headers and footers that repeat on every page (kept once).

Coordinates are PDF points with y growing upwards (as pdfium gives them). A segment is a run of text on one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A horizontal gap between two segments of one line wider than this many times the line's height separates cells
# or columns (spaces between words are about a third of the height).
GAP_FACTOR = 1.6
# A vertical gap between lines larger than this many times the line height starts a new paragraph.
PARAGRAPH_FACTOR = 1.75
# Running headers and footers are looked for in this share of the page height at the top and at the bottom.
MARGIN_SHARE = 0.09


@dataclass
class Segment:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)


@dataclass
class Line:
    segments: list[Segment]

    @property
    def top(self) -> float:
        return max(s.y1 for s in self.segments)

    @property
    def bottom(self) -> float:
        return min(s.y0 for s in self.segments)

    @property
    def height(self) -> float:
        return max(s.height for s in self.segments)

    def parts(self) -> list[list[Segment]]:
        """The line cut at wide gaps: cells of a table row, or the halves of a two-column line."""
        ordered = sorted(self.segments, key=lambda s: s.x0)
        parts: list[list[Segment]] = [[ordered[0]]]
        for segment in ordered[1:]:
            previous = parts[-1][-1]
            if segment.x0 - previous.x1 > GAP_FACTOR * self.height:
                parts.append([segment])
            else:
                parts[-1].append(segment)
        return parts


def _join(segments: list[Segment]) -> str:
    text = ""
    previous: Segment | None = None
    for segment in sorted(segments, key=lambda s: s.x0):
        piece = segment.text.strip()
        if not piece:
            continue
        if (
            previous is not None
            and text
            and not text.endswith(" ")
            and segment.x0 - previous.x1 > 0.15 * segment.height
        ):
            text += " "
        text += piece
        previous = segment
    return text


def group_lines(segments: list[Segment]) -> list[Line]:
    """Segments grouped into lines (vertical centres inside one another's extent), top of the page first."""
    lines: list[Line] = []
    for segment in sorted(segments, key=lambda s: (-s.y1, s.x0)):
        if not segment.text.strip():
            continue
        centre = (segment.y0 + segment.y1) / 2
        for line in reversed(lines[-3:]):
            if line.bottom <= centre <= line.top:
                line.segments.append(segment)
                break
        else:
            lines.append(Line([segment]))
    return lines


def _region_text(rows: list[tuple[str, float, float]]) -> list[str]:
    out: list[str] = []
    previous_bottom: float | None = None
    for text, top, height in rows:
        if previous_bottom is not None and previous_bottom - top > PARAGRAPH_FACTOR * height - height:
            out.append("")
        out.append(text)
        previous_bottom = top - height
    return out


def order_lines(lines: list[Line]) -> list[str]:
    """The page's text lines in reading order (blank strings between paragraphs).

    A line cut into three or more cells is a table row (cells joined by tabs). Consecutive lines cut into two parts
    at the same place, with the lines between them on one side or the other, form a two-column region: its left
    column is read before its right one. A line that crosses the gutter ends the region.
    """
    out: list[str] = []
    region: list[Line] = []
    gutter: tuple[float, float] | None = None

    def flush() -> None:
        nonlocal region, gutter
        if gutter is None:
            return
        left: list[tuple[str, float, float]] = []
        right: list[tuple[str, float, float]] = []
        for line in region:
            for side, segments in (
                (left, [s for s in line.segments if s.x1 <= gutter[0] + 0.5]),
                (right, [s for s in line.segments if s.x0 >= gutter[1] - 0.5]),
            ):
                if segments:
                    side.append((_join(segments), line.top, line.height))
        if out and out[-1] != "":
            out.append("")
        out.extend(_region_text(left))
        out.append("")
        out.extend(_region_text(right))
        out.append("")
        region, gutter = [], None

    rows: list[tuple[str, float, float]] = []
    for line in lines:
        parts = line.parts()
        if gutter is not None:
            crosses = any(s.x0 < gutter[1] - 0.5 and s.x1 > gutter[0] + 0.5 for s in line.segments)
            if not crosses and len(parts) <= 2:
                region.append(line)
                continue
            if len(parts) == 2:
                gap = (max(s.x1 for s in parts[0]), min(s.x0 for s in parts[1]))
                narrowed = (max(gutter[0], gap[0]), min(gutter[1], gap[1]))
                if narrowed[1] - narrowed[0] >= 0.5 * line.height:
                    gutter = narrowed
                    region.append(line)
                    continue
            flush()
        if len(parts) == 2:
            out.extend(_region_text(rows))
            rows = []
            gutter = (max(s.x1 for s in parts[0]), min(s.x0 for s in parts[1]))
            region = [line]
            continue
        text = "\t".join(_join(cells) for cells in parts) if len(parts) >= 3 else _join(line.segments)
        rows.append((text, line.top, line.height))
    flush()
    out.extend(_region_text(rows))
    while out and out[-1] == "":
        out.pop()
    return out


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def drop_running_lines(pages: list[tuple[list[Line], float]]) -> list[list[Line]]:
    """Lines of each page with the running headers and footers (lines near the top or bottom edge that recur, digits
    aside, on more than half the pages) kept on the first page only."""
    if len(pages) < 2:
        return [lines for lines, _ in pages]
    counts: dict[str, int] = {}
    marginal: list[set[str]] = []
    for lines, height in pages:
        keys = {
            _running_key(_join(line.segments))
            for line in lines
            if line.top >= height * (1 - MARGIN_SHARE) or line.bottom <= height * MARGIN_SHARE
        }
        marginal.append(keys)
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    running = {key for key, count in counts.items() if count >= 2 and count * 2 > len(pages)}
    result: list[list[Line]] = []
    for index, (lines, height) in enumerate(pages):
        if index == 0:
            result.append(lines)
            continue
        result.append(
            [
                line
                for line in lines
                if not (
                    _running_key(_join(line.segments)) in running
                    and (line.top >= height * (1 - MARGIN_SHARE) or line.bottom <= height * MARGIN_SHARE)
                )
            ]
        )
    return result
