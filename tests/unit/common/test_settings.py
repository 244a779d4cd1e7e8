"""Settings.from_env: every variable, its default, and the error a bad value gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.settings import Settings, SettingsError

PORT_VARIABLES = {
    "JOBMESH_PORT": "port",
    "JOBMESH_ADMIN_PORT": "admin_port",
    "JOBMESH_GATEWAY_PORT": "gateway_port",
    "JOBMESH_PROFILE_PORT": "profile_port",
    "JOBMESH_JOB_PORT": "job_port",
    "JOBMESH_APPLICATION_PORT": "application_port",
    "JOBMESH_AUTOMATION_PORT": "automation_port",
    "JOBMESH_METRICS_PORT": "metrics_port",
    "JOBMESH_POSTGRES_PORT": "postgres_port",
    "JOBMESH_VALKEY_PORT": "valkey_port",
}
COUNT_VARIABLES = {
    "JOBMESH_RATE_LIMIT_RPS": "rate_limit_rps",
    "JOBMESH_WORKERS": "workers",
    "JOBMESH_WORKER_CONCURRENCY": "worker_concurrency",
    "JOBMESH_MAX_ATTEMPTS": "max_attempts",
}
INTEGER_VARIABLES = {**PORT_VARIABLES, **COUNT_VARIABLES}
SECONDS_VARIABLES = {
    "JOBMESH_CALL_TIMEOUT": "call_timeout_seconds",
    "JOBMESH_JOB_TIMEOUT": "job_timeout_seconds",
}
OPTIONAL_VARIABLES = {
    "JOBMESH_MESH_ADDRESS": "mesh_address",
    "JOBMESH_DATABASE_URL": "database_url",
    "JOBMESH_REDIS_URL": "redis_url",
    "JOBMESH_BLOB_URL": "blob_url",
    "JOBMESH_MASTER_KEY": "master_key",
    "JOBMESH_CHROMIUM": "chromium",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "otlp_endpoint",
}


def test_an_empty_environment_gives_the_documented_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({})
    assert s.home == tmp_path / ".jobmesh"
    assert s.home.is_absolute()
    assert (s.bind_host, s.port, s.admin_port, s.gateway_port) == ("127.0.0.1", 8080, 9901, 8081)
    assert (s.profile_port, s.job_port, s.application_port, s.automation_port) == (50051, 50052, 50053, 50054)
    assert (s.metrics_port, s.postgres_port, s.valkey_port) == (0, 54329, 63799)
    assert (s.rate_limit_rps, s.workers, s.worker_concurrency, s.max_attempts) == (1000, 1, 4, 3)
    assert (s.call_timeout_seconds, s.job_timeout_seconds) == (10.0, 180.0)
    assert s.cors_origins == () and s.allowed_hosts == ()
    assert all(getattr(s, field) is None for field in OPTIONAL_VARIABLES.values())
    assert (s.log_level, s.log_json) == ("INFO", True)


def test_blank_values_count_as_unset() -> None:
    env = {name: "  " for name in [*INTEGER_VARIABLES, *SECONDS_VARIABLES, *OPTIONAL_VARIABLES]}
    assert Settings.from_env(env).with_(home=Settings().home) == Settings.from_env({}).with_(
        home=Settings().home
    )


@pytest.mark.parametrize(("variable", "field"), INTEGER_VARIABLES.items())
def test_each_integer_variable_is_read(variable: str, field: str) -> None:
    assert getattr(Settings.from_env({variable: " 4242 "}), field) == 4242


@pytest.mark.parametrize("variable", INTEGER_VARIABLES)
@pytest.mark.parametrize("value", ["eighty", "80.5", "0x50", "8 0"])
def test_a_bad_integer_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable) as raised:
        Settings.from_env({variable: value})
    assert repr(value) in str(raised.value)


@pytest.mark.parametrize("variable", PORT_VARIABLES)
def test_a_negative_port_is_refused(variable: str) -> None:
    with pytest.raises(SettingsError, match=f"{variable} must be at least 0"):
        Settings.from_env({variable: "-1"})


@pytest.mark.parametrize(
    ("variable", "minimum"),
    [
        ("JOBMESH_RATE_LIMIT_RPS", 1),
        ("JOBMESH_WORKER_CONCURRENCY", 1),
        ("JOBMESH_MAX_ATTEMPTS", 1),
        ("JOBMESH_WORKERS", 0),
    ],
)
def test_counts_have_a_minimum(variable: str, minimum: int) -> None:
    field = INTEGER_VARIABLES[variable]
    assert getattr(Settings.from_env({variable: str(minimum)}), field) == minimum
    with pytest.raises(SettingsError, match=f"{variable} must be at least {minimum}"):
        Settings.from_env({variable: str(minimum - 1)})


@pytest.mark.parametrize(("variable", "field"), SECONDS_VARIABLES.items())
def test_timeouts_are_positive_finite_seconds(variable: str, field: str) -> None:
    assert getattr(Settings.from_env({variable: "2.5"}), field) == 2.5
    assert getattr(Settings.from_env({variable: "30"}), field) == 30.0
    for bad in ("soon", "0", "-1", "nan", "inf"):
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env({variable: bad})


@pytest.mark.parametrize(("variable", "field"), OPTIONAL_VARIABLES.items())
def test_each_optional_variable_is_read_and_trimmed(variable: str, field: str) -> None:
    assert getattr(Settings.from_env({variable: "  value-of-it \n"}), field) == "value-of-it"


def test_home_and_bind_host(tmp_path: Path) -> None:
    s = Settings.from_env({"JOBMESH_HOME": str(tmp_path / "state"), "JOBMESH_BIND_HOST": "0.0.0.0"})
    assert s.home == tmp_path / "state"
    assert s.bind_host == "0.0.0.0"


def test_lists_are_comma_separated_trimmed_and_hosts_lowercased() -> None:
    s = Settings.from_env(
        {
            "JOBMESH_ALLOWED_HOSTS": " Boards.Example.COM, ,localhost,",
            "JOBMESH_CORS_ORIGINS": "https://App.example.com , http://localhost:3000,,",
        }
    )
    assert s.allowed_hosts == ("boards.example.com", "localhost")
    assert s.cors_origins == ("https://App.example.com", "http://localhost:3000")


@pytest.mark.parametrize(
    ("value", "expected"), [("json", True), ("", True), ("TEXT", False), (" text ", False), ("other", True)]
)
def test_log_format(value: str, expected: bool) -> None:
    assert Settings.from_env({"JOBMESH_LOG_FORMAT": value}).log_json is expected


def test_log_level_is_uppercased() -> None:
    assert Settings.from_env({"JOBMESH_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_to_env_rebuilds_the_same_settings(tmp_path: Path) -> None:
    original = Settings(
        home=tmp_path,
        bind_host="0.0.0.0",
        port=18080,
        profile_port=0,
        metrics_port=19000,
        rate_limit_rps=7,
        cors_origins=("https://a.example", "https://b.example"),
        mesh_address="envoy:8080",
        database_url="postgresql+asyncpg://u:p@db/jobmesh",
        redis_url="redis://cache:6379/0",
        blob_url="s3://bucket/prefix",
        master_key="00" * 32,
        chromium="/usr/bin/chromium",
        allowed_hosts=("boards.example.com",),
        workers=3,
        worker_concurrency=2,
        max_attempts=5,
        call_timeout_seconds=2.5,
        job_timeout_seconds=45.0,
        log_level="DEBUG",
        log_json=False,
        otlp_endpoint="http://collector:4317",
    )
    env = original.to_env()
    assert all(isinstance(value, str) for value in env.values())
    assert Settings.from_env(env) == original


def test_to_env_leaves_unset_optionals_out() -> None:
    env = Settings().to_env()
    assert not set(OPTIONAL_VARIABLES) & set(env)


def test_service_ports_and_addresses() -> None:
    s = Settings(profile_port=1, job_port=2, application_port=3, automation_port=4)
    assert [s.service_port(n) for n in ("profile", "job", "application", "automation")] == [1, 2, 3, 4]
    assert s.address_of("job") == "127.0.0.1:2"
    assert s.with_(mesh_address="envoy:8080").address_of("job") == "envoy:8080"
    with pytest.raises(SettingsError, match="billing"):
        s.service_port("billing")


def test_metrics_ports() -> None:
    s = Settings()
    assert s.metrics_port_for("profile") == 51051
    assert s.with_(profile_port=0).metrics_port_for("profile") == 0
    based = s.with_(metrics_port=9100)
    assert [based.metrics_port_for(n) for n in ("profile", "job", "application", "automation")] == [
        9100,
        9101,
        9102,
        9103,
    ]
