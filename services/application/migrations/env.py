"""Alembic environment of the `application` schema."""

from alembic import context

from services.application.models import Base
from services.common.migrations import run_env

run_env(context, Base.metadata)
