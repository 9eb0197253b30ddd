"""Reads of renewal (老旧小区改造), already scoped to the user: views and the API read through
these modules (projects, funding, portfolio, rectification, checkup, portal)."""
