"""Shared by every stage, no assets: paths, the warehouse resource, the ledger, fingerprints, progress, UI metadata."""
