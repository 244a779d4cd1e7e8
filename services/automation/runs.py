"""Run records and their evidence: rows in the `automation` schema, bytes in the blob store.

Evidence (screenshots, traces, plans) is sealed with the master key before it is
stored, like resumes: it shows the candidate's personal data.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.automation.models import RunRow
from services.common.blobs import BlobStore
from services.common.crypto import Envelope


def now() -> datetime:
    return datetime.now(UTC)


class Runs:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], blobs: BlobStore, envelope: Envelope):
        self.sessions = sessions
        self.blobs = blobs
        self.envelope = envelope

    async def start(self, application_id: str, owner_id: str, attempt: int, worker: str) -> RunRow:
        row = RunRow(
            id=str(uuid.uuid4()),
            application_id=application_id,
            owner_id=owner_id,
            attempt=attempt,
            worker=worker,
            outcome="",
            adapter="",
            error="",
            confirmation="",
            artifacts=[],
            start_time=now(),
        )
        async with self.sessions() as session, session.begin():
            session.add(row)
        return row

    async def add_artifact(self, run: RunRow, kind: str, data: bytes, content_type: str) -> dict[str, Any]:
        """Seals and stores one piece of evidence; returns its Artifact (proto JSON)."""
        index = len(run.artifacts) + 1
        artifact_id = f"{index:02d}-{kind}"
        key = f"runs/{run.application_id}/{run.id}/{artifact_id}"
        uri = await self.blobs.put(
            key, self.envelope.seal(data, aad=key.encode()), "application/octet-stream"
        )
        run_name = f"applications/{run.application_id}/runs/{run.id}"
        artifact = {
            "name": f"{run_name}/artifacts/{artifact_id}",
            "kind": kind,
            "uri": uri,
            "contentType": content_type,
            "createTime": now().isoformat().replace("+00:00", "Z"),
            "run": run_name,
            "sizeBytes": str(len(data)),
        }
        run.artifacts = [*run.artifacts, artifact]
        async with self.sessions() as session, session.begin():
            await session.execute(update(RunRow).where(RunRow.id == run.id).values(artifacts=run.artifacts))
        return artifact

    async def finish(
        self,
        run: RunRow,
        *,
        outcome: str,
        adapter: str = "",
        error: str = "",
        confirmation: str = "",
        fill_plan: dict[str, Any] | None = None,
    ) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(RunRow)
                .where(RunRow.id == run.id)
                .values(
                    outcome=outcome,
                    adapter=adapter,
                    error=error[:4000],
                    confirmation=confirmation[:4000],
                    fill_plan=fill_plan,
                    end_time=now(),
                )
            )

    async def list_for(
        self, owner_id: str, application_id: str, *, after: str | None, limit: int
    ) -> list[RunRow]:
        stmt = select(RunRow).where(RunRow.owner_id == owner_id, RunRow.application_id == application_id)
        if after is not None:
            stmt = stmt.where(RunRow.start_time > datetime.fromisoformat(after))
        stmt = stmt.order_by(RunRow.start_time, RunRow.id).limit(limit)
        async with self.sessions() as session:
            return list((await session.execute(stmt)).scalars())

    async def get(self, owner_id: str, application_id: str, run_id: str) -> RunRow | None:
        stmt = select(RunRow).where(
            RunRow.owner_id == owner_id, RunRow.application_id == application_id, RunRow.id == run_id
        )
        async with self.sessions() as session:
            return (await session.execute(stmt)).scalar_one_or_none()

    async def artifact_content(self, run: RunRow, artifact_name: str) -> tuple[dict[str, Any], bytes] | None:
        for artifact in run.artifacts:
            if artifact["name"] == artifact_name:
                key = f"runs/{run.application_id}/{run.id}/{artifact_name.rsplit('/', 1)[1]}"
                return artifact, self.envelope.open(await self.blobs.get(key), aad=key.encode())
        return None
