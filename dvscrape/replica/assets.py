"""The theme's static files, served like Liferay serves them: the theme stylesheet (whose ``url()`` references name
theme images and a web font), the barebone script, the ``/combo/`` endpoint that concatenates the modules named in
its query, icons, the favicon and the company logo. Small and fixed, so a re-crawl finds them unchanged."""

from __future__ import annotations

from urllib.parse import unquote

from dvscrape.replica.media import png_bytes

# Relative references resolve against /neoportal-theme/css/; one is absolute, as theme authors mix both.
STYLESHEET = """@font-face{font-family:"Neoportal";src:url("../fonts/neoportal.woff") format("woff")}
body{font-family:Neoportal,Arial,Helvetica,sans-serif;color:#333;margin:0}
html{background:#f4f4f4 url(../images/body-bg.png) repeat-x}
#banner{background:#b71c1c url('../images/banner-bg.png') no-repeat right top;color:#fff}
#banner .chu-de-nam{background:#fbe9e7;color:#b71c1c;padding:4px 12px}
#navigation ul{list-style:none;margin:0;padding:0}#navigation li{display:inline-block}
#navigation li.selected a{background:#7f0000}#navigation a{color:#fff;padding:8px 12px;display:block}
.portlet-topper{border-bottom:2px solid #b71c1c;background:url(/neoportal-theme/images/portlet-topper.png) repeat-x}
.portlet-title{font-size:16px;margin:0}
.hide-accessible,.helper-hidden-accessible{position:absolute;left:-9999px}
.journal-content-article img{max-width:100%;height:auto}.asset-metadata{color:#777;font-size:12px}
.pager li{display:inline-block;margin-right:6px}.pager .disabled a{color:#aaa}
#wrapper{max-width:1100px;margin:0 auto;background:#fff}
.row-fluid{display:flex}.sidebar-left,.sidebar-right{width:22%;padding:8px}.main-column{width:56%;padding:8px}
#footer{background:#7f0000;color:#fff;padding:12px}
"""
SCRIPT = """var Liferay = Liferay || {};
Liferay.ThemeDisplay = {getLanguageId: function () { return document.documentElement.lang.replace('-', '_'); }};
"""
# Modules the /combo/ endpoint knows, by the path named in its query.
COMBO_MODULES = {
    "/html/js/aui/aui/aui-min.js": "var AUI = AUI || function () { return {use: function () {}}; };\n",
    "/html/js/liferay/modules.js": "Liferay.Modules = {version: '6.2.5'};\n",
    "/html/js/liferay/portlet.js": "Liferay.Portlet = {ready: function () {}};\n",
}
# Bytes of a WOFF font are not checked by browsers until used; a fixed signature and padding are enough here.
FONT = b"wOFF" + bytes(range(256)) * 4
FAVICON = png_bytes(16, 16, (183, 28, 28))


def combo_body(query: str) -> bytes | None:
    """The concatenation of the modules a ``/combo/?…&/path&/path`` query names, or None when one is unknown."""
    paths = [unquote(part) for part in query.split("&") if part.startswith("/")]
    if not paths or any(path not in COMBO_MODULES for path in paths):
        return None
    return "".join(COMBO_MODULES[path] for path in paths).encode("utf-8")


def theme_asset(target: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a theme file by its path (and query, for ``/combo/``), or None when unknown."""
    path, _, query = target.partition("?")
    if path.rstrip("/") == "/combo":
        body = combo_body(query)
        return None if body is None else ("text/javascript;charset=UTF-8", body)
    if path.startswith("/neoportal-theme/css/"):
        return "text/css;charset=UTF-8", STYLESHEET.encode("utf-8")
    if path.startswith("/neoportal-theme/fonts/") and path.endswith(".woff"):
        return "font/woff", FONT
    if path == "/neoportal-theme/images/favicon.ico":
        return "image/x-icon", FAVICON
    if path.startswith("/neoportal-theme/images/") and path.endswith(".png"):
        return "image/png", png_bytes(24, 24, (215, 204, 200))
    if path.startswith("/html/js/"):
        return "text/javascript;charset=UTF-8", SCRIPT.encode("utf-8")
    if path.startswith("/image/company_logo"):
        return "image/png", png_bytes(560, 90, (183, 28, 28))
    if path.endswith(".png"):
        return "image/png", png_bytes(16, 16, (120, 120, 120))
    return None
