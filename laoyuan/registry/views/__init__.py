"""The staff workspace (工作台) and the resident portal (居民端): server-rendered pages.

Views parse input, read through `registry.queries` (already scoped to the user) and write through
`registry.actions`. Every object is looked up with `get_visible_or_404`, so a place outside the
user's scope answers 404 exactly as one that does not exist. Lists are paginated, and each page
runs a fixed number of queries: counts come grouped, for the rows of the current page only.
Full ID numbers (身份证号) and phones never reach a template except on the answer to an explicit,
logged reveal (查看完整号码).
"""

from laoyuan.registry.views.furniture import BoundedPaginator
from laoyuan.registry.views.places import (
    age_structure,
    building_detail,
    community_detail,
    compound_detail,
    grid_detail,
    unit_detail,
    workspace,
)
from laoyuan.registry.views.portal import portal, portal_reveal
from laoyuan.registry.views.residents import (
    resident_create,
    resident_detail,
    resident_edit,
    resident_list,
    resident_reveal,
)

__all__ = [
    "BoundedPaginator",
    "age_structure",
    "building_detail",
    "community_detail",
    "compound_detail",
    "grid_detail",
    "portal",
    "portal_reveal",
    "resident_create",
    "resident_detail",
    "resident_edit",
    "resident_list",
    "resident_reveal",
    "unit_detail",
    "workspace",
]
