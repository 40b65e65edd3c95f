"""`python -m bench [settlements|thousand|charges|paydocs …]`: the PDF
statement benchmarks, all or those named; `python -m bench queue`:
the job queue's (bench/queue.py, on a database of its own); `python -m bench
recovery`: the timing of password recovery per case (bench/recovery_timing.py);
`python -m bench notices`: the readings window's notifications (bench/notices.py,
likewise)."""

import os
import sys

if sys.argv[1:2] == ["queue"]:
    from bench.queue import main as queue_main

    queue_main(sys.argv[2:])  # sets Django up on its own database
elif sys.argv[1:2] == ["recovery"]:
    from bench.recovery_timing import main as recovery_main

    recovery_main(sys.argv[2:])  # sets Django up on its own database
elif sys.argv[1:2] == ["notices"]:
    from bench.notices import main as notices_main

    notices_main(sys.argv[2:])  # sets Django up on its own database
else:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")
    django.setup()

    from bench.statements import main

    main(sys.argv[1:])
