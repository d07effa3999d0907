"""The subscriber's settings, from environment variables only.

The defaults reach the stack `npm start` runs at the repository's root (broker on 5672, token
service on 3200 with its demo key), so the subscriber works against it with nothing set.
"""

import json
import os
from dataclasses import dataclass
from typing import List, Mapping, Optional
from urllib.parse import urlparse

DEFAULTS = {
    "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672",
    "RABBITMQ_NAMESPACE": "",
    "WXOP_TOKEN_URL": "http://127.0.0.1:3200",
    # The development key of the root `npm start` (apps/token/project.json); never use it elsewhere.
    "WXOP_TOKEN_API_KEY": "wxop-demo-token-api-key-change-me",
    "SUBSCRIBER_QUEUE": "example.python-subscriber",
    # `#`, not `*`: `release.audit.succeeded` and `release.campaign.started` have three words.
    "SUBSCRIBER_BINDINGS": "authorization.*,release.#",
    "SUBSCRIBER_PREFETCH": "10",
    "SUBSCRIBER_SEEN_IDS": "10000",
}


class ConfigError(Exception):
    """Settings that cannot be used; `problems` names each bad variable."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("invalid configuration: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    rabbitmq_url: str
    namespace: str
    token_url: str
    token_api_key: str
    bindings: List[str]
    prefetch: int
    seen_ids: int
    exchange: str
    queue: str
    dead_letter_queue: str


def load_config(env: Optional[Mapping[str, str]] = None) -> Config:
    """Reads and checks every setting; raises one ConfigError naming each bad variable."""
    env = os.environ if env is None else env
    problems: List[str] = []

    def value(name: str) -> str:
        raw = env.get(name, "").strip()
        return raw or DEFAULTS[name]

    def positive_integer(name: str, maximum: int) -> int:
        raw = value(name)
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if not 1 <= number <= maximum:
            problems.append(f"{name} must be a whole number from 1 to {maximum} (got {json.dumps(raw)})")
        return number

    def url(name: str, schemes: List[str]) -> str:
        parsed = urlparse(value(name))
        if parsed.scheme not in schemes or not parsed.hostname:
            # Never echo the value: a broker URL carries a password.
            problems.append(f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
        return value(name)

    # Every broker object wxop declares is prefixed with RABBITMQ_NAMESPACE (it is usually empty).
    namespace = env.get("RABBITMQ_NAMESPACE", "").strip()
    if namespace and not namespace.endswith("."):
        # As wxop's services require: "staging" would name another exchange, which nobody publishes to.
        problems.append("RABBITMQ_NAMESPACE must be empty or end with a dot (e.g. staging.)")
    queue = value("SUBSCRIBER_QUEUE")
    bindings = [pattern.strip() for pattern in value("SUBSCRIBER_BINDINGS").split(",") if pattern.strip()]
    config = Config(
        rabbitmq_url=url("RABBITMQ_URL", ["amqp", "amqps"]),
        namespace=namespace,
        token_url=url("WXOP_TOKEN_URL", ["http", "https"]).rstrip("/"),
        token_api_key=value("WXOP_TOKEN_API_KEY"),
        bindings=bindings,
        prefetch=positive_integer("SUBSCRIBER_PREFETCH", 1000),
        seen_ids=positive_integer("SUBSCRIBER_SEEN_IDS", 10_000_000),
        exchange=f"{namespace}wxop.events",
        queue=namespace + queue,
        dead_letter_queue=f"{namespace}{queue}.dlq",
    )
    if not bindings:
        problems.append("SUBSCRIBER_BINDINGS must name at least one pattern")
    if problems:
        raise ConfigError(problems)
    return config
