"""Groups of an account; a user may belong to several."""

from dataclasses import dataclass


@dataclass
class Group:
    id: str
    account_id: str
    name: str
