"""Vietnamese text normalisation: pure functions, no Scrapy import."""
