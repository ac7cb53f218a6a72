"""Requests and jobs started at the same instant, each in its own thread with its own database connection."""

import threading

from django.db import connection


def run_together(*jobs):
    """Run each job in a thread of its own, all released at once; fails with the errors any of them raised."""
    errors = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # reported below, with the thread's traceback lost but the error kept
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
