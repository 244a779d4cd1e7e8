"""Every service's migrations build exactly the schema its models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from services.application.__main__ import SPEC as APPLICATION
from services.application.models import Base as ApplicationBase
from services.automation.__main__ import SPEC as AUTOMATION
from services.automation.models import Base as AutomationBase
from services.common.db import create_engine
from services.common.migrations import migrate
from services.common.runtime import ServiceSpec
from services.job.__main__ import SPEC as JOB
from services.job.models import Base as JobBase
from services.profile.__main__ import SPEC as PROFILE
from services.profile.models import Base as ProfileBase

CASES = [
    (PROFILE, ProfileBase.metadata),
    (JOB, JobBase.metadata),
    (APPLICATION, ApplicationBase.metadata),
    (AUTOMATION, AutomationBase.metadata),
]


@pytest.mark.parametrize(("spec", "metadata"), CASES, ids=[spec.name for spec, _ in CASES])
async def test_migrations_match_the_models(database_url: str, spec: ServiceSpec, metadata: MetaData) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine, spec.migrations, spec.schema)
        await migrate(engine, spec.migrations, spec.schema)  # a second run finds nothing to do

        def diff(connection: Connection) -> list[object]:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_schemas": True,
                    "include_name": lambda name, type_, parent: type_ != "schema" or name == spec.schema,
                    "compare_type": True,
                    "version_table_schema": spec.schema,
                },
            )
            return list(compare_metadata(context, metadata))

        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
        # Indexes may live in migrations only (the models need not name every index); tables,
        # columns, types, nullability and the indexes the models do name must all agree.
        assert [d for d in differences if not (isinstance(d, tuple) and d[0] == "remove_index")] == []
    finally:
        await engine.dispose()
