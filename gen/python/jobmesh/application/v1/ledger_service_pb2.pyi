import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from jobmesh.application.v1 import application_service_pb2 as _application_service_pb2
from jobmesh.job.v1 import job_service_pb2 as _job_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ClaimApplicationRequest(_message.Message):
    __slots__ = ("name", "worker")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WORKER_FIELD_NUMBER: _ClassVar[int]
    name: str
    worker: str
    def __init__(self, name: _Optional[str] = ..., worker: _Optional[str] = ...) -> None: ...

class ClaimApplicationResponse(_message.Message):
    __slots__ = ("application", "lease", "recovering", "approved_plan_hash", "owner")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    LEASE_FIELD_NUMBER: _ClassVar[int]
    RECOVERING_FIELD_NUMBER: _ClassVar[int]
    APPROVED_PLAN_HASH_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    application: _application_service_pb2.Application
    lease: int
    recovering: bool
    approved_plan_hash: str
    owner: str
    def __init__(self, application: _Optional[_Union[_application_service_pb2.Application, _Mapping]] = ..., lease: _Optional[int] = ..., recovering: _Optional[bool] = ..., approved_plan_hash: _Optional[str] = ..., owner: _Optional[str] = ...) -> None: ...

class BeginSubmitRequest(_message.Message):
    __slots__ = ("name", "lease", "fill_plan")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEASE_FIELD_NUMBER: _ClassVar[int]
    FILL_PLAN_FIELD_NUMBER: _ClassVar[int]
    name: str
    lease: int
    fill_plan: _application_service_pb2.FillPlan
    def __init__(self, name: _Optional[str] = ..., lease: _Optional[int] = ..., fill_plan: _Optional[_Union[_application_service_pb2.FillPlan, _Mapping]] = ...) -> None: ...

class BeginSubmitResponse(_message.Message):
    __slots__ = ("proceed", "application")
    PROCEED_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    proceed: bool
    application: _application_service_pb2.Application
    def __init__(self, proceed: _Optional[bool] = ..., application: _Optional[_Union[_application_service_pb2.Application, _Mapping]] = ...) -> None: ...

class RecordOutcomeRequest(_message.Message):
    __slots__ = ("name", "lease", "state", "fill_plan", "pending_questions", "error", "artifacts", "message", "retry_delay")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEASE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FILL_PLAN_FIELD_NUMBER: _ClassVar[int]
    PENDING_QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RETRY_DELAY_FIELD_NUMBER: _ClassVar[int]
    name: str
    lease: int
    state: _application_service_pb2.State
    fill_plan: _application_service_pb2.FillPlan
    pending_questions: _containers.RepeatedCompositeFieldContainer[_job_service_pb2.Question]
    error: str
    artifacts: _containers.RepeatedCompositeFieldContainer[_application_service_pb2.Artifact]
    message: str
    retry_delay: _duration_pb2.Duration
    def __init__(self, name: _Optional[str] = ..., lease: _Optional[int] = ..., state: _Optional[_Union[_application_service_pb2.State, str]] = ..., fill_plan: _Optional[_Union[_application_service_pb2.FillPlan, _Mapping]] = ..., pending_questions: _Optional[_Iterable[_Union[_job_service_pb2.Question, _Mapping]]] = ..., error: _Optional[str] = ..., artifacts: _Optional[_Iterable[_Union[_application_service_pb2.Artifact, _Mapping]]] = ..., message: _Optional[str] = ..., retry_delay: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class RecordOutcomeResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: _application_service_pb2.Application
    def __init__(self, application: _Optional[_Union[_application_service_pb2.Application, _Mapping]] = ...) -> None: ...

class ListQueuedApplicationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "stale_seconds")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STALE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    stale_seconds: int
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., stale_seconds: _Optional[int] = ...) -> None: ...

class ListQueuedApplicationsResponse(_message.Message):
    __slots__ = ("applications", "next_page_token")
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[_application_service_pb2.Application]
    next_page_token: str
    def __init__(self, applications: _Optional[_Iterable[_Union[_application_service_pb2.Application, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
