"""`rolebot away add|list|remove`: absences, in every role the person belongs to.

An absence is kept in the state (`"away"`); adding or removing one replans the calendar of
each role whose user group has the person, each on its own ✓/✗ line: their planned turns
that overlap the absence trade with the nearest later turn they can serve (see
`rolebot.replan`), and removing it undoes that. Absences that have ended are dropped
whenever these commands write the state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, DryRun, Name, date_option

if TYPE_CHECKING:
    from rolebot.config import RoleConfig
    from rolebot.context import AppContext
    from rolebot.jobs.moved import DatesMoved
    from rolebot.models import Absence, Member
    from rolebot.replan_plan import ReplanPlan
    from rolebot.state import TeamState

away_app = typer.Typer(
    help="Record, list and remove absences.\n\nAn absent member serves no turn that overlaps their absence.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@away_app.command("add")
@handle_errors
def away_add(
    ctx: typer.Context,
    name: Name,
    from_: Annotated[str, date_option("--from", "First day away, YYYY-MM-DD.")],
    to: Annotated[str, date_option("--to", "Last day away, YYYY-MM-DD (included).")],
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Record that NAME is away, and replan their roles.

    The absence covers every role NAME belongs to. Their planned turns that overlap it trade with
    the nearest later turn they can serve; each role's replan reports on its own line.

    Examples:
        rolebot away add Dana --from 2026-12-10 --to 2026-12-20 --dry-run
        rolebot away add "Dana Kowalski" --from 2026-12-10 --to 2026-12-20
    """
    from rolebot.absences import absence, prune, with_absence
    from rolebot.dates import parse_date

    app = app_context(ctx)
    team = _team(app)
    first, last = parse_date(from_, "--from"), parse_date(to, "--to")
    groups = _groups(app)
    member = _resolve(name, groups, team.away)
    new = absence(member, first, last)
    kept = prune(team.away, app.today())
    after = with_absence(kept, new)
    if last < app.today():
        app.say(f"note: {new.describe()}: that is over, so nothing is recorded")
        after = kept
    _change(app, team, after, member, groups, dry_run, f"{new.describe()} (all their roles)", as_json)


@away_app.command("list")
@handle_errors
def away_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the absences the state keeps.

    Examples:
        rolebot away list
        rolebot away list --json
    """
    from rolebot import payloads
    from rolebot.output import emit_json
    from rolebot.render import absences_table

    app = app_context(ctx)
    team = _team(app)
    app.show(absences_table(team.away, app.today()), as_json=as_json)
    if as_json:
        emit_json([payloads.absence(a) for a in team.away])


@away_app.command("remove")
@handle_errors
def away_remove(
    ctx: typer.Context,
    name: Name,
    from_: Annotated[
        str | None, date_option("--from", "Only the absence starting that day, YYYY-MM-DD (default: all).")
    ] = None,
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Remove NAME's absences, and replan their roles.

    All of NAME's absences, or only the one starting --from. A replan undoes the trades the
    absence made.

    Examples:
        rolebot away remove Dana --dry-run
        rolebot away remove Dana --from 2026-12-10
    """
    from rolebot.absences import prune, without_absences
    from rolebot.dates import parse_date

    app = app_context(ctx)
    team = _team(app)
    first = parse_date(from_, "--from") if from_ else None
    groups = _groups(app)
    member = _resolve(name, groups, team.away)
    kept, removed = without_absences(team.away, member.id, first)
    if not removed:
        which = f" starting {first}" if first else ""
        app.say(f"note: no absence of {member.name}{which} is recorded: nothing to remove")
    what = "; ".join(f"{a.name} is no longer away from {a.first} to {a.last}" for a in removed)
    _change(app, team, prune(kept, app.today()), member, groups, dry_run, what, as_json)


def _team(app: AppContext) -> TeamState:
    from rolebot.state import load_state

    return load_state(app.settings.state_path, app.config)


