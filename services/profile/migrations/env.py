"""Alembic environment of the `profile` schema; the shared runner does the work."""

from alembic import context

from services.common.migrations import run_env
from services.profile.models import Base

run_env(context, Base.metadata)
