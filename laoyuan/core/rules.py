"""Who may do what (权限): small named permissions, each granted to a set of roles.

A permission is always exercised within the scope of the assignment that grants it: a grid
worker may edit residents of her grid, not of the grid next door. `scopes.scope_q` joins the two.
"""

from laoyuan.core.models import Role

# Staff of the street and community hierarchy. Party staff (责任单位人员) act for a utility or a
# department on the cases assigned to it, and see nothing else (laoyuan.cases).
STAFF_ROLES = frozenset(r for r in Role if r not in (Role.RESIDENT, Role.PARTY_STAFF))

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
    # --- Case work (工单, laoyuan.cases) ---
    # See cases, their timelines and the responsible parties in one's place; party staff see
    # only the cases assigned to their party (their assignment sits on the party).
    "cases.view": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.PARTY_STAFF,
        }
    ),
    # Open a case directly (the form, an API client) in one's place.
    "cases.open": frozenset(
        {Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PARTY_SECRETARY}
    ),
    # Dispatch a case to a party (派单), take it back, cancel it, decide a reviewed case.
    "cases.dispatch": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER}),
    # Act for the responsible party: accept, return, transfer, post progress, pause, solve.
    "cases.handle": frozenset({Role.PARTY_STAFF}),
    # Record the resident's confirmation and rating on her behalf after a call-back (回访).
    "cases.rate": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER}),
    # The overdue board (督办看板) and the statistics of case work.
    "cases.supervise": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER}),
    # Issue a formal supervision notice (督办单) with its own deadline.
    "cases.notice": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER}),
    # Register responsible parties, their contacts and the accounts that act for them.
    "cases.parties": frozenset({Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER}),
    # Set the street's service levels (办理时限) per category.
    "cases.service_levels": frozenset({Role.STREET_OFFICIAL}),
    # A resident opens a case on the portal, follows her cases and rates them.
    "portal.case": frozenset({Role.RESIDENT}),
    # --- Meetings and owners' votes (会议与业主表决) ---
    # Plan meetings (居民议事会, 业主大会, 业委会会议, 三方联席会 …) and record their notice, agenda,
    # attendance, minutes and resolutions. The owners' committee calls owners' assemblies.
    "meetings.plan": frozenset(
        {Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.PARTY_SECRETARY, Role.OWNERS_COMMITTEE}
    ),
    # A resident sees her compound's meetings and signs in on her phone on the day.
    "portal.meetings": frozenset({Role.RESIDENT}),
    # See owners' votes: the roll (phones masked), the running participation and who has not
    # voted yet (door-knocking), the ballot history, the result. Not property staff: the
    # property company may be what the owners vote on (hiring or dismissing it).
    "votes.view": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.OWNERS_COMMITTEE,
        }
    ),
    # Organise votes: prepare, open, close and cancel them; open the scans of paper ballots
    # and written proxies (they show names and signatures; each opening is logged).
    "votes.organise": frozenset(
        {Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.PARTY_SECRETARY, Role.OWNERS_COMMITTEE}
    ),
    # Type in paper ballots and record written proxies (grid workers collect them door to door).
    "votes.enter": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.OWNERS_COMMITTEE,
        }
    ),
    # An owner (or her proxy) votes on her phone, sees her own ballots and, once it is closed,
    # the result.
    "portal.vote": frozenset({Role.RESIDENT}),
    # --- Public notices (公示), laoyuan.notices ---
    # See the notices of one's place with their objections (objectors named, phones masked).
    "notices.view": STAFF_ROLES,
    # Write, publish and withdraw notices; answer objections. The owners' committee publishes
    # for its compound (vote results, accounts); property staff do not publish in the name of
    # the community, and grid workers record paper objections but do not answer them.
    "notices.publish": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.PARTY_SECRETARY,
            Role.OWNERS_COMMITTEE,
        }
    ),
    # Type in an objection received on paper during the period.
    "notices.record_objection": frozenset(
        {
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.PARTY_SECRETARY,
            Role.OWNERS_COMMITTEE,
        }
    ),
    # A resident reads the notices of her place and files objections (异议) on the portal.
    "portal.object": frozenset({Role.RESIDENT}),
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
