"""Turn an editor's draft into the HTML a Liferay journal article stores, and into the reader's transcription.

Real editors of district portals write with CKEditor: justified paragraphs, centred image paragraphs, a centred
(mostly italic) caption under each photo, sometimes a caption broken with <br>, a right-aligned signature, stray
``&nbsp;`` and font spans. Both outputs come from the same draft so the ground truth always matches the HTML.
"""

from __future__ import annotations

from html import escape

from dvscrape.replica.model import (
    Attachment,
    Block,
    Bullets,
    EditorStyle,
    Element,
    Figure,
    FileLink,
    Heading,
    Paragraph,
    Photo,
)

JUSTIFY = '<p style="text-align: justify;">'
CENTER = '<p style="text-align: center;">'
RIGHT = '<p style="text-align: right;">'
FONT_OPEN = '<span style="font-size:14px;"><span style="font-family:Arial,Helvetica,sans-serif;">'
FONT_CLOSE = "</span></span>"


def _text_html(text: str, style: EditorStyle) -> str:
    """Escape text; a messy editor leaves a non-breaking space after the first comma and at the end."""
    html = escape(text, quote=False)
    if style.nbsp:
        html = html.replace(", ", ",&nbsp;", 1) + "&nbsp;"
    return html


def _paragraph_html(inner: str, style: EditorStyle) -> str:
    if style.nbsp:
        inner = FONT_OPEN + inner + FONT_CLOSE
    return f"{JUSTIFY}{inner}</p>"


def _img_html(photo: Photo) -> str:
    return (
        f'<img alt="{escape(photo.alt)}" src="{escape(photo.src)}" '
        f'style="width: {photo.width}px; height: {photo.height}px;" />'
    )


def _caption_html(photo: Photo) -> str:
    return "<br />\n".join(escape(line, quote=False) for line in photo.caption_lines)


def _photo_html(photo: Photo, style: EditorStyle) -> str:
    image = _img_html(photo)
    caption = _caption_html(photo)
    if style.caption == "figure":
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'<figure class="image" style="text-align: center;">{image}{figcaption}</figure>'
    if style.caption == "table":
        rows = f"<tr>\n<td>{image}</td>\n</tr>\n"
        if caption:
            rows += f'<tr>\n<td style="text-align: center;"><em>{caption}</em></td>\n</tr>\n'
        return (
            '<table align="center" border="0" cellpadding="1" cellspacing="1" '
            f'style="width: {photo.width}px;">\n<tbody>\n{rows}</tbody>\n</table>'
        )
    html = f"{CENTER}{image}</p>"
    if caption:
        inner = f"<em>{caption}</em>" if style.caption == "em" else caption
        html += f"\n{CENTER}{inner}</p>"
    return html


def _signature_html(signature: str, style: EditorStyle) -> str:
    text = escape(signature, quote=False)
    if style.signature == "bold_right":
        return f"{RIGHT}<strong>{text}</strong></p>"
    if style.signature == "right":
        return f"{RIGHT}{text}</p>"
    return f"<p>{text}</p>"


def element_html(element: Element, style: EditorStyle) -> str:
    """The HTML of one draft element as this editor writes it."""
    if isinstance(element, Paragraph):
        return _paragraph_html(_text_html(element.text, style), style)
    if isinstance(element, Heading):
        if style.heading_tag == "h3":
            return f"<h3>{escape(element.text, quote=False)}</h3>"
        return f"{JUSTIFY}<strong>{escape(element.text, quote=False)}</strong></p>"
    if isinstance(element, Bullets):
        items = "".join(f"\n\t<li>{escape(item, quote=False)}</li>" for item in element.items)
        return f"<ul>{items}\n</ul>"
    if isinstance(element, Photo):
        return _photo_html(element, style)
    if isinstance(element, FileLink):
        link = f'<a href="{escape(element.path)}">{escape(element.label, quote=False)}</a>'
        return f"{JUSTIFY}{escape(element.lead, quote=False)} {link}</p>"
    link = f'<a href="{escape(element.href)}">{escape(element.label, quote=False)}</a>'
    return f"{JUSTIFY}<em>{escape(element.lead, quote=False)} {link}</em></p>"


def body_html(elements: tuple[Element, ...], signature: str, style: EditorStyle) -> str:
    """The article content HTML as stored by the journal (what ``div.journal-content-article`` holds)."""
    parts = [element_html(element, style) for element in elements]
    if style.nbsp:
        parts.append("<p>&nbsp;</p>")
    if signature:
        parts.append(_signature_html(signature, style))
    return "\n\n".join(parts)


def transcribe(elements: tuple[Element, ...]) -> tuple[tuple[Block, ...], tuple[Figure, ...], tuple[Attachment, ...]]:
    """What a reader copies from the draft: body blocks, figures with one-line captions, linked documents. The
    'Tải về: <document>' and 'Xem thêm: <title>' lines are navigation, not prose: no body block."""
    blocks: list[Block] = []
    figures: list[Figure] = []
    attachments: list[Attachment] = []
    for element in elements:
        if isinstance(element, Paragraph):
            blocks.append(Block("paragraph", element.text))
        elif isinstance(element, Heading):
            blocks.append(Block("heading", element.text))
        elif isinstance(element, Bullets):
            blocks.append(Block("list", "\n".join(element.items)))
        elif isinstance(element, Photo):
            figures.append(Figure(element.src, element.alt, " ".join(element.caption_lines)))
        elif isinstance(element, FileLink):  # navigation, not prose: the document is an attachment
            attachments.append(Attachment(element.path, element.filename, element.content_type))
        # a SeeAlso line is navigation too: its link is a related link, the body keeps none of it
    return tuple(blocks), tuple(figures), tuple(attachments)
