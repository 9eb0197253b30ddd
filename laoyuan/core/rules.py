"""Who may do what (权限): small named permissions, each granted to a set of roles.

A permission is always exercised within the scope of the assignment that grants it: a grid
worker may edit residents of her grid, not of the grid next door. `scopes.scope_q` joins the two.
"""

from laoyuan.core.models import Role

STAFF_ROLES = frozenset(r for r in Role if r != Role.RESIDENT)

PERMISSIONS: dict[str, frozenset[str]] = {
    # See places, households and residents (masked) in the staff workspace and the API.
    "registry.view": STAFF_ROLES,
    # Create and change places, units, households and residents.
    "registry.edit": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER}),
    # Import resident rosters.
    "registry.import": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER}),
    # Reveal a full ID number or phone number (logged every time).
    "pii.reveal": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER}),
    # The resident portal: one's own household, details and compound.
    "portal.view": frozenset({Role.RESIDENT}),
    # A resident reveals their own household's details.
    "portal.reveal": frozenset({Role.RESIDENT}),
    # Residents' voices and topics (社情民意与议题): see them, and the funnel.
    "voices.view": STAFF_ROLES,
    # Record voices heard in person, by phone or at a meeting (batch entry).
    "voices.record": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.SOCIAL_ORG_STAFF,
        }
    ),
    # Import questionnaire sheets and 12345 hotline exports.
    "voices.import": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER}),
    # Confirm or correct categories; group voices: merge, split and move between topics.
    "topics.sort": frozenset(
        {Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PARTY_SECRETARY}
    ),
    # Move a topic through deliberation to its decision and outcome; record meetings.
    "topics.decide": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.PARTY_SECRETARY}),
    # Edit the street's taxonomy of concerns and retrain its classifier.
    "voices.taxonomy": frozenset({Role.STREET_OFFICIAL}),
    # A resident submits voices from the portal and follows them.
    "portal.voice": frozenset({Role.RESIDENT}),
    # --- Renovation (老旧小区改造, laoyuan.renewal) ---
    # See the project library, funding and accounts, supervision, check-ups and the portfolio.
    "renewal.view": STAFF_ROLES,
    # Put projects in the library and move them through their lifecycle; schedules, the
    # supervision group, acceptance, surveys and maintenance; the rectification list.
    "renewal.manage": frozenset(
        {Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.PARTY_SECRETARY}
    ),
    # Record funding: sources and pledges, money received, residents' shares, payment requests.
    "renewal.funds": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.PROPERTY_STAFF}),
    # Approve or refuse a payment someone else asked for (the second key, 双人审批).
    "renewal.approve": frozenset({Role.STREET_OFFICIAL, Role.OWNERS_COMMITTEE}),
    # Record supervision inspections and the problems they find.
    "renewal.inspect": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.OWNERS_COMMITTEE,
        }
    ),
    # Report rectification items in progress or done (those responsible, and the staff).
    "renewal.rectify": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.PROPERTY_STAFF,
        }
    ),
    # Keep the infrastructure inventory and record check-ups (城市体检).
    "renewal.checkup": frozenset(
        {Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.PROPERTY_STAFF}
    ),
    # A resident follows her compound's projects, volunteers to supervise, answers the survey.
    "portal.renewal": frozenset({Role.RESIDENT}),
}


def roles_with(permission: str) -> frozenset[str]:
    try:
        return PERMISSIONS[permission]
    except KeyError as exc:
        raise ValueError(f"Unknown permission {permission!r}") from exc
