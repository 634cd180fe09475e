"""Portals that only the tests serve, written independently of dvscrape's profiles and of its bundled replica."""
