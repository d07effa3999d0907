"""The token service's HTTP API (CONTRACT.md §3): an authorizer's access token, for calling WeChat
on the merchant's behalf. The token is a credential: hand it to the code that calls WeChat and
never log it."""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable, Optional
from urllib.parse import quote

ATTEMPTS = 5
FIRST_DELAY_SECONDS = 0.25
TIMEOUT_SECONDS = 5
# The token API is internal (CONTRACT §3): never through an http_proxy, which would see the key and the token.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TokenOutcome:
    """What a token read ended in, as the event line reports it."""

    OK = "ok"
    # 503 (the token service does not hold it yet) or unreachable, after every attempt.
    UNAVAILABLE = "unavailable"
    # 404: the token service knows no such component or authorizer.
    NOT_FOUND = "not_found"
    # 409: the merchant withdrew the authorization.
    NOT_AUTHORIZED = "not_authorized"
    # 401/403: WXOP_TOKEN_API_KEY is not one of the token service's keys.
    REFUSED = "refused"
    ERROR = "error"


@dataclass
class TokenRead:
    outcome: str
    access_token: Optional[str] = None
    expires_at: Optional[str] = None


class TokenClient:
    def __init__(self, base_url: str, api_key: str, log: Callable[..., None]) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.log = log

    def authorizer_access_token(self, component_appid: str, authorizer_appid: str) -> TokenRead:
        """A 503 or a network error is retried with backoff (0.25 s, doubling; about 4 s in all):
        an event can arrive just before its token is readable."""
        path = (
            f"/v1/components/{quote(component_appid, safe='')}"
            f"/authorizers/{quote(authorizer_appid, safe='')}/access-token"
        )
        request = urllib.request.Request(
            self.base_url + path,
            headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
        )
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with _DIRECT.open(request, timeout=TIMEOUT_SECONDS) as response:
                    body = json.load(response)
                return TokenRead(TokenOutcome.OK, body["accessToken"], body["expiresAt"])
            except urllib.error.HTTPError as error:
                # The error body is `{ error, message }`: safe to log, it never carries a credential.
                text = error.read().decode("utf-8", "replace")[:300]
                if error.code != 503:
                    self.log("warn", "token API refused", status=error.code, path=path, body=text)
                    return TokenRead(_outcome_of(error.code))
                self.log("info", "token not available yet", path=path, attempt=attempt, body=text)
            except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
                self.log("warn", "token API unreachable", path=path, attempt=attempt, error=repr(error))
            if attempt < ATTEMPTS:
                time.sleep(FIRST_DELAY_SECONDS * 2 ** (attempt - 1))
        return TokenRead(TokenOutcome.UNAVAILABLE)


def _outcome_of(status: int) -> str:
    if status == 404:
        return TokenOutcome.NOT_FOUND
    if status == 409:
        return TokenOutcome.NOT_AUTHORIZED
    if status in (401, 403):
        return TokenOutcome.REFUSED
    return TokenOutcome.ERROR
