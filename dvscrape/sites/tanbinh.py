"""Profile of the portal of Tân Bình district, Ho Chi Minh City (Liferay 6.2, site 'neoportal')."""

from dvscrape.sites.profile import Selectors, SiteProfile, UrlRules

BASE_URL = "https://tanbinh.hochiminhcity.gov.vn"


def profile(base_url: str = BASE_URL) -> SiteProfile:
    """The Tân Bình profile, optionally pointed at another base URL (a mirror or the replica)."""
    return SiteProfile(
        name="tanbinh",
        base_url=base_url,
        site_url=BASE_URL,
        listing_paths=(
            "/web/neoportal/tin-tuc-su-kien",
            "/web/neoportal/kinh-te-xa-hoi",
            "/web/neoportal/van-hoa-xa-hoi",
            "/web/neoportal/cai-cach-hanh-chinh",
            "/web/neoportal/an-ninh-quoc-phong",
        ),
        # The work calendar ('lịch công tác') links to a next month without end.
        urls=UrlRules(trap_path_parts=UrlRules().trap_path_parts + ("/lich-cong-tac",)),
        # Liferay 6.2's taglib summaries are <span>s: naming the tag lets each query skip every other element.
        selectors=Selectors(
            categories="div.asset-categories a, span.taglib-asset-categories-summary a",
            tags="div.asset-tag-summary a, span.taglib-asset-tags-summary a",
        ),
    )
