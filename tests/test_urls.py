"""URL canonicalisation and scope: one test per trap family of the portal notes."""

from __future__ import annotations

import pytest

from dvscrape.sites import get_profile
from dvscrape.sites.urls import UrlKind, canonicalize, classify, locale_of

BASE = "https://tanbinh.hochiminhcity.gov.vn"
ARTICLE = f"{BASE}/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop"
PROFILE = get_profile("tanbinh")


def kind(url: str) -> UrlKind:
    return classify(url, PROFILE).kind


@pytest.mark.parametrize(
    "variant",
    [
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop",
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?inheritRedirect=true&redirect=%2F",
        # the real nested form: every hop nests the previous URL, percent-encoded once more
        "/en_US/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?inheritRedirect=true&redirect=%2Fen_US%2Fweb%2F"
        "neoportal%2F-%2Fhoi-dong%3FinheritRedirect%3Dtrue%26redirect%3D%252Fen_US%252Fweb%252Fneoportal%252Ftrang-chu"
        "%253Fp_p_id%253D58%2526p_p_lifecycle%253D0",
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?_101_INSTANCE_u4WITwIcfjPS_redirect=%2Fweb%2Fneoportal",
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?_101_INSTANCE_x_backURL=%2Fa&returnToFullPageURL=%2Fb",
    ],
)
def test_back_link_parameters_are_stripped(variant: str) -> None:
    assert canonicalize(BASE + variant, PROFILE) == ARTICLE


@pytest.mark.parametrize("prefix", ["", "/en_US", "/en", "/vi_VN", "/vi"])
def test_locale_prefixes_map_to_one_article_and_keep_the_locale(prefix: str) -> None:
    url = f"{BASE}{prefix}/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop"
    decision = classify(url, PROFILE)
    assert decision.kind is UrlKind.ARTICLE
    assert decision.canonical == ARTICLE
    assert decision.locale == (prefix.strip("/") or "vi_VN")
    assert locale_of(url, PROFILE) == decision.locale


@pytest.mark.parametrize(
    "view",
    [
        "/web/neoportal/tin-tuc-su-kien/-/asset_publisher/u4WITwIcfjPS/content/quan-tan-binh-tang-cuong-phoi-hop",
        "/web/neoportal/-/asset_publisher/u4WITwIcfjPS/content/quan-tan-binh-tang-cuong-phoi-hop?p_p_state=maximized",
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?p_p_state=maximized",
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?viewMode=print",
        "/web/neoportal/-/quan-tan-binh-tang-cuong-phoi-hop?p_p_state=pop_up&viewMode=print",
    ],
)
def test_other_views_of_an_article_map_to_its_display_page(view: str) -> None:
    assert canonicalize(BASE + view, PROFILE) == ARTICLE


def test_view_by_asset_entry_id_is_not_fetched_twice() -> None:
    decision = classify(f"{BASE}/web/neoportal/-/asset_publisher/u4WITwIcfjPS/content/id/123456", PROFILE)
    assert decision.kind is UrlKind.TRAP
    assert "asset entry id" in decision.reason


def test_portlet_position_noise_is_dropped_but_the_page_number_kept() -> None:
    ns = "_101_INSTANCE_abc"
    url = (
        f"{BASE}/web/neoportal/tin-tuc-su-kien?p_p_id=101_INSTANCE_abc&p_p_lifecycle=0&p_p_state=normal"
        f"&p_p_mode=view&p_p_col_id=column-1&p_p_col_pos=2&p_p_col_count=1&{ns}_cur=3&{ns}_resetCur=false"
    )
    other_order = (
        f"{BASE}/vi/web/neoportal/tin-tuc-su-kien?{ns}_cur=3&p_p_col_count=2&p_p_id=101_INSTANCE_abc"
        f"&p_p_lifecycle=0&p_p_mode=view&p_p_state=normal&p_p_auth=Xy12"
    )
    decision = classify(url, PROFILE)
    assert decision.kind is UrlKind.LISTING
    assert "cur=3" in decision.canonical and "col_" not in decision.canonical and "resetCur" not in decision.canonical
    assert canonicalize(other_order, PROFILE) == decision.canonical


def test_first_listing_page_is_the_plain_listing() -> None:
    ns = "_101_INSTANCE_abc"
    page1 = f"{BASE}/web/neoportal/tin-tuc-su-kien?p_p_id=101_INSTANCE_abc&p_p_lifecycle=0&{ns}_cur=1"
    assert canonicalize(page1, PROFILE) == f"{BASE}/web/neoportal/tin-tuc-su-kien"


def test_listing_pages_beyond_the_bound_are_refused() -> None:
    url = f"{BASE}/web/neoportal/tin-tuc-su-kien?p_p_id=101_INSTANCE_abc&_101_INSTANCE_abc_cur=100000"
    assert kind(url) is UrlKind.TRAP


def test_media_cache_buster_is_dropped() -> None:
    a = f"{BASE}/documents/10180/0/toan-canh.jpg/5f1c-uuid?t=1679900000000"
    b = f"{BASE}/documents/10180/0/toan-canh.jpg/5f1c-uuid?t=1680000000000"
    assert kind(a) is UrlKind.MEDIA
    assert canonicalize(a, PROFILE) == canonicalize(b, PROFILE) == f"{BASE}/documents/10180/0/toan-canh.jpg/5f1c-uuid"
    image = canonicalize(f"{BASE}/image/journal/article?img_id=42&t=99", PROFILE)
    assert image == f"{BASE}/image/journal/article?img_id=42"


