"""The Wayback mode of a crawl (issue 15): a site's past fetched from the Wayback Machine or a pywb collection."""
