"""Values kept in this process's memory between requests."""

import threading
from collections import OrderedDict


class KeptInProcess:
    """A few recent values of this process, by key, the oldest dropped
    first. Only for keys that name everything the value is made of: such a
    value is never stale, whichever process made it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> object | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def set(self, key: object, value: object) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
