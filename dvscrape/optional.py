"""Importing a library without the optional libraries it would import for what dvscrape never asks of it."""

import importlib
import sys


def import_without(module: str, *optional: str) -> None:
    """Import *module* without the *optional* libraries it uses, when installed, for what dvscrape never asks of it
    (a tenth of a second of CPU each in every process); imported before or after, they are imported as usual."""
    absent = [name for name in optional if name not in sys.modules]
    sys.modules.update(dict.fromkeys(absent))  # type: ignore[arg-type]  # None: `import NAME` raises ImportError
    try:
        importlib.import_module(module)
    finally:
        for name in absent:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
