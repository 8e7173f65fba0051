"""The embedded local backend: a roster file, an iCalendar file and the terminal.

It lets rolebot run end to end without credentials, one module per service, each imported only
when its service is built:

- `roster`: members come from `state/roster.json`;
- `ics_store`: the calendar lives in `state/calendar.ics` (all-day VEVENTs with the same
  identity rules as the live calendar);
- `terminal`: standups go to the outbox, to be shown rather than sent;
- `messenger`: Slack posts, direct messages and user-group changes go to the outbox too.
"""
