"""Runs the REST gateway: `python -m gateway`. Composition root only: settings → app → uvicorn.

Each service's calls go to its own address from settings (AuthService lives with profile), or to the
mesh when `JOBMESH_MESH_ADDRESS` is set.
"""

from __future__ import annotations

import uvicorn

from gateway.app import create_app
from services.common.settings import Settings

SERVICE_HOMES = {
    "jobmesh.auth.v1.AuthService": "profile",
    "jobmesh.profile.v1.ProfileService": "profile",
    "jobmesh.job.v1.JobService": "job",
    "jobmesh.application.v1.ApplicationService": "application",
    "jobmesh.automation.v1.AutomationService": "automation",
}


def main() -> None:
    settings = Settings.from_env()
    upstreams = {service: settings.address_of(home) for service, home in SERVICE_HOMES.items()}
    app = create_app(upstreams, settings.mesh_address)
    uvicorn.run(
        app,
        host=settings.bind_host,
        port=settings.gateway_port,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=False,
        ws="none",
    )


if __name__ == "__main__":
    main()
