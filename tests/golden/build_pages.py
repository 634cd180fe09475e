"""Build the hand-made golden pages: the seed article in each markup variant of the portal family.

Run by hand (``.venv/bin/python tests/golden/build_pages.py``) after changing a variant; the HTML files are
committed and the tests read only them. The article is the real seed page's text (shipped in the package as
dvscrape/replica/data/seed_article.txt); the markup follows Liferay 6.2 core (portlet decorator, taglib header,
asset publisher full content, asset metadata) inside a plausible custom theme, with one knob per variant the extractor
must survive.
"""

from __future__ import annotations

import html
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dvscrape.replica.seed import read_seed_text

HERE = Path(__file__).parent
PAGES = HERE / "pages"
BASE = "https://tanbinh.hochiminhcity.gov.vn"
URL_TITLE = (
    "quan-tan-binh-tang-cuong-phoi-hop-giua-ban-dan-van-quan-uy-va-uy-ban-nhan-dan-quan-trong-cong-tac-dan-van-nam-2023"
)
TITLE = (
    "QUẬN TÂN BÌNH: TĂNG CƯỜNG PHỐI HỢP GIỮA BAN DÂN VẬN QUẬN ỦY VÀ ỦY BAN NHÂN DÂN QUẬN TRONG CÔNG TÁC DÂN VẬN"
    " NĂM 2023"
)
BANNER = (
    "Chủ đề năm 2023: Nâng cao hiệu quả hoạt động công vụ, đẩy mạnh cải cách hành chính và cải thiện môi trường"
    " đầu tư; thúc đẩy phát triển kinh tế; đảm bảo an sinh xã hội"
)
SIGNATURE = "BAN DÂN VẬN QUẬN ỦY."


def seed_paragraphs() -> list[str]:
    """The article's text lines from the seed file, in page order (boilerplate lines excluded)."""
    lines = [line.strip() for line in read_seed_text().split("\n") if line.strip()]
    start = lines.index(TITLE) + 1
    end = lines.index(SIGNATURE)
    return lines[start:end]


@dataclass(frozen=True)
class Variant:
    """One markup variant of the seed page."""

    name: str
    locale: str = "vi"  # "vi" (no prefix) or "en_US"
    decorated: bool = True
    view: str = "asset-publisher"  # asset-publisher | web-content | maximized | print
    liferay7: bool = False
    caption: str = "italic"  # italic | center | figcaption | table
    signature: str = "bold-right"  # bold-right | bold | right | upper
    nfd: bool = False
    encoding: str = "utf-8"
    broken: bool = False
    date_in_metadata: bool = True


def _img(n: int) -> str:
    return f"/documents/20182/0/hn{n}.jpg/5f1c2d3e-000{n}-4a5b-8c9d-0e1f2a3b4c5d?t=167957{n}000000"


def _figure(variant: Variant, n: int, caption_lines: list[str]) -> str:
    src = _img(n)
    alt = f"Ảnh {n}"
    caption = "<br />".join(html.escape(line) for line in caption_lines)
    if variant.caption == "figcaption":
        return f'<figure class="image"><img alt="{alt}" src="{src}" /><figcaption>{caption}</figcaption></figure>'
    if variant.caption == "table":
        return (
            '<table align="center" border="0" cellpadding="1" cellspacing="1" style="width:500px"><tbody>'
            f'<tr><td><img alt="{alt}" src="{src}" style="width:600px" /></td></tr>'
            f'<tr><td style="text-align:center">{caption}</td></tr></tbody></table>'
        )
    image = f'<p style="text-align:center"><img alt="{alt}" src="{src}" style="width:600px; height:400px" /></p>'
    if variant.caption == "center":
        return image + f'<p style="text-align:center">{caption}</p>'
    return image + f'<p style="text-align:center"><em>{caption}</em></p>'


def _signature(variant: Variant) -> str:
    text = html.escape(SIGNATURE)
    return {
        "bold-right": f'<p style="text-align:right"><strong>{text}</strong></p>',
        "bold": f"<p><strong>{text}</strong></p>",
        "right": f'<p style="text-align:right">{text}</p>',
        "upper": f"<p>{text}</p>",
    }[variant.signature]


