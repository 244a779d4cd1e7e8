import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Location(_message.Message):
    __slots__ = ("city", "region", "country")
    CITY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    city: str
    region: str
    country: str
    def __init__(self, city: _Optional[str] = ..., region: _Optional[str] = ..., country: _Optional[str] = ...) -> None: ...

class Answer(_message.Message):
    __slots__ = ("question", "answer", "fingerprint")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    question: str
    answer: str
    fingerprint: str
    def __init__(self, question: _Optional[str] = ..., answer: _Optional[str] = ..., fingerprint: _Optional[str] = ...) -> None: ...

class SelfIdentification(_message.Message):
    __slots__ = ("gender", "race_ethnicity", "veteran_status", "disability_status")
    GENDER_FIELD_NUMBER: _ClassVar[int]
    RACE_ETHNICITY_FIELD_NUMBER: _ClassVar[int]
    VETERAN_STATUS_FIELD_NUMBER: _ClassVar[int]
    DISABILITY_STATUS_FIELD_NUMBER: _ClassVar[int]
    gender: str
    race_ethnicity: str
    veteran_status: str
    disability_status: str
    def __init__(self, gender: _Optional[str] = ..., race_ethnicity: _Optional[str] = ..., veteran_status: _Optional[str] = ..., disability_status: _Optional[str] = ...) -> None: ...

class Profile(_message.Message):
    __slots__ = ("name", "display_name", "given_name", "family_name", "email", "phone", "location", "linkedin_url", "github_url", "website_url", "headline", "summary", "work_authorized_countries", "requires_sponsorship", "answers", "default_resume", "create_time", "update_time", "etag", "current_company", "current_title", "salary_expectation", "earliest_start_date", "self_identification", "pronouns")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    LINKEDIN_URL_FIELD_NUMBER: _ClassVar[int]
    GITHUB_URL_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_URL_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    WORK_AUTHORIZED_COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_SPONSORSHIP_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_RESUME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CURRENT_COMPANY_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TITLE_FIELD_NUMBER: _ClassVar[int]
    SALARY_EXPECTATION_FIELD_NUMBER: _ClassVar[int]
    EARLIEST_START_DATE_FIELD_NUMBER: _ClassVar[int]
    SELF_IDENTIFICATION_FIELD_NUMBER: _ClassVar[int]
    PRONOUNS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    given_name: str
    family_name: str
    email: str
    phone: str
    location: Location
    linkedin_url: str
    github_url: str
    website_url: str
    headline: str
    summary: str
    work_authorized_countries: _containers.RepeatedScalarFieldContainer[str]
    requires_sponsorship: bool
    answers: _containers.RepeatedCompositeFieldContainer[Answer]
    default_resume: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    current_company: str
    current_title: str
    salary_expectation: str
    earliest_start_date: str
    self_identification: SelfIdentification
    pronouns: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., location: _Optional[_Union[Location, _Mapping]] = ..., linkedin_url: _Optional[str] = ..., github_url: _Optional[str] = ..., website_url: _Optional[str] = ..., headline: _Optional[str] = ..., summary: _Optional[str] = ..., work_authorized_countries: _Optional[_Iterable[str]] = ..., requires_sponsorship: _Optional[bool] = ..., answers: _Optional[_Iterable[_Union[Answer, _Mapping]]] = ..., default_resume: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., current_company: _Optional[str] = ..., current_title: _Optional[str] = ..., salary_expectation: _Optional[str] = ..., earliest_start_date: _Optional[str] = ..., self_identification: _Optional[_Union[SelfIdentification, _Mapping]] = ..., pronouns: _Optional[str] = ...) -> None: ...

class Resume(_message.Message):
    __slots__ = ("name", "filename", "content_type", "content", "size_bytes", "sha256", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    filename: str
    content_type: str
    content: bytes
    size_bytes: int
    sha256: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateProfileRequest(_message.Message):
    __slots__ = ("profile", "request_id")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    request_id: str
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class GetProfileRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class ListProfilesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProfilesResponse(_message.Message):
    __slots__ = ("profiles", "next_page_token")
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[Profile]
    next_page_token: str
    def __init__(self, profiles: _Optional[_Iterable[_Union[Profile, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateProfileRequest(_message.Message):
    __slots__ = ("profile", "update_mask")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class DeleteProfileRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportProfileRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ExportedResume(_message.Message):
    __slots__ = ("resume", "content")
    RESUME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    resume: Resume
    content: bytes
    def __init__(self, resume: _Optional[_Union[Resume, _Mapping]] = ..., content: _Optional[bytes] = ...) -> None: ...

class ExportProfileResponse(_message.Message):
    __slots__ = ("profile", "resumes", "export_time")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    RESUMES_FIELD_NUMBER: _ClassVar[int]
    EXPORT_TIME_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    resumes: _containers.RepeatedCompositeFieldContainer[ExportedResume]
    export_time: _timestamp_pb2.Timestamp
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ..., resumes: _Optional[_Iterable[_Union[ExportedResume, _Mapping]]] = ..., export_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateResumeRequest(_message.Message):
    __slots__ = ("parent", "resume", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    resume: Resume
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., resume: _Optional[_Union[Resume, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateResumeResponse(_message.Message):
    __slots__ = ("resume",)
    RESUME_FIELD_NUMBER: _ClassVar[int]
    resume: Resume
    def __init__(self, resume: _Optional[_Union[Resume, _Mapping]] = ...) -> None: ...

class ListResumesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListResumesResponse(_message.Message):
    __slots__ = ("resumes", "next_page_token")
    RESUMES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    resumes: _containers.RepeatedCompositeFieldContainer[Resume]
    next_page_token: str
    def __init__(self, resumes: _Optional[_Iterable[_Union[Resume, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetResumeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetResumeResponse(_message.Message):
    __slots__ = ("resume",)
    RESUME_FIELD_NUMBER: _ClassVar[int]
    resume: Resume
    def __init__(self, resume: _Optional[_Union[Resume, _Mapping]] = ...) -> None: ...

class DeleteResumeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteResumeResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DownloadResumeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DownloadResumeResponse(_message.Message):
    __slots__ = ("resume", "content")
    RESUME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    resume: Resume
    content: bytes
    def __init__(self, resume: _Optional[_Union[Resume, _Mapping]] = ..., content: _Optional[bytes] = ...) -> None: ...
