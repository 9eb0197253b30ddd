"""Owners' votes (业主表决) under Civil Code art. 278: rule sets, the frozen roll, ballots, the
hash chain and the exact count. See docs/ARCHITECTURE.md, "The flow of an owners' vote"."""
