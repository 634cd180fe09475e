"""Crawling many sites on several machines with Scrapyd, the Scrapy project's own job server.

Modules: ``config`` (the fleet file), ``scrapyd`` (a client of Scrapyd's JSON API), ``egg`` (the egg Scrapyd runs,
built from the installed package), ``run`` (scheduling, watching and rescheduling a fleet run), ``status`` (what the
nodes run) and ``local`` (a Scrapyd subprocess for tests and benchmarks). No Scrapy import: the crawls run on the
nodes.
"""
