"""Save pages of the replica portal as golden inputs (one per markup case the corpus has), with their index entries.

Run by hand (``.venv/bin/python tests/golden/save_replica_pages.py``) when the replica's markup changes, then
regenerate the expected JSON with DVSCRAPE_REGEN_GOLDEN=1 and review the diff. The replica is served on a fixed
loopback port so that the saved HTML (canonical links, absolute URLs) is the same on every run.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

PAGES = Path(__file__).parent / "pages"
PORT = 18765
BASE = f"http://127.0.0.1:{PORT}"


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback replica only
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as error:  # the not-found page is saved with its body
        body: bytes = error.read()
        return body


def _link(href: str) -> str:
    """A replica link as a browser would request it: entities decoded, the redirect slot filled."""
    return href.replace("&amp;", "&").replace("\x00CUR\x00", "%2Fweb%2Fneoportal%2Ftin-tuc-su-kien")


def _first(corpus: Any, test: Callable[[Any], bool]) -> Any:
    return next(article for article in corpus.articles if test(article))


def _context(article: Any, with_listing: bool) -> dict[str, Any]:
    context: dict[str, Any] = {"sitemap_lastmod": article.modified.isoformat()}
    if with_listing:
        context["listing_date"] = article.published.date().isoformat()
        context["listing_categories"] = [article.category_name]
    return context


def main() -> None:
    """Start the replica, save each chosen page and merge the index entries."""
    from dvscrape.replica import start_replica
    from dvscrape.replica.model import Bullets, FileLink, SeeAlso
    from dvscrape.replica.urls import asset_publisher_link, maximized_link, print_link

    with start_replica(port=PORT, articles=400, slow_delay=0.0) as running:
        corpus = running.corpus
        categories = {category.path: category for category in corpus.categories}

        def has(kind: type) -> Callable[[Any], bool]:
            return lambda a: any(isinstance(e, kind) for e in a.elements)

        chosen: dict[str, tuple[str, Any, bool]] = {}
        seed = corpus.article(corpus.seed_url_title)
        chosen["replica_seed_article"] = (seed.path, seed, False)
        picks: dict[str, Callable[[Any], bool]] = {
            "replica_caption_plain": lambda a: a.style.caption == "plain" and any(f.caption for f in a.figures),
            "replica_caption_figure": lambda a: a.style.caption == "figure" and any(f.caption for f in a.figures),
            "replica_caption_table": lambda a: a.style.caption == "table" and any(f.caption for f in a.figures),
            "replica_caption_two_lines": lambda a: any(len(getattr(e, "caption_lines", ())) == 2 for e in a.elements),
            "replica_photo_without_caption": lambda a: any(not f.caption for f in a.figures),
            "replica_heading_h3_list": lambda a: a.style.heading_tag == "h3" and has(Bullets)(a),
            "replica_heading_strong_list": lambda a: a.style.heading_tag == "strong" and has(Bullets)(a),
            "replica_attachment": has(FileLink),
            "replica_see_also": has(SeeAlso),
            "replica_signature_right": lambda a: a.style.signature == "right",
            "replica_signature_upper": lambda a: a.style.signature == "upper",
            "replica_nbsp_font_spans": lambda a: a.style.nbsp,
        }
        for name, test in picks.items():
            article = _first(corpus, test)
            chosen[name] = (article.path, article, False)
        hidden = _first(corpus, lambda a: not a.show_date_in_metadata and a.blocks[0].text.startswith("Ngày"))
        chosen["replica_date_hidden_listing_context"] = (hidden.path, hidden, True)
        chosen["replica_date_hidden_sitemap_only"] = (hidden.path, hidden, False)
        sample = corpus.articles[7]
        category = categories[sample.category_path]
        chosen["replica_en_us"] = (f"/en_US{sample.path}", sample, False)
        chosen["replica_maximized"] = (_link(maximized_link("", category, sample)), sample, False)
        chosen["replica_print"] = (_link(print_link("", category, sample, "vi_VN")), sample, False)
        chosen["replica_asset_publisher_url"] = (
            _link(asset_publisher_link("", category, sample.url_title)),
            sample,
            False,
        )

        index: dict[str, dict[str, Any]] = {}
        for name, (path, article, with_listing) in chosen.items():
            url = BASE + path
            (PAGES / f"{name}.html").write_bytes(_fetch(url))
            index[name] = {"url": url, "base_url": BASE, "context": _context(article, with_listing)}
        for name, path in (
            ("replica_listing_abstracts", "/web/neoportal/tin-tuc-su-kien"),
            ("replica_listing_title_list", "/web/neoportal/kinh-te-xa-hoi"),
            ("replica_home", "/web/neoportal/trang-chu"),
            ("replica_static_page", "/web/neoportal/gioi-thieu"),
            ("replica_not_found", "/web/neoportal/-/bai-viet-khong-ton-tai"),
        ):
            (PAGES / f"{name}.html").write_bytes(_fetch(BASE + path))
            index[name] = {"url": BASE + path, "base_url": BASE, "context": {}}

    index_path = PAGES / "index.json"
    merged = json.loads(index_path.read_text(encoding="utf-8"))
    merged.update(index)
    index_path.write_text(json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for name in sorted(index):
        print(name, index[name]["url"])


if __name__ == "__main__":
    main()
