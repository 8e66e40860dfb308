"""Who is signed in: the PostgreSQL role of the connection, or the operating-system user on a SQLite file.

In a shared office each person connects to PostgreSQL with their own login role (a password,
or the office's Kerberos/LDAP through PostgreSQL's own authentication), a member of one of
the roles `reviewer office-db setup` creates; Reviewer reads who is there from the connection.
On a single-user SQLite file the typed name is kept, with the operating-system user beside it.
"""
from __future__ import annotations

import getpass

from reviewer.domain.people import User, bar_number_digits, bar_number_problem
from reviewer.domain.vocabulary import Role
from reviewer.store.database import Database
from reviewer.store.office_roles import ATTORNEY_ROLE, connection_roles

# A California State Bar number is the member's number, up to six digits (Bus. & Prof. Code 6002.1
# requires members to keep it on record; it is printed as e.g. "SBN 123456").


class IdentityError(Exception):
    """The signed-in user cannot act as asked (message for the user)."""


def os_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return ""


def normalise_bar_number(text: str) -> str:
    """"SBN 123456" -> "123456"; "" stays ""; anything else not of that form: IdentityError saying why."""
    if not (text or "").strip():
        return ""
    problem = bar_number_problem(text)
    if problem:
        raise IdentityError(f"{text.strip()!r} is not a State Bar number: {problem[0].lower()}{problem[1:].rstrip('.')}")
    return bar_number_digits(text)


def signed_in_user(db: Database, typed_name: str, role: Role, bar_number: str = "") -> User:
    """The user Reviewer records. PostgreSQL: the connection's role decides who and what they may do
    (a typed name is only shown); SQLite: the typed name, with the operating-system user beside it."""
    bar = normalise_bar_number(bar_number)
    if db.is_sqlite:
        name = (typed_name or "").strip() or os_account()
        return User(name, role, bar, account=os_account())
    with db.engine.connect() as conn:
        login, member_of = connection_roles(conn)
    if not member_of:
        # Not signed in through an office role: the database's owner on a server without `office-db
        # setup` (one person's use). As on a SQLite file: the typed name, the role name beside it.
        return User((typed_name or "").strip() or login, role, bar, account=login)
    actual = Role.ATTORNEY if ATTORNEY_ROLE in member_of else Role.CLERK  # reviewer_clerk, reviewer_admin
    if role is Role.CLERK:
        actual = Role.CLERK  # an attorney may choose to work as a clerk, never the other way round
    return User(login, actual, bar, account=login)
