"""Presentation of an archive to people: Datasette metadata and its plugin (``dvscrape serve``).

Modules: ``datasette_metadata`` (titles, descriptions, facets, canned queries) and ``datasette_plugin`` (the SQL
functions Datasette needs for accent-insensitive search). Storage lives in ``dvscrape.archive``; nothing here writes.
"""
