import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Ats(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ATS_UNSPECIFIED: _ClassVar[Ats]
    ATS_GREENHOUSE: _ClassVar[Ats]
    ATS_LEVER: _ClassVar[Ats]
    ATS_ASHBY: _ClassVar[Ats]
    ATS_GENERIC: _ClassVar[Ats]

class WorkplaceType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKPLACE_TYPE_UNSPECIFIED: _ClassVar[WorkplaceType]
    WORKPLACE_TYPE_ON_SITE: _ClassVar[WorkplaceType]
    WORKPLACE_TYPE_HYBRID: _ClassVar[WorkplaceType]
    WORKPLACE_TYPE_REMOTE: _ClassVar[WorkplaceType]

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_OPEN: _ClassVar[JobState]
    JOB_STATE_CLOSED: _ClassVar[JobState]

class QuestionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUESTION_TYPE_UNSPECIFIED: _ClassVar[QuestionType]
    QUESTION_TYPE_TEXT: _ClassVar[QuestionType]
    QUESTION_TYPE_TEXTAREA: _ClassVar[QuestionType]
    QUESTION_TYPE_SELECT: _ClassVar[QuestionType]
    QUESTION_TYPE_MULTI_SELECT: _ClassVar[QuestionType]
    QUESTION_TYPE_BOOLEAN: _ClassVar[QuestionType]
    QUESTION_TYPE_FILE: _ClassVar[QuestionType]
    QUESTION_TYPE_DATE: _ClassVar[QuestionType]
    QUESTION_TYPE_NUMBER: _ClassVar[QuestionType]
ATS_UNSPECIFIED: Ats
ATS_GREENHOUSE: Ats
ATS_LEVER: Ats
ATS_ASHBY: Ats
ATS_GENERIC: Ats
WORKPLACE_TYPE_UNSPECIFIED: WorkplaceType
WORKPLACE_TYPE_ON_SITE: WorkplaceType
WORKPLACE_TYPE_HYBRID: WorkplaceType
WORKPLACE_TYPE_REMOTE: WorkplaceType
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_OPEN: JobState
JOB_STATE_CLOSED: JobState
QUESTION_TYPE_UNSPECIFIED: QuestionType
QUESTION_TYPE_TEXT: QuestionType
QUESTION_TYPE_TEXTAREA: QuestionType
QUESTION_TYPE_SELECT: QuestionType
QUESTION_TYPE_MULTI_SELECT: QuestionType
QUESTION_TYPE_BOOLEAN: QuestionType
QUESTION_TYPE_FILE: QuestionType
QUESTION_TYPE_DATE: QuestionType
QUESTION_TYPE_NUMBER: QuestionType

class Question(_message.Message):
    __slots__ = ("id", "label", "type", "required", "options", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    label: str
    type: QuestionType
    required: bool
    options: _containers.RepeatedScalarFieldContainer[str]
    description: str
    def __init__(self, id: _Optional[str] = ..., label: _Optional[str] = ..., type: _Optional[_Union[QuestionType, str]] = ..., required: _Optional[bool] = ..., options: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ...) -> None: ...

class SalaryRange(_message.Message):
    __slots__ = ("min", "max", "currency", "interval", "summary")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    min: float
    max: float
    currency: str
    interval: str
    summary: str
    def __init__(self, min: _Optional[float] = ..., max: _Optional[float] = ..., currency: _Optional[str] = ..., interval: _Optional[str] = ..., summary: _Optional[str] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("name", "source", "ats", "external_id", "company", "title", "location", "remote", "description", "apply_url", "questions", "posted_time", "board", "locations", "workplace_type", "employment_type", "salary", "description_text", "department", "state", "canonical_job", "create_time", "update_time", "close_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ATS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    REMOTE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    APPLY_URL_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    POSTED_TIME_FIELD_NUMBER: _ClassVar[int]
    BOARD_FIELD_NUMBER: _ClassVar[int]
    LOCATIONS_FIELD_NUMBER: _ClassVar[int]
    WORKPLACE_TYPE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SALARY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_TEXT_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JOB_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    source: str
    ats: Ats
    external_id: str
    company: str
    title: str
    location: str
    remote: bool
    description: str
    apply_url: str
    questions: _containers.RepeatedCompositeFieldContainer[Question]
    posted_time: _timestamp_pb2.Timestamp
    board: str
    locations: _containers.RepeatedScalarFieldContainer[str]
    workplace_type: WorkplaceType
    employment_type: str
    salary: SalaryRange
    description_text: str
    department: str
    state: JobState
    canonical_job: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., source: _Optional[str] = ..., ats: _Optional[_Union[Ats, str]] = ..., external_id: _Optional[str] = ..., company: _Optional[str] = ..., title: _Optional[str] = ..., location: _Optional[str] = ..., remote: _Optional[bool] = ..., description: _Optional[str] = ..., apply_url: _Optional[str] = ..., questions: _Optional[_Iterable[_Union[Question, _Mapping]]] = ..., posted_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., board: _Optional[str] = ..., locations: _Optional[_Iterable[str]] = ..., workplace_type: _Optional[_Union[WorkplaceType, str]] = ..., employment_type: _Optional[str] = ..., salary: _Optional[_Union[SalaryRange, _Mapping]] = ..., description_text: _Optional[str] = ..., department: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., canonical_job: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SyncResult(_message.Message):
    __slots__ = ("added", "updated", "closed", "unchanged", "skipped", "errors", "start_time", "end_time")
    ADDED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    added: int
    updated: int
    closed: int
    unchanged: int
    skipped: int
    errors: _containers.RepeatedScalarFieldContainer[str]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, added: _Optional[int] = ..., updated: _Optional[int] = ..., closed: _Optional[int] = ..., unchanged: _Optional[int] = ..., skipped: _Optional[int] = ..., errors: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class JobSource(_message.Message):
    __slots__ = ("name", "kind", "board", "base_url", "last_sync_time", "job_count", "display_name", "sync_interval_minutes", "last_sync", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BOARD_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_TIME_FIELD_NUMBER: _ClassVar[int]
    JOB_COUNT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    SYNC_INTERVAL_MINUTES_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: Ats
    board: str
    base_url: str
    last_sync_time: _timestamp_pb2.Timestamp
    job_count: int
    display_name: str
    sync_interval_minutes: int
    last_sync: SyncResult
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[Ats, str]] = ..., board: _Optional[str] = ..., base_url: _Optional[str] = ..., last_sync_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., job_count: _Optional[int] = ..., display_name: _Optional[str] = ..., sync_interval_minutes: _Optional[int] = ..., last_sync: _Optional[_Union[SyncResult, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateJobRequest(_message.Message):
    __slots__ = ("job", "request_id")
    JOB_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    job: Job
    request_id: str
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class BatchCreateJobsRequest(_message.Message):
    __slots__ = ("requests", "request_id")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[CreateJobRequest]
    request_id: str
    def __init__(self, requests: _Optional[_Iterable[_Union[CreateJobRequest, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchCreateJobsResponse(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SearchJobsRequest(_message.Message):
    __slots__ = ("query", "company", "location", "remote_only", "posted_after", "ats", "page_size", "page_token", "include_closed")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ONLY_FIELD_NUMBER: _ClassVar[int]
    POSTED_AFTER_FIELD_NUMBER: _ClassVar[int]
    ATS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_CLOSED_FIELD_NUMBER: _ClassVar[int]
    query: str
    company: str
    location: str
    remote_only: bool
    posted_after: _timestamp_pb2.Timestamp
    ats: Ats
    page_size: int
    page_token: str
    include_closed: bool
    def __init__(self, query: _Optional[str] = ..., company: _Optional[str] = ..., location: _Optional[str] = ..., remote_only: _Optional[bool] = ..., posted_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ats: _Optional[_Union[Ats, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., include_closed: _Optional[bool] = ...) -> None: ...

class SearchJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteJobRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteJobResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateJobSourceRequest(_message.Message):
    __slots__ = ("source", "request_id")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    source: JobSource
    request_id: str
    def __init__(self, source: _Optional[_Union[JobSource, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateJobSourceResponse(_message.Message):
    __slots__ = ("source",)
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    source: JobSource
    def __init__(self, source: _Optional[_Union[JobSource, _Mapping]] = ...) -> None: ...

class GetJobSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetJobSourceResponse(_message.Message):
    __slots__ = ("source",)
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    source: JobSource
    def __init__(self, source: _Optional[_Union[JobSource, _Mapping]] = ...) -> None: ...

class ListJobSourcesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListJobSourcesResponse(_message.Message):
    __slots__ = ("sources", "next_page_token")
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[JobSource]
    next_page_token: str
    def __init__(self, sources: _Optional[_Iterable[_Union[JobSource, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteJobSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteJobSourceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SyncJobSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SyncJobSourceResponse(_message.Message):
    __slots__ = ("source", "result")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    source: JobSource
    result: SyncResult
    def __init__(self, source: _Optional[_Union[JobSource, _Mapping]] = ..., result: _Optional[_Union[SyncResult, _Mapping]] = ...) -> None: ...