def _groups(app: AppContext) -> dict[str, tuple[Member, ...]]:
    """Each role's members (by role key), the user groups read at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    from rolebot.rotation import rotation_order

    roles = list(app.config.roles.values())
    handles = sorted({role.usergroup for role in roles})
    source = app.services.members()
    app.services.banner("members")
    with ThreadPoolExecutor(max_workers=min(4, len(handles)), thread_name_prefix="rolebot-read") as pool:
        read = dict(zip(handles, pool.map(source.members, handles), strict=True))
    return {role.key: rotation_order(read[role.usergroup]) for role in roles}


def _resolve(text: str, groups: dict[str, tuple[Member, ...]], away: tuple[Absence, ...]) -> Member:
    """NAME in any role's group (Slack ID, display name or unique first name); someone who left
    every group is still found among the recorded absences, so theirs can be removed."""
    from rolebot.errors import UsageError
    from rolebot.events import match_name
    from rolebot.hints import capped, closest_member
    from rolebot.models import Member

    everyone = tuple({m.id: m for order in groups.values() for m in order}.values())
    recorded = tuple({a.member_id: Member(a.member_id, a.name) for a in away}.values())
    wanted = text.strip().lstrip("@")
    for pool in (everyone, recorded):
        found = [m for m in pool if m.id == wanted] or match_name(wanted, pool)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listing = capped([m.label() for m in found])
            raise UsageError(f"NAME: {text!r} matches several people: {listing}", "give the full name or the Slack ID")
    suggestion = closest_member(wanted, everyone)
    listing = capped([m.label() for m in everyone])
    raise UsageError(f"NAME: nobody called {text!r} in any role's user group{suggestion}", f"members: {listing}")


def _change(
    app: AppContext,
    team: TeamState,
    absences: tuple[Absence, ...],
    member: Member,
    groups: dict[str, tuple[Member, ...]],
    dry_run: bool,
    what: str,
    as_json: bool,
) -> None:
    """Write the absences, then replan each of the member's roles on its own line, then tell
    whoever's dates moved (one message each, whatever the roles)."""
    from functools import partial

    from rolebot import payloads
    from rolebot.errors import StepsFailed
    from rolebot.jobs.moved import NAME, tell
    from rolebot.jobs.steps import StepLog
    from rolebot.output import emit_json, preview_moved, say_steps, show_unsent
    from rolebot.state import save_state

    roles = [app.config.roles[key] for key, order in groups.items() if any(m.id == member.id for m in order)]
    if not roles:
        app.say(f"note: {member.name} is in no role's user group now: no calendar to replan")
    after = team.with_away(absences)
    telling = any(role.slack.dm for role in roles)
    log = StepLog(["state", *(f"calendar {role.key}" for role in roles), NAME])
    if dry_run:
        log.done("state", f"would record: {what}" if after.away != team.away else "nothing to change")
    else:
        written = save_state(app.settings.state_path, after, app.config, team)
        log.done("state", f"recorded: {what}" if written else "already recorded: nothing to change")
    plans: dict[str, ReplanPlan] = {}
    moved: list[DatesMoved] = []
    for role in roles:
        name = f"calendar {role.key}"
        text = log.attempt(name, partial(_replan, app, role, after, dry_run, plans, moved, as_json))
        if text is not None:
            log.done(name, text)
    if telling and dry_run:
        preview_moved(app, *(item.moves for item in moved), to_stderr=as_json)
    elif telling:
        told = log.attempt(NAME, partial(tell, app, moved))
        if told is not None:
            log.done(NAME, told)
    show_unsent(app, to_stderr=as_json)
    results = log.results
    say_steps(app, results)
    if as_json:
        emit_json(
            {
                "dry_run": dry_run,
                "ok": all(step.ok for step in results),
                "member": payloads.person(member),
                "away": [payloads.absence(a) for a in after.away],
                "plans": {key: payloads.replan(plan) for key, plan in plans.items()},
                "steps": payloads.steps(results),
            }
        )
    failed = [step.name for step in results if not step.ok]
    if failed:
        raise StepsFailed(
            f"{len(failed)} of {len(results)} steps failed ({', '.join(failed)})",
            "fix what the ✗ line says, then run the same command again: what is done is not repeated",
        )


def _replan(
    app: AppContext,
    role: RoleConfig,
    team: TeamState,
    dry_run: bool,
    plans: dict[str, ReplanPlan],
    moved: list[DatesMoved],
    as_json: bool,
) -> str:
    """Replan one role with the absences as they now are; what that did, for people. Its plan goes
    in `plans`, what it moved (or would move) in `moved`."""
    from functools import partial

    from rolebot.apply import apply_replan
    from rolebot.events import role_events
    from rolebot.jobs.moved import DatesMoved, recording
    from rolebot.jobs.shift import follow, read_role, replan_role
    from rolebot.render import replan_table

    reads = read_role(app, role, team)
    events = reads.events.result() if reads.events is not None else []
    if not role_events(role, events):
        return "no calendar events yet: nothing to replan (`rolebot rotate` fills it)"
    plan = replan_role(app, role, team, reads, team.away)
    plans[role.key] = plan
    app.show(replan_table(plan), as_json=as_json)
    if dry_run:
        moved.append(DatesMoved(plan))
        return f"would update {len(plan.updates)} and create {len(plan.creates)} event(s)"
    done = recording(plan, partial(apply_replan, app, plan), moved)
    follow_lines = follow(app, role, team, reads.order(), plan.applied_to(events), [t.day for t in plan.moves])
    return "; ".join([done, *follow_lines])
