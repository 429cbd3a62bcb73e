"""Use cases: each takes the acting user, checks permission, validates, writes, audits, commits."""
