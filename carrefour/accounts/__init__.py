"""Accounts, roles, partner organisations and the permission matrix (commons, above the pipeline)."""
