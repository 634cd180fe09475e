"""Importing other tools' WARC and WACZ files: sources.py keeps the files safely, run.py records them."""
