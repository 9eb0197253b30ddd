"""Balances of the double-entry ledger (台账余额), from its entries.

Per account, the balance is debits minus credits. With the four accounts of a source
(renewal.models.funding): pledged = −balance(pledged); still to arrive = balance(receivable);
received and not yet spent = balance(cash); spent = balance(spent). Every entry debits one
account and credits another by the same amount, so the four balances always sum to zero:
pledged = to arrive + cash + spent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from laoyuan.renewal.models import Account

ZERO = Decimal("0.00")


@dataclass
class Balances:
    """What one source (or any set of entries) stands at."""

    accounts: dict[str, Decimal] = field(default_factory=dict)

    def post(self, debit: str, credit: str, amount: Decimal) -> None:
        self.accounts[debit] = self.accounts.get(debit, ZERO) + amount
        self.accounts[credit] = self.accounts.get(credit, ZERO) - amount

    def _balance(self, account: str) -> Decimal:
        return self.accounts.get(account, ZERO)

    @property
    def pledged(self) -> Decimal:
        return -self._balance(Account.PLEDGED)

    @property
    def outstanding(self) -> Decimal:
        """Pledged but not arrived yet (应到未到)."""
        return self._balance(Account.RECEIVABLE)

    @property
    def cash(self) -> Decimal:
        """Arrived and not spent yet (结余)."""
        return self._balance(Account.CASH)

    @property
    def spent(self) -> Decimal:
        return self._balance(Account.SPENT)

    @property
    def received(self) -> Decimal:
        return self.cash + self.spent

    @property
    def balanced(self) -> bool:
        return sum(self.accounts.values(), ZERO) == ZERO

    def __iadd__(self, other: Balances) -> Balances:
        for account, value in other.accounts.items():
            self.accounts[account] = self.accounts.get(account, ZERO) + value
        return self


def balances(rows: Iterable[tuple[str, str, Decimal]]) -> Balances:
    """Balances from (debit, credit, amount) rows (entries, or sums grouped by the pair)."""
    out = Balances()
    for debit, credit, amount in rows:
        out.post(debit, credit, amount)
    return out
