import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from jobmesh.job.v1 import job_service_pb2 as _job_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODE_UNSPECIFIED: _ClassVar[Mode]
    MODE_SUBMIT: _ClassVar[Mode]
    MODE_REVIEW: _ClassVar[Mode]
    MODE_DRY_RUN: _ClassVar[Mode]

class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATE_UNSPECIFIED: _ClassVar[State]
    STATE_QUEUED: _ClassVar[State]
    STATE_RUNNING: _ClassVar[State]
    STATE_NEEDS_INPUT: _ClassVar[State]
    STATE_AWAITING_REVIEW: _ClassVar[State]
    STATE_SUBMITTING: _ClassVar[State]
    STATE_SUBMITTED: _ClassVar[State]
    STATE_OUTCOME_UNKNOWN: _ClassVar[State]
    STATE_FAILED: _ClassVar[State]
    STATE_CANCELLED: _ClassVar[State]
    STATE_PLANNED: _ClassVar[State]
MODE_UNSPECIFIED: Mode
MODE_SUBMIT: Mode
MODE_REVIEW: Mode
MODE_DRY_RUN: Mode
STATE_UNSPECIFIED: State
STATE_QUEUED: State
STATE_RUNNING: State
STATE_NEEDS_INPUT: State
STATE_AWAITING_REVIEW: State
STATE_SUBMITTING: State
STATE_SUBMITTED: State
STATE_OUTCOME_UNKNOWN: State
STATE_FAILED: State
STATE_CANCELLED: State
STATE_PLANNED: State

class FilledField(_message.Message):
    __slots__ = ("selector", "label", "semantic", "value_preview", "source", "confidence", "required", "field_type")
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SEMANTIC_FIELD_NUMBER: _ClassVar[int]
    VALUE_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    FIELD_TYPE_FIELD_NUMBER: _ClassVar[int]
    selector: str
    label: str
    semantic: str
    value_preview: str
    source: str
    confidence: float
    required: bool
    field_type: str
    def __init__(self, selector: _Optional[str] = ..., label: _Optional[str] = ..., semantic: _Optional[str] = ..., value_preview: _Optional[str] = ..., source: _Optional[str] = ..., confidence: _Optional[float] = ..., required: _Optional[bool] = ..., field_type: _Optional[str] = ...) -> None: ...

class FillPlan(_message.Message):
    __slots__ = ("fields", "unanswered", "form_url", "plan_hash", "adapter")
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    UNANSWERED_FIELD_NUMBER: _ClassVar[int]
    FORM_URL_FIELD_NUMBER: _ClassVar[int]
    PLAN_HASH_FIELD_NUMBER: _ClassVar[int]
    ADAPTER_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[FilledField]
    unanswered: _containers.RepeatedCompositeFieldContainer[_job_service_pb2.Question]
    form_url: str
    plan_hash: str
    adapter: str
    def __init__(self, fields: _Optional[_Iterable[_Union[FilledField, _Mapping]]] = ..., unanswered: _Optional[_Iterable[_Union[_job_service_pb2.Question, _Mapping]]] = ..., form_url: _Optional[str] = ..., plan_hash: _Optional[str] = ..., adapter: _Optional[str] = ...) -> None: ...

class Artifact(_message.Message):
    __slots__ = ("kind", "uri", "content_type", "create_time", "run", "name", "size_bytes")
    KIND_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    kind: str
    uri: str
    content_type: str
    create_time: _timestamp_pb2.Timestamp
    run: str
    name: str
    size_bytes: int
    def __init__(self, kind: _Optional[str] = ..., uri: _Optional[str] = ..., content_type: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., run: _Optional[str] = ..., name: _Optional[str] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class Application(_message.Message):
    __slots__ = ("name", "profile", "job", "mode", "state", "pending_questions", "fill_plan", "attempts", "last_error", "artifacts", "submit_time", "create_time", "update_time", "etag", "resume", "cover_letter")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PENDING_QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    FILL_PLAN_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    COVER_LETTER_FIELD_NUMBER: _ClassVar[int]
    name: str
    profile: str
    job: str
    mode: Mode
    state: State
    pending_questions: _containers.RepeatedCompositeFieldContainer[_job_service_pb2.Question]
    fill_plan: FillPlan
    attempts: int
    last_error: str
    artifacts: _containers.RepeatedCompositeFieldContainer[Artifact]
    submit_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    resume: str
    cover_letter: str
    def __init__(self, name: _Optional[str] = ..., profile: _Optional[str] = ..., job: _Optional[str] = ..., mode: _Optional[_Union[Mode, str]] = ..., state: _Optional[_Union[State, str]] = ..., pending_questions: _Optional[_Iterable[_Union[_job_service_pb2.Question, _Mapping]]] = ..., fill_plan: _Optional[_Union[FillPlan, _Mapping]] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., artifacts: _Optional[_Iterable[_Union[Artifact, _Mapping]]] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., resume: _Optional[str] = ..., cover_letter: _Optional[str] = ...) -> None: ...

class ApplicationEvent(_message.Message):
    __slots__ = ("name", "type", "from_state", "to_state", "message", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    TO_STATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    from_state: State
    to_state: State
    message: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., from_state: _Optional[_Union[State, str]] = ..., to_state: _Optional[_Union[State, str]] = ..., message: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateApplicationRequest(_message.Message):
    __slots__ = ("application", "request_id")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    application: Application
    request_id: str
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateApplicationResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: Application
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ...) -> None: ...

class GetApplicationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetApplicationResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: Application
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ...) -> None: ...

class ListApplicationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "state", "profile", "job")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    state: State
    profile: str
    job: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[State, str]] = ..., profile: _Optional[str] = ..., job: _Optional[str] = ...) -> None: ...

class ListApplicationsResponse(_message.Message):
    __slots__ = ("applications", "next_page_token")
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[Application]
    next_page_token: str
    def __init__(self, applications: _Optional[_Iterable[_Union[Application, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ApproveApplicationRequest(_message.Message):
    __slots__ = ("name", "etag", "plan_hash")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PLAN_HASH_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    plan_hash: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., plan_hash: _Optional[str] = ...) -> None: ...

class ApproveApplicationResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: Application
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ...) -> None: ...

class QuestionAnswer(_message.Message):
    __slots__ = ("question_id", "answer")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    answer: str
    def __init__(self, question_id: _Optional[str] = ..., answer: _Optional[str] = ...) -> None: ...

class AnswerApplicationQuestionsRequest(_message.Message):
    __slots__ = ("name", "answers", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    answers: _containers.RepeatedCompositeFieldContainer[QuestionAnswer]
    etag: str
    def __init__(self, name: _Optional[str] = ..., answers: _Optional[_Iterable[_Union[QuestionAnswer, _Mapping]]] = ..., etag: _Optional[str] = ...) -> None: ...

class AnswerApplicationQuestionsResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: Application
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ...) -> None: ...

class CancelApplicationRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CancelApplicationResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: Application
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ...) -> None: ...

class DeleteApplicationRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteApplicationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WatchApplicationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class WatchApplicationResponse(_message.Message):
    __slots__ = ("application", "event")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    application: Application
    event: ApplicationEvent
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ..., event: _Optional[_Union[ApplicationEvent, _Mapping]] = ...) -> None: ...

class ListApplicationEventsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListApplicationEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[ApplicationEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[ApplicationEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
