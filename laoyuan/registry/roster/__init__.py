"""Resident roster import (花名册导入): a community worker's Excel or CSV roster into the
registry, checked first (preview), written on confirmation (commit), all or nothing.

- `columns`: known column names and finding the header row;
- `reading`: .xlsx/.xls (python-calamine) and .csv (UTF-8, GB18030) into numbered rows;
- `rows`: one row's cells into clean values, or its problems in Chinese;
- `analysis`: a whole file: valid rows, rejected rows, duplicates;
- `planning`: matching against the registry in bulk; the preview counts and the commit;
- `writing`: many rows in one prepared statement (or COPY on PostgreSQL);
- `spreadsheets`: the template and the rejected-rows download;
- `actions` / `queries`: the writes (permission-checked, audited) and scoped reads.
"""
