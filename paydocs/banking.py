"""Russian bank requisites: БИК, correspondent and settlement accounts, and
the control key that ties an account to its bank (Bank of Russia's rule:
the key digit is the account's ninth)."""

import re

_WEIGHTS = (7, 1, 3) * 8
BIK = re.compile(r"^0[14]\d{7}$")  # 04: banks; 01: the Treasury (since 2021)
ACCOUNT = re.compile(r"^\d{20}$")


def _key_sum(digits: str) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, _WEIGHTS, strict=False)) % 10


def account_key_holds(account: str, bik: str) -> bool:
    """Whether a 20-digit account's control key agrees with the bank's БИК.

    An account at a credit institution is checked after the БИК's last three
    digits; one at a Bank of Russia settlement centre (the БИК ending in 000,
    001 or 002) after "0" and the БИК's fifth and sixth digits."""
    if not (ACCOUNT.match(account) and BIK.match(bik)):
        return False
    prefix = f"0{bik[4:6]}" if bik[-3:] in ("000", "001", "002") else bik[-3:]
    return _key_sum(prefix + account) == 0


def correspondent_key_holds(account: str, bik: str) -> bool:
    """A bank's correspondent account (30101…) against its БИК."""
    if not (ACCOUNT.match(account) and BIK.match(bik)):
        return False
    return _key_sum(f"0{bik[4:6]}" + account) == 0
