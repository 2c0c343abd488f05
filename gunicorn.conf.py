"""How gunicorn serves the app: in production (README, Production) and under the tests and
the benchmark, which start it from this folder."""

from __future__ import annotations

# Threads in each worker: a request waiting on the database leaves the worker free for others.
worker_class = "gthread"
threads = 4

# Every phone in a room polls its group page every 3 seconds. A connection kept open for 5
# seconds carries the next poll too; with gunicorn's default of 2 each poll opened a new one.
# Measured with the benchmark's realistic load at 1,500 phones on 2 cores: p95 2.1 s with a
# new connection per poll, 83 ms with them kept.
keepalive = 5

# A socket per worker: the kernel spreads connections evenly instead of the first worker to
# wake taking most of a burst of new ones.
reuse_port = True
