"""Run a function in several threads at once, each with its own database connection."""

import threading

from django.db import connection


def run_at_once(function, times=2):
    """Start `function` in `times` threads released together; return their results (tests use
    transactional databases for this: each thread commits on its own connection)."""
    results, barrier = [], threading.Barrier(times)

    def run():
        barrier.wait()
        try:
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
