"""A Liferay 7.4 city-department portal (Sở Tài nguyên và Môi trường thành phố Cần Thơ, site ``/web/stnmt``), served
for the tests: its markup is written from Liferay's own 7.4 templates (markup.py), unlike the bundled ``city7``
replica, and it has a work calendar and search facets with no end (site.py). ``python -m tests.replicas.stnmt
--port 0 [--traps pager,redirect]`` prints its URL; ``/__replica__/truth.json`` is the ground truth of its articles
and ``/__replica__/stats`` what was asked of it."""
