"""The spider of the Tân Bình district portal; everything it knows comes from the `tanbinh` site profile."""

from dvscrape.spiders.portal import PortalSpider


class TanbinhSpider(PortalSpider):
    """`scrapy crawl tanbinh [-a base_url=URL] [-a max_articles=N]`: the same as
    `scrapy crawl portal -a site=tanbinh`."""

    name = "tanbinh"
    site = "tanbinh"
