"""The `roster` command: run the server, create workspaces, print sign-in links, seed the demo.

Configuration comes from the environment exactly as for the server (``app.config.Settings``). Every
command that touches the database migrates it first. Exit codes: 0 success, 1 a refused command (the
domain's message, no traceback), 2 bad arguments or configuration, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TextIO, TypeVar
from uuid import UUID

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.actor import Actor
from app.config import Settings
from app.db import Database
from app.enums import Plan, Role
from app.errors import DomainError

T = TypeVar("T")
SYSTEM = Actor.system()


class CommandError(Exception):
    """A command failed for a reason the operator can act on; shown without a traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# -- plumbing -------------------------------------------------------------------------------------------


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_env_name(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise CommandError(f"invalid configuration in the environment: {problems}", code=2) from None


def _env_name(loc: tuple[Any, ...]) -> str:
    """The environment variable behind a settings field, as the operator sets it."""
    name = str(loc[0]) if loc else "settings"
    if name in ("database_url", "DATABASE_URL"):
        return "DATABASE_URL"
    return f"ROSTER_{name.upper()}"


def _database(settings: Settings) -> Database:
    try:
        return Database(
            settings.database_url,
            sqlite_executor=settings.sqlite_executor,
            reader_threads=settings.reader_threads,
        )
    except Exception as exc:  # unknown driver, malformed URL: both are configuration errors
        raise CommandError(f"cannot use DATABASE_URL {settings.database_url!r}: {exc}", code=2) from None


def _with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Migrate, run ``work`` and dispose of the engines, in one event loop."""

    async def run() -> T:
        db = _database(settings)
        try:
            try:
                await db.migrate()
            except Exception as exc:  # unreachable server, wrong credentials, unwritable file
                raise CommandError(_database_problem(settings, "migrate", exc)) from None
            try:
                return await work(db)
            except (SQLAlchemyError, OSError) as exc:
                raise CommandError(_database_problem(settings, "use", exc)) from None
        finally:
            await db.dispose()

    return asyncio.run(run())


def _database_problem(settings: Settings, action: str, exc: BaseException) -> str:
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"cannot {action} the database at {shown}: {reason[0] if reason else type(exc).__name__}"


def _link(settings: Settings, plaintext: str) -> str:
    return f"{settings.public_base}/auth/link/{plaintext}"


def _scim_base(settings: Settings, scim_key: str) -> str:
    return f"{settings.public_base}/scim/v2/{scim_key}"


def _link_validity(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.login_link_minutes)


def _print_json(data: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


def _hours(settings: Settings) -> str:
    minutes = settings.login_link_minutes
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


# -- roster migrate --------------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the database schema to the newest revision."""

    async def noop(_db: Database) -> None:
        return None

    _with_database(settings, noop)
    print("database is up to date")
    return 0


# -- roster serve ----------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate once, then run uvicorn with the app factory (workers share nothing but the database)."""
    import uvicorn

    if settings.migrate_on_start:

        async def noop(_db: Database) -> None:
            return None

        _with_database(settings, noop)
    # Migrated above, once: workers must not race each other through Alembic at start-up.
    os.environ["ROSTER_MIGRATE_ON_START"] = "false"
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


# -- roster workspace create ----------------------------------------------------------------------------


def _create_workspace(
    session: Any,
    *,
    name: str,
    plan: Plan,
    owner_email: str,
    owner_name: str | None,
    default_timezone: str,
    enable_scim: bool,
    valid_for: timedelta,
) -> dict[str, Any]:
    """One unit of work: the workspace, its owner's sign-in link and, if asked, SCIM; all or nothing."""
    from app.auth import service as auth_service
    from app.scim_settings import service as scim_settings
    from app.workspaces import service as workspace_service

    created = workspace_service.create_workspace(
        session,
        SYSTEM,
        name=name,
        plan=plan,
        owner_email=owner_email,
        owner_name=owner_name,
        default_timezone=default_timezone,
    )
    workspace, owner = created.workspace, created.owner
    link = auth_service.issue_login_link(
        session, SYSTEM, workspace_id=workspace.id, email=owner_email, valid_for=valid_for
    )
    token: str | None = None
    if enable_scim:
        owner_actor = Actor.member(workspace.id, owner.id, Role.OWNER)
        token = scim_settings.enable_scim(session, owner_actor, workspace_id=workspace.id).plaintext
    return {
        "workspace_id": str(workspace.id),
        "name": workspace.name,
        "plan": workspace.plan.value,
        "timezone": workspace.default_timezone,
        "owner_id": str(owner.id),
        "owner_email": owner.user_name,
        "scim_key": workspace.scim_key,
        "link": link.plaintext,
        "token": token,
    }


def cmd_workspace_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create a workspace with its owner; print the owner's sign-in link and, with SCIM, the token."""
    plan = Plan(args.plan.upper())

    async def work(db: Database) -> dict[str, Any]:
        return await db.write(
            _create_workspace,
            name=args.name,
            plan=plan,
            owner_email=args.owner_email,
            owner_name=args.owner_name,
            default_timezone=args.timezone,
            enable_scim=args.enable_scim,
            valid_for=_link_validity(settings),
        )

    made = _with_database(settings, work)
    scim = (
        {"base_url": _scim_base(settings, made["scim_key"]), "token": made["token"]}
        if made["token"]
        else None
    )
    result = {
        "workspace_id": made["workspace_id"],
        "name": made["name"],
        "plan": made["plan"],
        "timezone": made["timezone"],
        "owner": {
            "id": made["owner_id"],
            "email": made["owner_email"],
            "sign_in_link": _link(settings, made["link"]),
        },
        "scim": scim,
    }
    if args.json:
        _print_json(result, sys.stdout)
        return 0
    print(f"Workspace {made['name']!r} created: {made['workspace_id']} (plan {made['plan']})")
    print(f"Owner sign-in link for {made['owner_email']} (one-time, valid {_hours(settings)}):")
    print(f"  {result['owner']['sign_in_link']}")
    if scim:
        print(f"SCIM base URL: {scim['base_url']}")
        print(f"SCIM token (shown once, store it in the identity provider now): {scim['token']}")
    return 0


# -- roster login-link ---------------------------------------------------------------------------------


def _issue_link(session: Any, *, workspace_id: UUID, email: str, valid_for: timedelta) -> str:
    from app.auth import service as auth_service
    from app.workspaces import service as workspace_service

    workspace_service.get_workspace(session, SYSTEM, workspace_id=workspace_id)
    issued = auth_service.issue_login_link(
        session, SYSTEM, workspace_id=workspace_id, email=email, valid_for=valid_for
    )
    return issued.plaintext


def cmd_login_link(args: argparse.Namespace, settings: Settings) -> int:
    """Print a fresh one-time sign-in link for a member."""

    async def work(db: Database) -> str:
        return await db.write(
            _issue_link, workspace_id=args.workspace, email=args.email, valid_for=_link_validity(settings)
        )

    plaintext = _with_database(settings, work)
    link = _link(settings, plaintext)
    if args.json:
        _print_json(
            {"email": args.email, "workspace_id": str(args.workspace), "sign_in_link": link}, sys.stdout
        )
    else:
        print(link)
    return 0


# -- roster demo -------------------------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, total: int, out: TextIO) -> None:
        self.total, self.out = total, out
        self.tty = out.isatty()
        self._last_percent = -1

    def update(self, done: int) -> None:
        percent = 100 * done // max(self.total, 1)
        if self.tty:
            filled = 30 * done // max(self.total, 1)
            bar = "#" * filled + "." * (30 - filled)
            self.out.write(f"\rseeding members [{bar}] {done}/{self.total}")
            if done >= self.total:
                self.out.write("\n")
        elif percent // 25 != self._last_percent // 25 or done >= self.total:
            self.out.write(f"seeding members: {done}/{self.total}\n")
        self._last_percent = percent
        self.out.flush()


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Seed (or, when present, reopen) the "Demo Co" workspace and print where to click."""
    from app import demo

    valid_for = _link_validity(settings)

    async def work(db: Database) -> demo.DemoAccess:
        existing = await db.read(demo.find_demo)
        if existing is not None:
            return await db.write(demo.refresh_demo, existing, valid_for=valid_for)
        plan = await db.write(demo.start_demo)
        progress = _Progress(args.members, sys.stderr)
        progress.update(0)
        for start in range(0, args.members, demo.BATCH):
            stop = min(start + demo.BATCH, args.members)
            await db.write(demo.seed_members, plan, start=start, stop=stop)
            progress.update(stop)
        return await db.write(demo.finish_demo, plan, valid_for=valid_for)

    access = _with_database(settings, work)
    links = {role: _link(settings, secret) if secret else None for role, secret in access.links.items()}
    result: dict[str, Any] = {
        "workspace_id": str(access.workspace_id),
        "name": demo.DEMO_NAME,
        "created": access.created,
        "members": access.members,
        "app_url": settings.public_base + "/",
        "sign_in": {
            "owner": {"email": demo.OWNER_EMAIL, "link": links["owner"]},
            "admin": {"email": demo.ADMIN_EMAIL, "link": links["admin"]},
            "member": {"email": demo.MEMBER_EMAIL, "link": links["member"]},
        },
        "scim": {"base_url": _scim_base(settings, access.scim_key), "token": access.scim_token},
    }
    if args.json:
        _print_json(result, sys.stdout)
        return 0
    if access.created:
        print(
            f"\nSeeded {demo.DEMO_NAME!r}: {access.members} people (owner, admin and {args.members} members)."
        )
    else:
        print(
            f"\n{demo.DEMO_NAME!r} already exists ({access.members} people); "
            "not seeding it again. Fresh links below."
        )
    print(f"\nOpen one of these in a browser (one-time links, valid {_hours(settings)}):")
    for role in ("owner", "admin", "member"):
        shown = links[role] or "(this person cannot sign in: deactivated or removed)"
        print(f"  {role:<6} {result['sign_in'][role]['email']:<26} {shown}")
    print("\nSCIM, to paste into an identity provider (or use with curl):")
    print(f"  base URL  {result['scim']['base_url']}")
    print(f"  token     {access.scim_token}")
    print(f"\nThe app: {result['app_url']}  (start it with `roster serve`)")
    return 0


# -- argument parsing ---------------------------------------------------------------------------------


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not between {low} and {high}")
        return number

    return parse


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a workspace id (a UUID)") from None


def build_parser() -> argparse.ArgumentParser:
    """The `roster` argument parser."""
    from app.demo import MAX_MEMBERS

    parser = argparse.ArgumentParser(
        prog="roster",
        description="Roster: workspaces and members, provisioned over SCIM 2.0.",
        epilog="Configuration comes from the environment: DATABASE_URL, ROSTER_PUBLIC_URL, ... (see README).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="migrate the database, then run the web server")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_bounded_int(1, 65535), default=8000, help="TCP port (default 8000)")
    serve.add_argument("--workers", type=_bounded_int(1, 256), default=1, help="worker processes (default 1)")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    serve.set_defaults(handler=cmd_serve)

    workspace = commands.add_parser("workspace", help="manage workspaces")
    workspace_commands = workspace.add_subparsers(dest="workspace_command", metavar="COMMAND", required=True)
    create = workspace_commands.add_parser("create", help="create a workspace with its first owner")
    create.add_argument("--name", required=True)
    create.add_argument("--plan", required=True, type=str.lower, choices=["free", "pro", "enterprise"])
    create.add_argument("--owner-email", required=True)
    create.add_argument("--owner-name")
    create.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/Paris (default UTC)")
    create.add_argument("--enable-scim", action="store_true", help="turn SCIM on (Enterprise only)")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(handler=cmd_workspace_create)

    link = commands.add_parser("login-link", help="print a fresh one-time sign-in link for a member")
    link.add_argument("email")
    link.add_argument("--workspace", required=True, type=_uuid, metavar="ID")
    link.add_argument("--json", action="store_true", help="print JSON")
    link.set_defaults(handler=cmd_login_link)

    demo = commands.add_parser("demo", help='seed the "Demo Co" workspace (or print fresh links for it)')
    demo.add_argument(
        "--members",
        type=_bounded_int(1, MAX_MEMBERS),
        default=60,
        help=f"ordinary members besides the owner and the admin (default 60, at most {MAX_MEMBERS:,})",
    )
    demo.add_argument("--json", action="store_true", help="print JSON")
    demo.set_defaults(handler=cmd_demo)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(handler=cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `roster` console script; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "serve" and args.reload and args.workers > 1:
            parser.error("--reload and --workers > 1 cannot be combined")
        if getattr(args, "enable_scim", False) and args.plan != "enterprise":
            parser.error("--enable-scim needs --plan enterprise (SCIM provisioning is an Enterprise feature)")
        settings = _settings()
        return int(args.handler(args, settings))
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    except CommandError as exc:
        print(f"roster: error: {exc}", file=sys.stderr)
        return exc.code
    except DomainError as exc:
        print(f"roster: error: {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("roster: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
