"""Roles of an account. Owner, Admin and Member are built in with Zoom's ids 0, 1 and 2."""

from dataclasses import dataclass


@dataclass
class Role:
    id: str
    account_id: str
    name: str
    description: str = ""
    type: str = "common"


BUILT_IN = (
    ("0", "Owner", "Account owner has full privileges to access and manage a Zoom account."),
    ("1", "Admin", "Admins have wide range privileges to access and manage a Zoom account."),
    ("2", "Member", "Members have access to basic Zoom video meeting functions but no account management."),
)
