"""The embedded run's own checks before it starts."""

import socket

from backend.devtools.run import _port_taken


def test_a_port_left_in_time_wait_by_a_run_just_stopped_is_free_and_a_listened_one_is_not():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    assert _port_taken("127.0.0.1", port)  # another program listens there
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server closes first: its end waits in TIME_WAIT, as after Ctrl-C
    server.close()
    client.close()
    assert _port_taken("127.0.0.1", port) is None  # ./scripts/run again at once: it starts
