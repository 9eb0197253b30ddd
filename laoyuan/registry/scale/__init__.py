"""District-scale generator (规模数据生成): a whole synthetic district for load tests and
benchmarks, and the synthetic-people factory the demo scenario shares.

- `people`: names, birth dates, ID numbers (身份证号), phones and households of synthetic people;
- `layout`: buildings, stairwells, flats and micro-grids (微网格) of a compound;
- `rows`: fast bulk insert of plain rows (executemany on SQLite, COPY on PostgreSQL);
- `generate`: the presets, the plan of a district and `seed_scale`, which writes it.

A generated district's codes start with `SCALE-<preset>-<seed>`, so it never collides with the
demo scenario or with real data and can be added to an existing database; the same preset and
seed are generated only once. Everything is synthetic and sealed through `laoyuan.core.pii`.
"""

from laoyuan.registry.scale.generate import (
    PRESETS,
    SCALE_REGIONS,
    AlreadyGenerated,
    Preset,
    ScaleReport,
    district_code,
    district_counts,
    seed_scale,
)
from laoyuan.registry.scale.layout import chinese_number, grid_slices, quantize_area
from laoyuan.registry.scale.people import (
    CareRates,
    Member,
    People,
    household_members,
    pick_head,
    resident_values,
)

__all__ = [
    "PRESETS",
    "SCALE_REGIONS",
    "AlreadyGenerated",
    "CareRates",
    "Member",
    "People",
    "Preset",
    "ScaleReport",
    "chinese_number",
    "district_code",
    "district_counts",
    "grid_slices",
    "household_members",
    "pick_head",
    "quantize_area",
    "resident_values",
    "seed_scale",
]
