"""Orchestrators: a crawl, a Wayback crawl, an import, a rebuild, a fleet run; and the one outcome and exit code
that every run takes from `outcome.py`."""
