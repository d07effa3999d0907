"""The envelope ids handled lately, bounded: delivery is at-least-once, so every subscriber
deduplicates by `id`.

In memory, so a restart forgets them and a second replica does not share them: enough for an
example. In production, record the id in the same database transaction as the work the event
causes (an inbox table with the id as primary key), and skip the event when that insert collides.
"""

from collections import OrderedDict


class SeenEvents:
    """At most `capacity` ids; the least recently seen is forgotten first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._ids: "OrderedDict[str, None]" = OrderedDict()

    def __contains__(self, event_id: str) -> bool:
        if event_id not in self._ids:
            return False
        self._ids.move_to_end(event_id)  # seen again: move it to the young end
        return True

    def add(self, event_id: str) -> None:
        self._ids[event_id] = None
        self._ids.move_to_end(event_id)
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