def article_html(variant: Variant) -> str:
    """The editor's HTML of the seed article (inside div.journal-content-article)."""
    lines = seed_paragraphs()
    # lines: p1, cap1, p2, p3, cap2a, cap2b, p4, cap3, p5, cap4
    p = [lines[0], lines[2], lines[3], lines[6], lines[8]]
    justify = ' style="text-align:justify"'
    para = [f"<p{justify}>{html.escape(text)}</p>" for text in p]
    if variant.broken:
        # unclosed <p>, a stray </div>, <b> closed out of order, a bare text run in a <div>
        para[1] = f"<p{justify}>{html.escape(p[1])}"
        para[2] = f"<div><b><i>{html.escape(p[2][:40])}</b>{html.escape(p[2][40:])}</i></div></div>"
    parts = [
        para[0],
        _figure(variant, 1, [lines[1]]),
        para[1],
        para[2],
        _figure(variant, 2, [lines[4], lines[5]]),
        para[3],
        _figure(variant, 3, [lines[7]]),
        para[4],
        _figure(variant, 4, [lines[9]]),
        _signature(variant),
    ]
    return "\n".join(parts)


def _portlet(variant: Variant, portlet_id: str, title: str, content: str, decorated: bool | None = None) -> str:
    decorated = variant.decorated if decorated is None else decorated
    css = "portlet-decorate" if decorated else "portlet-borderless"
    if variant.liferay7:
        header = (
            f'<header class="portlet-header"><h2 class="portlet-title-text">{html.escape(title)}</h2></header>'
            if decorated
            else ""
        )
        return (
            f'<div class="portlet-boundary portlet-boundary_{portlet_id.split("_")[0]}_ {css}" '
            f'id="p_p_id_{portlet_id}_"><span id="p_{portlet_id}"></span>'
            f'<section class="portlet" id="portlet_{portlet_id}">{header}'
            f'<div class="portlet-content"><div class="autofit-float portlet-content-editable">'
            f'<div class="portlet-body">{content}</div></div></div></section></div>'
        )
    if decorated:
        inner = (
            f'<section class="portlet" id="portlet_{portlet_id}"><header class="portlet-topper">'
            f'<h1 class="portlet-title"><span class="portlet-title-default">'
            f'<span class="taglib-icon-help"><img alt="" src="/neoportal-theme/images/spacer.png" />'
            f'<span class="taglib-text hide-accessible">{html.escape(title)}</span></span>'
            f'<span class="portlet-title-text">{html.escape(title)}</span></span></h1></header>'
            f'<div class="portlet-content"><div class="portlet-body">{content}</div></div></section>'
        )
    else:
        inner = f'<div class="portlet-borderless-container"><div class="portlet-body">{content}</div></div>'
    return (
        f'<div class="portlet-boundary portlet-boundary_{portlet_id.split("_")[0]}_ {css}" '
        f'id="p_p_id_{portlet_id}_"><span id="p_{portlet_id}"></span>{inner}</div>'
    )


def _asset_view(variant: Variant) -> str:
    back_label = "Back" if variant.locale == "en_US" else "Quay lại"
    prefix = "/en_US" if variant.locale == "en_US" else ""
    redirect = f"{prefix}/web/neoportal/tin-tuc-su-kien"
    header = ""
    if variant.view != "print":
        header = (
            f'<div class="taglib-header"><span class="header-back-to">'
            f'<a class="icon-circle-arrow-left previous-level" href="{redirect}"'
            ' id="_101_INSTANCE_u4WITwIcfjPS_TabsBack"'
            f' title="{back_label}"><span class="helper-hidden-accessible">{back_label}</span></a></span>'
        )
    else:
        header = '<div class="taglib-header">'
    tag = "h3" if not variant.liferay7 else "h4"
    cls = "header-title" if not variant.liferay7 else "component-title header-title"
    header += f'<{tag} class="{cls}"><span>{html.escape(TITLE)}</span></{tag}></div>'
    date = "23/03/2023" if variant.locale == "vi" else "3/23/23"
    views_label = "Lượt xem" if variant.locale == "vi" else "Views"
    related_label = "Các tài sản liên quan:" if variant.locale == "vi" else "Related Assets:"
    share = (
        '<div class="taglib-social-bookmarks" id="_101_socialBookmarks"><ul class="unstyled">'
        '<li class="taglib-social-bookmark-facebook"><a href="https://www.facebook.com/sharer.php?u=x">Facebook</a></li>'
        '<li class="taglib-social-bookmark-twitter"><a href="https://twitter.com/intent/tweet?url=x">Twitter</a></li>'
        "</ul></div>"
    )
    print_action = ""
    if variant.view == "print":
        print_action = (
            '<div class="asset-user-actions"><div class="print-action"><span class="lfr-icon-item taglib-icon">'
            '<a href="javascript:print();"><i class="icon-print"></i>'
            f'<span class="taglib-text">In <span class="hide-accessible">{html.escape(TITLE)}</span></span>'
            "</a></span></div></div>"
        )
    share_and_links = "" if variant.view == "print" else share
    related = (
        f'<div class="taglib-asset-links"><h2 class="asset-links-title"><i class="icon-link"></i>{related_label}</h2>'
        '<ul class="asset-links-list"><li class="asset-links-list-item">'
        '<a class="asset-links-list-item-link" href="/web/neoportal/-/hoi-dong-nghia-vu-phuong-10-to-chuc-hoi-nghi'
        '?inheritRedirect=true&amp;redirect=%2Fweb%2Fneoportal%2Ftrang-chu">'
        "Hội đồng nghĩa vụ Phường 10 tổ chức hội nghị</a></li></ul></div>"
    )
    metadata = ""
    if variant.date_in_metadata:
        metadata = (
            '<div class="asset-metadata">'
            f'<span class="metadata-entry metadata-publish-date"><i class="icon-calendar"></i> {date}</span>'
            f'<span class="metadata-entry metadata-view-count">1.234 {views_label}</span></div>'
        )
    return (
        header
        + '<div class="asset-full-content default-asset-publisher show-asset-title">'
        + print_action
        + '<div class="asset-content" id="_101_INSTANCE_u4WITwIcfjPS_40512">'
        + '<div class="journal-content-article">'
        + article_html(variant)
        + "</div>"
        + share_and_links
        + "<br />"
        + related
        + "</div>"
        + metadata
        + "</div>"
    )


