"""The replica portal: a local, deterministic copy of the Tân Bình district portal (Liferay 6.2, site neoportal).

It stands alone as "the site" (nothing here imports ``dvscrape.sites``) and serves generated articles with the real
portal's markup, URL forms and crawl traps, for tests, benchmarks and the offline demo. Entry points:
:func:`build_corpus` (the ground truth), :func:`start_replica` (serve in-process), ``dvscrape replica`` and
:func:`start_replica_process` (that command as a subprocess, for tests and benchmarks).
"""

from __future__ import annotations

from dvscrape.replica.content import build_corpus
from dvscrape.replica.model import Article, Attachment, Block, Category, Corpus, Figure
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.replica.server import ReplicaConfig, RunningReplica, start_replica

__all__ = [
    "Article",
    "Attachment",
    "Block",
    "Category",
    "Corpus",
    "Figure",
    "ReplicaConfig",
    "ReplicaProcess",
    "RunningReplica",
    "build_corpus",
    "start_replica",
    "start_replica_process",
]
