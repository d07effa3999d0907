#!/usr/bin/env python3
"""A wxop event subscriber, as a team that uses wxop would write one in Python: its own durable
queue bound to the `wxop.events` topic exchange, manual acks with a prefetch, deduplication by
envelope id, poison messages to a dead-letter queue, and the authorizer's access token read from
the token service's HTTP API when an authorization arrives. It uses only the public contract
(CONTRACT.md §2 and §3), no wxop code. pika for AMQP, the standard library for the rest.

stdout: one JSON line per handled event (what a program reads). stderr: the log, JSON lines.
"""

import json
import os
import signal
import sys
from datetime import datetime, timezone
from typing import Any, Dict, Optional

import pika
import pika.exceptions

from config import Config, ConfigError, load_config
from seen_events import SeenEvents
from token_client import TokenClient, TokenOutcome

# Events after which the token service holds the authorizer's credentials.
TOKEN_EVENTS = {"authorization.authorized", "authorization.updated", "token.authorizer.issued"}
# The consume loop wakes this often to notice a stop request.
WAKE_SECONDS = 0.5


def log(level: str, msg: str, **fields: Any) -> None:
    time = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    sys.stderr.write(json.dumps({"time": time, "level": level, "msg": msg, **fields}, separators=(",", ":")) + "\n")
    sys.stderr.flush()


def report(line: Dict[str, Any]) -> None:
    # Flushed per line: stdout is block-buffered when it is a pipe.
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Subscriber:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.seen = SeenEvents(config.seen_ids)
        self.tokens = TokenClient(config.token_url, config.token_api_key, log)
        self.stopping: Optional[str] = None

    def run(self) -> int:
        config = self.config
        parameters = pika.URLParameters(config.rabbitmq_url)
        parameters.client_properties = {"connection_name": "wxop-example-python-subscriber"}
        try:
            connection = pika.BlockingConnection(parameters)
        except pika.exceptions.AMQPError as error:
            # The URL holds the password: name the host only.
            log("error", "cannot connect to the broker", host=f"{parameters.host}:{parameters.port}", error=repr(error))
            return 1
        try:
            channel = connection.channel()
            # The same declaration as wxop's services (durable topic exchange), so either may start first.
            channel.exchange_declare(config.exchange, exchange_type="topic", durable=True)
            channel.queue_declare(config.dead_letter_queue, durable=True)
            channel.queue_declare(
                config.queue,
                durable=True,
                # A message this subscriber cannot handle is nacked without requeue and lands here,
                # to be looked at and republished by a person: never dropped, never redelivered forever.
                arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": config.dead_letter_queue},
            )
            for pattern in config.bindings:
                channel.queue_bind(config.queue, config.exchange, routing_key=pattern)
            channel.basic_qos(prefetch_count=config.prefetch)
            log(
                "info",
                "listening",
                pid=os.getpid(),
                queue=config.queue,
                exchange=config.exchange,
                bindings=config.bindings,
                prefetch=config.prefetch,
                tokenUrl=config.token_url,
            )
            # One message at a time, in this thread: two copies of an event are never in hand at once.
            for method, properties, body in channel.consume(config.queue, inactivity_timeout=WAKE_SECONDS):
                if self.stopping:
                    break
                if method is None:
                    continue  # no message within WAKE_SECONDS
                self.on_message(channel, method, properties, body)
            if not self.stopping:
                # pika ends consume() when the broker cancels the consumer (the queue was deleted).
                log("error", "the broker cancelled the consumer (queue deleted?), exiting")
                connection.close()
                return 1
            log("info", "stopping", signal=self.stopping)
            # Cancels the consumer; messages prefetched but not handled go back to the queue.
            channel.cancel()
            connection.close()
            log("info", "stopped")
            return 0
        except pika.exceptions.AMQPError as error:
            # A production subscriber reconnects (with backoff) and declares its queue again; an example
            # exits and lets its supervisor restart it. Unacked messages are redelivered.
            log("error", "broker connection lost, exiting", error=repr(error))
            return 1

    def on_message(self, channel: Any, method: Any, properties: Any, body: bytes) -> None:
        envelope = parse_envelope(body)
        if envelope is None:
            log(
                "error",
                "not an event envelope, dead-lettered",
                routingKey=method.routing_key,
                messageId=properties.message_id,
            )
            channel.basic_nack(method.delivery_tag, requeue=False)
            return
        if envelope["id"] in self.seen:
            report(line_of(envelope, duplicate=True))
            channel.basic_ack(method.delivery_tag)
            return
        try:
            outcome = self.handle(envelope)
        except Exception as error:  # noqa: BLE001 - any failure of the work dead-letters the event
            # A bug or a broken rule: retrying would fail the same way. (A transient failure, e.g. your
            # own database being down, would rather be retried later through a delay queue.)
            log("error", "handler failed, dead-lettered", type=envelope["type"], id=envelope["id"], error=repr(error))
            channel.basic_nack(method.delivery_tag, requeue=False)
            return
        self.seen.add(envelope["id"])
        report(line_of(envelope, duplicate=False, **outcome))
        channel.basic_ack(method.delivery_tag)

    def handle(self, envelope: Dict[str, Any]) -> Dict[str, Any]:
        """The work an event causes; answers the fields its line reports."""
        if envelope["type"] in TOKEN_EVENTS and envelope.get("authorizerAppid"):
            read = self.tokens.authorizer_access_token(envelope["componentAppid"], envelope["authorizerAppid"])
            if read.outcome != TokenOutcome.OK or read.access_token is None:
                return {"token": read.outcome}
            # Here your code calls WeChat for this merchant with `read.access_token` (or goes through the
            # token service's proxy, which injects it). Never log the token: its length and expiry say enough.
            return {"token": read.outcome, "tokenLength": len(read.access_token), "tokenExpiresAt": read.expires_at}
        # authorization.unauthorized: stop acting for the merchant. release.*: follow a campaign per
        # mini program (`data.campaignId`). Unknown types are fine: wxop adds types over time.
        return {}

    def stop(self, signum: int, _frame: Any) -> None:
        # Only a flag: the consume loop notices it within WAKE_SECONDS, between two messages.
        self.stopping = self.stopping or signal.Signals(signum).name


def parse_envelope(body: bytes) -> Optional[Dict[str, Any]]:
    """The envelope (CONTRACT.md §2), or None when the body is not one. Unknown fields are kept."""
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(envelope, dict):
        return None
    for field in ("id", "type", "componentAppid"):
        if not isinstance(envelope.get(field), str) or not envelope[field]:
            return None
    return envelope


def line_of(envelope: Dict[str, Any], **fields: Any) -> Dict[str, Any]:
    return {
        "type": envelope["type"],
        "id": envelope["id"],
        "componentAppid": envelope["componentAppid"],
        "authorizerAppid": envelope.get("authorizerAppid"),
        **fields,
    }


def main() -> int:
    try:
        config = load_config()
    except ConfigError as error:
        log("error", "invalid configuration", problems=error.problems)
        return 2
    subscriber = Subscriber(config)
    signal.signal(signal.SIGINT, subscriber.stop)
    signal.signal(signal.SIGTERM, subscriber.stop)
    return subscriber.run()


if __name__ == "__main__":
    sys.exit(main())
