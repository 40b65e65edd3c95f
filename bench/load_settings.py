"""The production settings with the load benchmark's two reference pages."""

from enser_cabinet.settings import *  # noqa: F403 (the settings as they ship, plus one line)

ROOT_URLCONF = "bench.load_urls"
