"""Scope-walk fillers of each app's pages, one module per area: each defines FILL (URL name →
(object in scope for the insider, out of scope for qian, out of scope for zhang)) and may define
INSIDER (URL name → cast member who is the insider, default li). tests/registry/test_scope_walk.py
merges them all, so a new page is walked as soon as its area's module names it."""
