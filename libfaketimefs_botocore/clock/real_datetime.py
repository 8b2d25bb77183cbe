"""The real ``datetime.datetime`` class, out of freezegun's reach. Imports nothing of ours."""

from __future__ import annotations

import datetime


def _real_class() -> type[datetime.datetime]:
    # Found in the class's ancestry: while freezegun freezes, the module's
    # name is its FakeDatetime, a subclass (and FakeDatetime.min is one of its
    # own since freezegun 1.5), so a first import during a freeze finds the
    # real class too.
    for ancestor in datetime.datetime.__mro__:
        if ancestor.__module__ == "datetime" and ancestor.__name__ == "datetime":
            return ancestor
    return datetime.datetime


class Real:
    """Holds the class in a class attribute: freezegun swaps every module-level name bound
    to it while it freezes, but no class's attributes."""

    datetime: type[datetime.datetime] = _real_class()
