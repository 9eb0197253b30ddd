"""Importing residents' voices (意见导入) from sheets: questionnaire sheets (问卷) and 12345
hotline exports (12345工单), checked first (preview), recorded on confirmation (commit), all or
nothing, and never twice (re-running a file creates nothing new).

- `columns`: the known columns of each kind and finding the header row;
- `rows`: one row's cells into voices, or its problems in Chinese;
- `analysis`: a whole file: new voices, rejected rows, rows already imported;
- `actions` / `queries`: the writes (permission-checked, audited) and scoped reads;
- `spreadsheets`: the templates and the rejected-rows download.

Reading the file (.xlsx/.xls/.csv in UTF-8 or GB18030, merged title rows, full-width text) is
the roster import's (`laoyuan.registry.roster.reading`), given our own header finder.
"""
