"""NUL characters in request strings are found wherever they are, and named by field path."""

from __future__ import annotations

from jobmesh.job.v1 import job_service_pb2 as job_pb
from jobmesh.profile.v1 import profile_service_pb2 as profile_pb
from services.common.request_text import nul_violations

NUL = "\x00"


def test_a_clean_request_has_no_violations() -> None:
    request = job_pb.BatchCreateJobsRequest(
        requests=[job_pb.CreateJobRequest(job=job_pb.Job(title="Engineer", locations=["Berlin"]))]
    )
    assert nul_violations(request) == []


def test_top_level_nested_and_repeated_strings_are_each_named() -> None:
    request = job_pb.BatchCreateJobsRequest(
        requests=[
            job_pb.CreateJobRequest(job=job_pb.Job(title="ok")),
            job_pb.CreateJobRequest(
                request_id=f"r{NUL}1",
                job=job_pb.Job(
                    title=f"Eng{NUL}ineer",
                    locations=["Berlin", f"Par{NUL}is"],
                    questions=[job_pb.Question(label="Why?", options=["a", f"b{NUL}"])],
                ),
            ),
        ]
    )
    assert sorted(path for path, _ in nul_violations(request)) == [
        "requests[1].job.locations[1]",
        "requests[1].job.questions[0].options[1]",
        "requests[1].job.title",
        "requests[1].request_id",
    ]


def test_bytes_are_data_and_are_not_looked_at() -> None:
    resume = profile_pb.Resume(filename="cv.pdf", content=b"%PDF\x00\x01binary")
    request = profile_pb.CreateResumeRequest(parent="profiles/x", resume=resume, request_id=NUL)
    assert nul_violations(request) == [("request_id", "must not contain NUL (U+0000) characters")]
