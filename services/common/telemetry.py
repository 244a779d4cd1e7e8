"""OpenTelemetry tracing: always instrumented, exported only when configured.

Following OpenTelemetry's own conventions, an OTLP exporter is added when
OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise spans exist (for trace ids in
logs) but go nowhere.
"""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

log = logging.getLogger("jobmesh.telemetry")


def configure_tracing(service: str, otlp_endpoint: str | None) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": f"jobmesh-{service}"}))
    if otlp_endpoint:
        try:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        except ImportError:
            log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed")
        else:
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
