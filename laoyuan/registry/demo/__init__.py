"""The demo scenario (演示场景): the places and people of the two cases in the seed documents,
Chengdu Jinjiang's Wufuyuan (五福苑) and Suzhou Gusu's Canglang street (沧浪街道), with one demo
account per role. `scenario` holds them as data; `loading` writes them, idempotently.

Every name, ID number (身份证号) and phone is synthetic: generated from lists with a seeded
random generator, valid under GB 11643 but nobody's.
"""

from laoyuan.registry.demo.loading import (
    AccountRow,
    DemoReport,
    DemoResetBlocked,
    format_accounts,
    load_demo,
    reset_demo,
)
from laoyuan.registry.demo.scenario import (
    DEMO_ACCOUNTS,
    DEMO_DISTRICTS,
    DEMO_PASSWORD,
    WUFUYUAN,
    all_compounds,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_DISTRICTS",
    "DEMO_PASSWORD",
    "WUFUYUAN",
    "AccountRow",
    "DemoReport",
    "DemoResetBlocked",
    "all_compounds",
    "format_accounts",
    "load_demo",
    "reset_demo",
]
