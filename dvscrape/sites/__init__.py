"""Site profiles: one module per portal, looked up by name."""

from __future__ import annotations

from dvscrape.errors import ConfigurationError
from dvscrape.sites.profile import SiteProfile


def available_sites() -> tuple[str, ...]:
    """Names of the portals dvscrape has a profile for."""
    return ("tanbinh",)


def get_profile(name: str, base_url: str | None = None) -> SiteProfile:
    """The profile called *name*, pointed at *base_url* when given."""
    if name == "tanbinh":
        from dvscrape.sites import tanbinh

        return tanbinh.profile(base_url) if base_url else tanbinh.profile()
    raise ConfigurationError(f"unknown site {name!r}; known sites: {', '.join(available_sites())}")
