"""Accounts and the plan that decides their rate limits."""

from dataclasses import dataclass

PLANS = ("free", "pro", "business")


@dataclass
class Account:
    id: str
    plan: str = "pro"
    name: str = ""
    account_number: int = 0
