"""The live notifier: standups in Geekbot, through its v1 API.

The API as it really behaves: the raw key goes in `Authorization` (no `Bearer`); paths have no
trailing slash (one gets a 301); create answers 200; PATCH replaces whole lists; 401 means a
bad key *or* no right to edit the standup. A key sees only the standups its owner takes part
in: `GET /v1/standups` lists those, `GET /v1/standups/{id}` answers 404 for any other, and
only an admin's `GET /v1/standups?admin=true` lists all of the team's.

How rolebot finds the role's standup, so that it never makes a second one:

1. by the ID the state keeps, directly (`GET /v1/standups/{id}`);
2. when that fails (no ID yet, or not visible), by name in a listing: of every standup of the
   team if the key owner is an admin (`GET /v1/me/teams` tells, once per run), else of theirs.
   Several of the name, all created by the key owner, are duplicates: the oldest (lowest ID)
   is kept and the others are to be deleted; several made by anyone else is an error, and
   nothing of theirs is touched;
3. a state ID that is not visible, with no standup of the name listed and no admin listing to
   tell "deleted" from "the key owner was removed from it", is reported, not guessed about.

v1 has no idempotency key, so a create is never simply re-sent (a create whose answer was lost
is looked up first), and runs at the same time may each create one: after creating, a run
lists again, keeps the oldest and deletes its own copy, so exactly one remains.

The package: `wire` (Geekbot's resources as rolebot reads and writes them), `errors` (one
line naming the fix for each failure, never the key), `client` (`GeekbotNotifier`).
"""

from rolebot.services.geekbot.client import CREATE_ATTEMPTS, GeekbotNotifier

__all__ = ["CREATE_ATTEMPTS", "GeekbotNotifier"]
