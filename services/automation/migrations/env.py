"""Alembic environment of the `automation` schema."""

from alembic import context

from services.automation.models import Base
from services.common.migrations import run_env

run_env(context, Base.metadata)