def _web_content_view(variant: Variant) -> str:
    return '<div class="journal-content-article">' + article_html(variant) + "</div>"


def _sidebar(variant: Variant) -> str:
    featured = _portlet(
        variant,
        "101_INSTANCE_noibat01",
        "Tin tức nổi bật",
        '<ul class="title-list"><li class="title-list"><a href="/web/neoportal/-/ubnd-quan-tan-binh-to-chuc-hoi-nghi">'
        "UBND quận Tân Bình tổ chức hội nghị triển khai nhiệm vụ năm 2023</a></li>"
        '<li class="title-list"><a href="/web/neoportal/-/phuong-2-ra-quan-ve-sinh">Phường 2 ra quân vệ sinh môi trường'
        "</a></li></ul>",
        decorated=True,
    )
    categories = _portlet(
        variant,
        "122_INSTANCE_danhmuc1",
        "Danh mục",
        '<ul class="categories"><li><a href="/web/neoportal/tin-tuc-su-kien">Tin tức sự kiện</a></li>'
        '<li><a href="/web/neoportal/kinh-te-xa-hoi">Kinh tế - xã hội</a></li></ul>',
        decorated=True,
    )
    return featured + categories


def page_html(variant: Variant) -> str:
    """The whole page of the seed article in *variant*'s markup."""
    prefix = "/en_US" if variant.locale == "en_US" else ""
    lang = "en-US" if variant.locale == "en_US" else "vi-VN"
    if variant.view == "web-content":
        main = _portlet(variant, "56_INSTANCE_bAiViEt01", TITLE, _web_content_view(variant))
        page_title = f"{TITLE} - Tin tức sự kiện - Cổng thông tin điện tử quận Tân Bình"
    else:
        main = _portlet(variant, "101_INSTANCE_u4WITwIcfjPS", "Tin tức sự kiện", _asset_view(variant))
        page_title = f"{TITLE} - Tin tức sự kiện - Cổng thông tin điện tử quận Tân Bình"
    canonical = f"{BASE}/web/neoportal/-/{URL_TITLE}?inheritRedirect=true"
    head = (
        f'<!DOCTYPE html><html class="ltr" dir="ltr" lang="{lang}"><head>'
        f'<meta content="text/html; charset={variant.encoding}" http-equiv="content-type" />'
        f"<title>{html.escape(page_title)}</title>"
        f'<link href="{canonical}" rel="canonical" />'
        f'<link href="{BASE}/en_US/web/neoportal/-/{URL_TITLE}" hreflang="en-US" rel="alternate" />'
        '<link href="/neoportal-theme/css/main.css" rel="stylesheet" type="text/css" />'
        "<script>var Liferay = {};</script></head>"
    )
    if variant.view == "print" or variant.view == "maximized":
        body = f'<body class="portal-popup"><div id="content"><div class="columns-max">{main}</div></div></body>'
        return head + body + "</html>"
    body = (
        '<body class="yui3-skin-sam controls-visible guest-site signed-out public-page site">'
        '<a href="#main-content" id="skip-to-content">Skip to Content</a>'
        '<div class="container-fluid" id="wrapper"><header id="banner" role="banner">'
        f'<div class="theme-banner"><marquee>{html.escape(BANNER)}</marquee></div>'
        '<nav class="sort-pages modify-pages navbar site-navigation" id="navigation" role="navigation"><ul>'
        f'<li><a href="{prefix}/web/neoportal/trang-chu"><span>Trang chủ</span></a></li>'
        f'<li class="selected"><a href="{prefix}/web/neoportal/tin-tuc-su-kien"><span>Tin tức sự kiện</span></a></li>'
        "</ul></nav></header>"
        '<div id="content"><ul class="breadcrumb breadcrumb-horizontal">'
        f'<li class="first"><a href="{prefix}/web/neoportal/trang-chu">Trang chủ</a></li>'
        f'<li><a href="{prefix}/web/neoportal/tin-tuc-su-kien">Tin tức sự kiện</a></li></ul>'
        '<div class="columns-2" id="main-content" role="main"><div class="portlet-layout row-fluid">'
        f'<div class="portlet-column span8" id="column-1">{main}</div>'
        f'<div class="portlet-column span4" id="column-2">{_sidebar(variant)}'
        + _portlet(
            variant,
            "101_INSTANCE_media0001",
            "TIN TỨC MEDIA",
            '<div class="asset-abstract"><h3 class="asset-title"><a href="/web/neoportal/-/video-hoi-nghi">'
            "Video: hội nghị dân vận</a></h3></div>",
            decorated=True,
        )
        + "</div></div></div></div>"
        '<footer id="footer" role="contentinfo"><p>Cổng thông tin điện tử quận Tân Bình. '
        "Địa chỉ: 387A Trường Chinh, Phường 14, quận Tân Bình.</p></footer></div></body></html>"
    )
    return head + body


