"""The test run's settings: the project's, with the development defaults (DEBUG on) unless the environment
sets DEBUG. pyproject.toml points pytest-django here, so this runs before the settings load."""

import os

os.environ.setdefault("DEBUG", "1")

from usmleprep.settings import *  # noqa: F403
