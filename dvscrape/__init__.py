"""dvscrape: the archiving crawler for Vietnamese government portals."""

__version__ = "0.1.0"
