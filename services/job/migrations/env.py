"""Alembic environment of the job schema: the shared `run_env`, nothing else."""

from alembic import context

from services.common.migrations import run_env
from services.job.models import Base

run_env(context, Base.metadata)