VARIANTS: tuple[Variant, ...] = (
    Variant("seed_vi_asset_publisher"),
    Variant("seed_en_us_asset_publisher", locale="en_US"),
    Variant("seed_borderless", decorated=False),
    Variant("seed_web_content_display", view="web-content"),
    Variant("seed_web_content_display_borderless", view="web-content", decorated=False),
    Variant("seed_maximized", view="maximized"),
    Variant("seed_print", view="print"),
    Variant("seed_liferay7", liferay7=True),
    Variant("seed_liferay7_web_content_display", liferay7=True, view="web-content"),
    Variant("seed_captions_centered", caption="center"),
    Variant("seed_captions_figcaption", caption="figcaption"),
    Variant("seed_captions_table", caption="table"),
    Variant("seed_signature_bold", signature="bold"),
    Variant("seed_signature_right", signature="right"),
    Variant("seed_signature_upper", signature="upper"),
    Variant("seed_nfd", nfd=True),
    Variant("seed_windows_1258", encoding="windows-1258"),
    Variant("seed_broken_nesting", broken=True),
    Variant("seed_date_in_body_only", date_in_metadata=False),
)


def url_of(variant: Variant) -> str:
    """The URL the variant page is saved as having been fetched from."""
    prefix = "/en_US" if variant.locale == "en_US" else ""
    query = "?inheritRedirect=true&redirect=%2Fweb%2Fneoportal%2Ftin-tuc-su-kien"
    if variant.view == "maximized":
        query += "&p_p_state=maximized"
    if variant.view == "print":
        query += "&viewMode=print&p_p_state=pop_up"
    return f"{BASE}{prefix}/web/neoportal/-/{URL_TITLE}{query}"


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: vowels with ^ ˘ ơ ư precomposed, tone marks as combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def write_variant(variant: Variant) -> Path:
    """Write one variant's HTML (bytes in its encoding) and return the path."""
    text = page_html(variant)
    if variant.nfd:
        text = unicodedata.normalize("NFD", text)
    data = to_cp1258(text) if variant.encoding == "windows-1258" else text.encode()
    path = PAGES / f"{variant.name}.html"
    path.write_bytes(data)
    return path


def update_index(entries: dict[str, dict[str, object]]) -> None:
    """Merge *entries* (page name → url and context) into pages/index.json, keeping hand-written entries."""
    index_path = PAGES / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}
    index.update(entries)
    index_path.write_text(json.dumps(index, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    PAGES.mkdir(parents=True, exist_ok=True)
    built: dict[str, dict[str, object]] = {}
    for item in VARIANTS:
        print(write_variant(item))
        context: dict[str, object] = {}
        if not item.date_in_metadata:
            context["sitemap_lastmod"] = "2023-03-24T08:15:00+07:00"
        built[item.name] = {"url": url_of(item), "context": context}
    update_index(built)
