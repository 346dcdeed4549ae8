"""Accounts and the plan that decides their rate limits."""

from dataclasses import dataclass

PLANS = ("free", "pro", "business")


@dataclass
class Account:
    id: str
    plan: str = "pro"
    name: str = ""
    account_number: int = 0
    # Paid licences (Licensed users); None: as many as asked for. The free plan has none.
    licenses: int | None = None

    @property
    def licence_limit(self) -> int | None:
        return 0 if self.plan == "free" else self.licenses
