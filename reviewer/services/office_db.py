"""`reviewer office-db`: set up a shared PostgreSQL database's roles and add people to them."""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from reviewer.store import office_roles
from reviewer.store.database import Database
from reviewer.store.office_roles import OFFICE_ROLES, RoleError
from reviewer.store.transactions import plain_message

ROLE_NAMES = {"attorney": office_roles.ATTORNEY_ROLE, "clerk": office_roles.CLERK_ROLE,
              "admin": office_roles.ADMIN_ROLE}


class OfficeSetupError(Exception):
    """The office roles cannot be set up (message for the user, no SQL)."""


def _postgres(target: str) -> Database:
    db = Database(target)
    if db.is_sqlite:
        db.dispose()
        raise OfficeSetupError("office roles are for a shared PostgreSQL database; a SQLite file has one user")
    return db


def setup(target: str) -> list[str]:
    """Bring the schema up to date, create the three roles (idempotent) and grant them; the grants made."""
    db = _postgres(target)
    try:
        with db.engine.begin() as conn:
            office_roles.create_roles(conn)
        with db.engine.begin() as conn:
            return office_roles.grant_office(conn)
    except RoleError as exc:
        raise OfficeSetupError(str(exc)) from None
    except DBAPIError as exc:
        raise OfficeSetupError("setup needs the database's owner with the right to create roles: "
                               + plain_message(exc)) from None
    finally:
        db.dispose()


def add_person(target: str, login: str, role: str, create: bool = False) -> str:
    """Make a login role (the person's own) a member of reviewer_attorney, _clerk or _admin."""
    if role not in ROLE_NAMES:
        raise OfficeSetupError(f"--role must be one of {', '.join(ROLE_NAMES)}")
    db = _postgres(target)
    try:
        with db.engine.begin() as conn:
            office_roles.add_member(conn, login, ROLE_NAMES[role], create)
    except RoleError as exc:
        raise OfficeSetupError(str(exc)) from None
    except DBAPIError as exc:
        raise OfficeSetupError(plain_message(exc)) from None
    finally:
        db.dispose()
    return ROLE_NAMES[role]


__all__ = ["OFFICE_ROLES", "OfficeSetupError", "add_person", "setup"]
