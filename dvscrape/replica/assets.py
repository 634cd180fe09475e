"""The theme's static files (stylesheet, script, icons, logo): small, fixed, served like Liferay serves them."""

from __future__ import annotations

from dvscrape.replica.media import png_bytes

STYLESHEET = """body{font-family:Arial,Helvetica,sans-serif;color:#333;margin:0}
#banner{background:#b71c1c;color:#fff}#banner .chu-de-nam{background:#fbe9e7;color:#b71c1c;padding:4px 12px}
#navigation ul{list-style:none;margin:0;padding:0}#navigation li{display:inline-block}
#navigation li.selected a{background:#7f0000}#navigation a{color:#fff;padding:8px 12px;display:block}
.portlet-topper{border-bottom:2px solid #b71c1c}.portlet-title{font-size:16px;margin:0}
.hide-accessible,.helper-hidden-accessible{position:absolute;left:-9999px}
.journal-content-article img{max-width:100%;height:auto}.asset-metadata{color:#777;font-size:12px}
.pager li{display:inline-block;margin-right:6px}.pager .disabled a{color:#aaa}
#footer{background:#7f0000;color:#fff;padding:12px}
"""
SCRIPT = """var Liferay = Liferay || {};
Liferay.ThemeDisplay = {getLanguageId: function () { return document.documentElement.lang.replace('-', '_'); }};
"""


def theme_asset(path: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a theme file, or None when the path names no known file."""
    if path.startswith("/neoportal-theme/css/"):
        return "text/css;charset=UTF-8", STYLESHEET.encode("utf-8")
    if path.startswith("/html/js/"):
        return "text/javascript;charset=UTF-8", SCRIPT.encode("utf-8")
    if path.startswith("/image/company_logo"):
        return "image/png", png_bytes(560, 90, (183, 28, 28))
    if path.endswith(".png"):
        return "image/png", png_bytes(16, 16, (120, 120, 120))
    return None