@pytest.mark.parametrize(
    "trap",
    [
        "/web/neoportal/trang-chu?p_p_id=58&p_p_lifecycle=0&p_p_state=normal&p_p_state_rcv=1"
        "&_58_struts_action=%2Flogin%2Fopen_id",
        "/web/neoportal/trang-chu?p_p_id=58&p_p_lifecycle=1&p_p_state=maximized&_58_struts_action=%2Flogin%2Flogin",
        "/web/neoportal/trang-chu?p_p_id=82&p_p_lifecycle=1&p_p_state=normal&_82_struts_action=%2Flanguage%2Fview"
        "&languageId=en_US&p_auth=Ab3dEf",
        "/web/neoportal/trang-chu?p_p_id=101_INSTANCE_abc&p_p_lifecycle=1&p_auth=Ab3dEf&_101_INSTANCE_abc_x=1",
        "/web/neoportal/tim-kiem?p_p_id=3&p_p_lifecycle=0&_3_keywords=d%C3%A2n+v%E1%BA%ADn",
        "/web/neoportal/trang-chu?_3_keywords=abc&_3_struts_action=%2Fsearch%2Fsearch",
        "/web/neoportal/lich-cong-tac?month=11&year=2031",
        "/c/portal/logout",
        "/group/control_panel",
        "/web/neoportal/trang-chu?p_p_id=101_INSTANCE_abc&p_p_lifecycle=2&p_p_resource_id=rss",
    ],
)
def test_actions_sessions_and_unbounded_listings_are_never_fetched(trap: str) -> None:
    decision = classify(BASE + trap, PROFILE)
    assert decision.kind is UrlKind.TRAP
    assert decision.canonical == ""
    assert decision.reason


@pytest.mark.parametrize(
    "url",
    [
        "https://hochiminhcity.gov.vn/web/guest/tin-tuc",
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Ftanbinh.hochiminhcity.gov.vn",
        "https://tanbinh.hochiminhcity.gov.vn.evil.example/web/neoportal/-/x",
        "https://tanbinh.hochiminhcity.gov.vn:8443/web/neoportal/-/x",
        "ftp://tanbinh.hochiminhcity.gov.vn/file.pdf",
        "javascript:alert(1)",
        "mailto:ubnd@tanbinh.gov.vn",
        "http://[::1/web",
    ],
)
def test_nothing_outside_the_site_is_fetched(url: str) -> None:
    assert kind(url) is UrlKind.OFFSITE


def test_http_and_https_of_the_same_host_share_a_canonical_form() -> None:
    plain = canonicalize("http://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/abc", PROFILE)
    assert plain == f"{BASE}/web/neoportal/-/abc"


def test_home_page_forms() -> None:
    forms = [
        "/web/neoportal",
        "/web/neoportal/",
        "/vi/web/neoportal/trang-chu",
        "/web/neoportal/trang-chu?p_p_state=normal",
    ]
    for path in forms:
        decision = classify(BASE + path, PROFILE)
        assert decision.kind is UrlKind.HOME
        assert decision.canonical == f"{BASE}/web/neoportal/trang-chu"


def test_sitemap_and_robots() -> None:
    assert kind(f"{BASE}/sitemap.xml") is UrlKind.SITEMAP
    # the sitemaps a sitemap index lists are sitemaps, each its own document
    for child in ("/sitemap.xml?groupId=20126&layoutUuid=ab12", "/sitemap-2.xml", "/sitemap_news.xml"):
        decision = classify(BASE + child, PROFILE)
        assert decision.kind is UrlKind.SITEMAP and decision.canonical == BASE + child, child
    assert kind(f"{BASE}/robots.txt") is UrlKind.ROBOTS


def test_base_url_can_point_at_the_replica() -> None:
    replica = get_profile("tanbinh", "http://127.0.0.1:8765")
    decision = classify("http://127.0.0.1:8765/en/web/neoportal/-/abc?redirect=%2F", replica)
    # the site is the identity, the mirror is transport: canonical URLs are on the portal's own address
    assert decision.canonical == f"{BASE}/web/neoportal/-/abc"
    assert replica.fetch_url(decision.canonical) == "http://127.0.0.1:8765/web/neoportal/-/abc"
    assert classify("http://127.0.0.1:9999/web/neoportal/-/abc", replica).kind is UrlKind.OFFSITE
    assert classify(f"{BASE}/web/neoportal/-/abc", replica).kind is UrlKind.OFFSITE  # never fetched from there
    other_port = get_profile("tanbinh", "http://127.0.0.1:9999")
    assert classify("http://127.0.0.1:9999/web/neoportal/-/abc", other_port).canonical == decision.canonical


@pytest.mark.parametrize(
    ("url", "page_trap"),
    [
        ("/web/neoportal/calendar", True),
        ("/web/neoportal/calendar/week?start=2024-06-10", True),
        ("/web/neoportal/-/search?q=x", True),
        ("/web/neoportal/calendars-of-the-district", False),  # a segment that only begins like a rule
        ("/web/neoportal/lich-cong-tac-cu", False),
    ],
)
def test_a_path_rule_matches_whole_segments(url: str, page_trap: bool) -> None:
    assert (kind(BASE + url) is UrlKind.TRAP) is page_trap


@pytest.mark.parametrize(
    "requisite",
    ["/html/icons/calendar.png", "/html/themes/classic/images/calendar/today.png", "/calendar/main.css?t=1"],
)
def test_trap_path_rules_never_stop_a_page_requisite(requisite: str) -> None:
    from dvscrape.sites.urls import classify_requisite

    decision = classify_requisite(BASE + requisite, PROFILE)
    assert decision.kind is UrlKind.REQUISITE and decision.canonical, decision
    assert classify_requisite(BASE + "/web/neoportal/trang-chu?p_p_lifecycle=1&p_auth=x", PROFILE).kind is UrlKind.TRAP
