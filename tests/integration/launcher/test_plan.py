"""What `jobmesh run` starts, and that every child rebuilds the supervisor's settings."""

from __future__ import annotations

from pathlib import Path

from services.common.settings import Settings
from services.launcher.plan import plan_children, present_services, with_mesh


def test_children_see_the_supervisors_settings_and_call_each_other_through_envoy(tmp_path: Path) -> None:
    settings = with_mesh(
        Settings(
            home=tmp_path,
            port=18080,
            database_url="postgresql://postgres@127.0.0.1:5/postgres",
            redis_url="redis://127.0.0.1:6/0",
            allowed_hosts=("boards.example",),
            log_json=False,
        )
    )
    children = plan_children(settings, tmp_path / "envoy.yaml")
    names = [child.name for child in children]
    assert names[: len(present_services())] == present_services()
    assert names[-1] == "envoy"
    for child in children[:-1]:
        assert Settings.from_env(child.env) == settings
    assert settings.address_of("job") == "127.0.0.1:18080"
    envoy = children[-1]
    assert str(tmp_path / "envoy.yaml") in envoy.argv
    assert envoy.probe is not None


def test_wildcard_bind_is_reached_on_loopback() -> None:
    assert with_mesh(Settings(bind_host="0.0.0.0", port=9000)).mesh_address == "127.0.0.1:9000"
