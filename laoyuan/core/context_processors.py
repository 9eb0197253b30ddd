from django.utils.functional import SimpleLazyObject

from laoyuan.core.notify import unread_count
from laoyuan.core.scopes import assignments_of, roles_of


def workspace(request):
    """What the base layout needs: is this a staff member or a resident?"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    return {
        # Party staff (责任单位人员) act for a utility or a department on its cases only: they
        # get the case pages, not the street's and community's workspace.
        "is_staff_member": bool(roles - {"resident", "party_staff"}),
        "is_party_staff": "party_staff" in roles,
        "is_resident": "resident" in roles,
        "my_assignments": assignments_of(user),
        # Counted only when a page shows it (one query), never on pages that do not.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
