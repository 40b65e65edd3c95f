import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")
django.setup()

from bench.statements import main  # noqa: E402 (needs Django set up)

main()
