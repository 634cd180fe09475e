"""Page objects: (url, html) → Article or NotArticle. No Scrapy import here."""
