"""Asking for background work (Celery): after the transaction commits, never failing it.

A task queued inside a transaction could start before the rows it reads are committed, or
run for a change that was rolled back; so every task is sent from `on_commit`. When the
broker (Redis) cannot be reached, the change that asked still stands: the failure is
logged and, where the caller says so, the work is done here and now instead.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, TimeoutError)


def enqueue(
    task,
    *args,
    run_here_if_broker_down: bool = False,
    after_commit: bool = True,
    **kwargs,
) -> bool:
    """Queue `task(*args, **kwargs)` once the current transaction commits.

    Outside a transaction it is queued at once. With no REDIS_URL (CELERY_TASK_ALWAYS_EAGER)
    it runs in this process. Errors are logged, never raised: the commit has happened.
    `after_commit=False` sends it now, for a caller whose rows are already committed
    (a web request in autocommit) and who wants the eager result before it returns; it
    then says whether the broker took the task.
    """

    def send() -> bool:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except BROKER_ERRORS as exc:
            if not run_here_if_broker_down:
                logger.error("Could not queue %s %s: %s", task.name, args, exc)
                return False
            logger.error(
                "Could not queue %s %s (%s); doing it in this process.",
                task.name,
                args,
                exc,
            )
            task.apply(args=args, kwargs=kwargs)
            return False
        return True

    if after_commit:
        transaction.on_commit(send, robust=True)
        return True
    return send()
