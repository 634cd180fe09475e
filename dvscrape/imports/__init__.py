"""Importing other tools ' WARC and WACZ files (issue 15): sources.py keeps the files safely, run.py records them."""
