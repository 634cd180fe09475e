"""Dataset exports of the archive for researchers: JSONL, CSV, Parquet and Hugging Face dataset folders.

One row per article (or per article version), described by ``schema.FIELDS``; every export also writes a Frictionless
``datapackage.json``. No Scrapy import; the entry point is ``dvscrape.export.run.export_dataset``.
"""
