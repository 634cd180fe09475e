"""`python -m dvscrape` runs the command line."""

from dvscrape.cli import main

main(prog_name="dvscrape")
