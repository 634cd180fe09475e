"""The Wayback mode of a crawl: a site's past fetched from the Wayback Machine or a pywb collection."""
