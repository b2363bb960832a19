"""The store: SQLAlchemy 2 engine and sessions, the declarative base, the outbox, Alembic migrations."""
