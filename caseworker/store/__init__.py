"""The case store: models, database access, migrations and reads."""
