"""Scope walk fillers for the funnel (意见漏斗): its two routes take no key in the path (the
place comes in the query string), so the walk only checks that anonymous users are sent to log
in; tests/voices/test_funnel_scope.py checks every out-of-scope place answers 404."""

FILL: dict = {}
