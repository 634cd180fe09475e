"""ProfileChecks: a profile's mistakes caught in the first minute of a crawl instead of after a night of it.

Two checks, each deciding once:
- the start pages (home page and page 1 of every listing) link no article at all, as the profile classifies links:
  the site path, the article separator or the listing paths are wrong;
- the first articles (FIRST_ARTICLES, fewer under a max_articles limit) all extract without a body found by the
  profile's selectors (no article view and only the generic fallback, a view without its body element, no text, or
  not an article at all): the article selectors do not fit the portal's theme.
Either one stops the crawl with the close reason PROFILE_MISTAKE_REASON (runs/outcome.py: bad configuration, exit
code 2) and a one-line message. A check that cannot judge (a start page unchanged since the last run, answered 304)
stays silent. No Scrapy import here: the spider feeds it and acts on its verdict.
"""

from __future__ import annotations

from dvscrape.pages.article import Article, NotArticle
from dvscrape.sites.profile import SiteProfile

FIRST_ARTICLES = 5
# The close reason of a crawl stopped because its site profile is wrong, and the stat that holds the message.
PROFILE_MISTAKE_REASON = "profile_mistake"
PROFILE_MISTAKE_STAT = "dvscrape/profile_mistake"
# Templates and flags of an extraction that did not find the article where the profile says it is.
_FALLBACK_TEMPLATES = frozenset({"generic"})
_MISSED_FLAGS = frozenset({"body-without-journal-content", "empty-body"})


class ProfileChecks:
    """Counts what the start pages and the first articles showed; says what is wrong once it is sure."""

    def __init__(self, profile: SiteProfile, max_articles: int = 0) -> None:
        self.profile = profile
        self.first_articles = min(FIRST_ARTICLES, max_articles) if max_articles else FIRST_ARTICLES
        self.start_pending = 0
        self.start_read = 0
        self.start_missing = 0
        self.start_article_links = 0
        self.start_inconclusive = False
        self.good_articles = 0
        self.bad_articles: list[str] = []
        self.mistake = ""

    @property
    def where(self) -> str:
        """The profile as a message names it."""
        return f"profile {self.profile.name!r} ({self.profile.source or 'built in code'})"

    def start_page_requested(self) -> None:
        """A start page was scheduled."""
        self.start_pending += 1

    def start_page_done(self, *, status: int | None, article_links: int = 0, unchanged: bool = False) -> str:
        """A start page answered with *status* (None: no answer at all) and linked *article_links* articles; the
        mistake found, or "". Pages that answered 404/410 count as read: the profile names pages the portal lacks.
        Pages that got no answer or a server error judge nothing (the site's trouble, not the profile's)."""
        self.start_pending = max(0, self.start_pending - 1)
        if status in (200, 404, 410):
            self.start_read += 1
            self.start_missing += int(status != 200)
        self.start_article_links += article_links
        self.start_inconclusive |= unchanged
        if self.mistake or self.start_pending or not self.start_read or self.start_inconclusive:
            return ""
        if self.start_article_links == 0:
            urls = self.profile.urls
            missing = f", {self.start_missing} of them answered 'not found'" if self.start_missing else ""
            self.mistake = (
                f"{self.where} finds no article links on its {self.start_read} start page(s) (home page and "
                f"listings{missing}): check site_path {urls.site_path!r}, home_path {urls.home_path!r}, "
                "listing_paths and trap_path_parts"
            )
        return self.mistake

    def article_extracted(self, url: str, result: Article | NotArticle) -> str:
        """One article page's extraction; the mistake found, or ""."""
        if self.mistake or self.good_articles:
            return ""
        if isinstance(result, NotArticle) and result.kind == "not-found":
            return ""  # a dead link says nothing about the selectors
        if isinstance(result, Article) and result.blocks and not self._missed(result):
            self.good_articles += 1
            return ""
        self.bad_articles.append(url)
        if len(self.bad_articles) >= self.first_articles:
            selectors = self.profile.selectors
            self.mistake = (
                f"{self.where}: the first {len(self.bad_articles)} articles extract only boilerplate or an empty "
                f"body with its selectors (article_view {selectors.article_view!r}, body {selectors.body!r}; e.g. "
                f"{self.bad_articles[0]}): check [selectors]"
            )
        return self.mistake

    @staticmethod
    def _missed(article: Article) -> bool:
        return article.template in _FALLBACK_TEMPLATES or bool(_MISSED_FLAGS.intersection(article.flags))
