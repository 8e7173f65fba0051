"""The time zones a calendar file names in its TZID parameters.

An IANA name (`Europe/Berlin`) is looked up in the zone database, as is one behind the path
prefix some apps add (`/mozilla.org/20050126_1/Europe/Berlin`). A Windows name
(`W. Europe Standard Time`), or a zone only the file itself defines in a VTIMEZONE, goes through
the `icalendar` library, imported only then. A name none of these knows makes its event
unreadable: rolebot never guesses a time zone, since that could move an event to another day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from zoneinfo import ZoneInfo


class UnknownZone(ValueError):
    pass


def _zoneinfo(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # not a zone name (ZoneInfoNotFoundError is a KeyError)
        return None


class Zones:
    def __init__(self, definitions: Mapping[str, str]) -> None:
        self._definitions = definitions
        """The text of each VTIMEZONE in the file, by its TZID."""
        self._found: dict[str, tzinfo] = {}

    def get(self, tzid: str) -> tzinfo:
        zone = self._found.get(tzid)
        if zone is None:
            zone = self._look_up(tzid)
            if zone is None:
                raise UnknownZone(f"the time zone {tzid!r}, neither in the zone database nor defined in the file")
            self._found[tzid] = zone
        return zone

    def _look_up(self, tzid: str) -> tzinfo | None:
        name = tzid.strip()
        parts = name.strip("/").split("/")
        for count in (len(parts), 3, 2):  # the name, then the zone at the end of a prefixed one
            if count <= len(parts) and (zone := _zoneinfo("/".join(parts[-count:]))) is not None:
                return zone
        return self._from_icalendar(name)

    def _from_icalendar(self, name: str) -> tzinfo | None:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        olson = WINDOWS_TO_OLSON.get(name)
        if olson is not None:
            return _zoneinfo(olson)
        definition = self._definitions.get(name)
        if definition is None:
            return None
        import icalendar

        try:
            parsed = icalendar.Timezone.from_ical(definition)
            zone: tzinfo | None = parsed.to_tz(lookup_tzid=False) if isinstance(parsed, icalendar.Timezone) else None
        except Exception:  # noqa: BLE001 - a third-party parser of whatever the file holds: it fails in many ways
            return None
        return zone
