"""Periodic jobs on the Procrastinate queue: what cron used to run, and the
queue's own housekeeping. Each runs on one worker at a time (queueing lock)."""

from procrastinate import builtin_tasks
from procrastinate.contrib.django import app
from procrastinate.job_context import JobContext

from accounts.registration import confirmations_prune
from outbox.services import outgoing_messages_prune
from security.services import security_log_prune

# Finished jobs stay this long in procrastinate_jobs for staff to look at.
FINISHED_JOBS_KEEP_HOURS = 7 * 24


@app.periodic(cron="15 3 * * *")
@app.task(name="housekeeping.prune_confirmations", queueing_lock="prune_confirmations")
def prune_confirmations(timestamp: int) -> None:
    confirmations_prune(dry_run=False)
    outgoing_messages_prune()
    security_log_prune()


@app.periodic(cron="45 3 * * *")
@app.task(name="housekeeping.remove_old_jobs", queueing_lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    await builtin_tasks.remove_old_jobs(context, max_hours=FINISHED_JOBS_KEEP_HOURS, remove_failed=True)


@app.periodic(cron="*/5 * * * *")
@app.task(name="housekeeping.retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Jobs of a worker that died mid-run (no heartbeat) go back to the queue."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        await manager.retry_job(job)
