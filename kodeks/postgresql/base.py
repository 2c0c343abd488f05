from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether a kept connection can serve the next request, asked of the socket.

        Django's check sends `SELECT 1` before each request's first query, a round trip as
        dear as a dashboard poll's own lookups. A server that restarts or drops an idle
        connection first writes to it and then closes it, so an idle connection with
        anything to read, or a hang-up, is replaced. After an error in a request the server
        is still asked.
        """
        if self.errors_occurred or self.connection is None:
            return super().is_usable()
        pgconn = self.connection.pgconn
        if (
            pgconn.status != pq.ConnStatus.OK
            or pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return False
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
        return not poller.poll(0)
