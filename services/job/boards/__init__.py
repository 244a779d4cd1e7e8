"""Job ingestion from public Greenhouse, Lever and Ashby board APIs: fetch, parse, normalise.

Database-free: the Job service stores what this package returns.
"""

from services.job.boards.ashby import parse_ashby_board
from services.job.boards.fetch import (
    BOARD_API_HOSTS,
    PUBLIC_ORIGINS,
    BoardClient,
    DetailNeeded,
    board_guard,
    fetch_board,
)
from services.job.boards.greenhouse import parse_greenhouse_job, parse_greenhouse_jobs
from services.job.boards.httpget import BoardFetchError, FetchConfig, ResponseTooLarge
from services.job.boards.lever import parse_lever_postings
from services.job.boards.model import (
    ATS_KINDS,
    BoardFormatError,
    BoardJob,
    BoardQuestion,
    ParseResult,
    SalaryRange,
    dedupe_key,
)

__all__ = [
    "ATS_KINDS",
    "BOARD_API_HOSTS",
    "PUBLIC_ORIGINS",
    "BoardClient",
    "BoardFetchError",
    "BoardFormatError",
    "BoardJob",
    "BoardQuestion",
    "DetailNeeded",
    "FetchConfig",
    "ParseResult",
    "ResponseTooLarge",
    "SalaryRange",
    "board_guard",
    "dedupe_key",
    "fetch_board",
    "parse_ashby_board",
    "parse_greenhouse_job",
    "parse_greenhouse_jobs",
    "parse_lever_postings",
]
