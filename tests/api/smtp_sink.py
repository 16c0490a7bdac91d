#!/usr/bin/python3
"""A real SMTP server for the email API tests and the outbox bench (aiosmtpd, Debian's
python3-aiosmtpd): listens on 127.0.0.1:PORT and prints one JSON line per message received
({"message_id","to","subject","body"}), after a {"ready":PORT} line. Stops when stdin closes.
With --quiet it counts instead of printing each message, and prints {"received":N} at the end."""
import json
import sys
from email import message_from_bytes
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, quiet):
        self.quiet = quiet
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        if not self.quiet:
            msg = message_from_bytes(envelope.content)
            payload = msg.get_payload(decode=True) or b""
            print(json.dumps({
                "message_id": msg["Message-ID"],
                "to": envelope.rcpt_tos,
                "from": envelope.mail_from,
                "subject": str(make_header(decode_header(msg["Subject"] or ""))),
                "body": payload.decode("utf-8", "replace"),
            }, ensure_ascii=False), flush=True)
        return "250 OK"


def main():
    port = int(sys.argv[1])
    sink = Sink("--quiet" in sys.argv)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    print(json.dumps({"ready": port}), flush=True)
    sys.stdin.read()
    controller.stop()
    print(json.dumps({"received": sink.received}), flush=True)


if __name__ == "__main__":
    main()
