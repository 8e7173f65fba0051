"""The live calendar store: Google Calendar API v3 through google-api-python-client.

The package, from the wire up:

* `transport` — `LoggedHttp`, the httplib2 transport that logs and counts every request;
* `connection` — the key, the offline discovery document and the API client built on them;
* `errors` — what Google answered (`Answer`) and the one-line errors made of it;
* `wire` — Google's event resources as rolebot reads and writes them;
* `batch` — writes in batch requests, each failed call retried on its own;
* `client` — `GoogleCalendar`, the `CalendarStore` the rest of rolebot uses.

Errors never include a token, the private key or the calendar ID.
"""

from rolebot.services.gcal.client import GoogleCalendar

__all__ = ["GoogleCalendar"]
