"""Generated job postings that look like real ones, and search queries over them.

Titles, companies, locations and descriptions of a few hundred words come from word lists with a
skewed (Zipf-like) word frequency, so search terms range from very common ("engineer") to rare.
Deterministic for a seed. Descriptions are assembled from a pool of generated paragraphs so a
million postings can be produced in seconds. Must not touch a database or the network.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.protobuf import timestamp_pb2

from jobmesh.job.v1 import job_service_pb2 as pb
from services.job.validation import JobInput

SENIORITY = ("", "", "Senior", "Staff", "Principal", "Junior", "Lead", "Head of")
DISCIPLINES = (
    "Backend", "Frontend", "Full Stack", "Platform", "Infrastructure", "Data", "Machine Learning",
    "Security", "Mobile", "iOS", "Android", "Site Reliability", "Embedded", "Firmware", "QA", "DevOps",
    "Growth", "Product", "Analytics", "Cloud", "Solutions", "Support", "Payments", "Search",
)  # fmt: skip
ROLES = (
    "Engineer", "Engineer", "Engineer", "Developer", "Architect", "Manager", "Scientist", "Analyst",
    "Designer", "Specialist", "Consultant", "Administrator",
)  # fmt: skip
OTHER_TITLES = (
    "Account Executive", "Customer Success Manager", "Recruiter", "Technical Writer", "Product Manager",
    "Sales Development Representative", "Office Manager", "Financial Analyst", "Legal Counsel",
    "People Partner", "Marketing Manager", "Content Strategist", "Registered Nurse", "Warehouse Associate",
    "Operations Coordinator", "Executive Assistant", "Controller", "Brand Designer", "UX Researcher",
)  # fmt: skip
COMPANY_A = (
    "North", "Blue", "Bright", "Iron", "Silver", "Quantum", "Clear", "Open", "Red", "Green", "Swift",
    "Deep", "True", "Solid", "Paper", "Cloud", "Stone", "River", "Pixel", "Atlas", "Nova", "Orbit",
    "Cedar", "Harbor", "Summit", "Lumen", "Vector", "Maple", "Falcon", "Signal",
)  # fmt: skip
COMPANY_B = (
    "wind", "field", "path", "works", "stack", "forge", "light", "scale", "grid", "wave", "point",
    "bridge", "loop", "mark", "base", "craft", "line", "ware", "gate", "flow",
)  # fmt: skip
COMPANY_C = (
    "",
    "",
    "Labs",
    "Inc",
    "Health",
    "Robotics",
    "Systems",
    "Bank",
    "AI",
    "Energy",
    "Games",
    "Studio",
)
CITIES = (
    "San Francisco, CA", "New York, NY", "Seattle, WA", "Austin, TX", "Boston, MA", "Chicago, IL",
    "Denver, CO", "Los Angeles, CA", "Atlanta, GA", "Toronto, Canada", "Vancouver, Canada", "London, UK",
    "Berlin, Germany", "Amsterdam, Netherlands", "Paris, France", "Dublin, Ireland", "Madrid, Spain",
    "Stockholm, Sweden", "Zurich, Switzerland", "Warsaw, Poland", "Lisbon, Portugal", "Tel Aviv, Israel",
    "Bangalore, India", "Singapore", "Tokyo, Japan", "Sydney, Australia", "São Paulo, Brazil",
    "Mexico City, Mexico", "Remote", "Remote - US", "Remote - Europe",
)  # fmt: skip
SKILLS = (
    "Python", "Go", "Rust", "Java", "Kotlin", "TypeScript", "JavaScript", "React", "Vue", "Django",
    "FastAPI", "Rails", "Node.js", "PostgreSQL", "MySQL", "Redis", "Kafka", "Kubernetes", "Terraform",
    "AWS", "GCP", "Azure", "Docker", "gRPC", "GraphQL", "Spark", "Airflow", "dbt", "Snowflake",
    "PyTorch", "TensorFlow", "Swift", "Elixir", "Scala", "C++", "Linux", "Prometheus", "Envoy",
    "Salesforce", "Figma", "Tableau", "Looker", "Excel", "HubSpot", "Zendesk", "SQL", "Haskell", "OCaml",
)  # fmt: skip
COMMON = (
    "the", "and", "to", "of", "a", "in", "with", "for", "our", "you", "we", "will", "on", "team",
    "work", "experience", "is", "as", "are", "your", "be", "that", "customers", "product", "build",
    "across", "help", "new", "more", "people", "about", "an", "from", "who", "by", "company", "role",
    "at", "skills", "including", "data", "working", "strong", "years", "join", "ability", "support",
)  # fmt: skip
DOMAIN = (
    "scalable", "reliable", "distributed", "systems", "services", "platform", "infrastructure", "design",
    "collaborate", "engineers", "stakeholders", "roadmap", "ownership", "mentor", "performance", "latency",
    "throughput", "observability", "security", "compliance", "privacy", "pipelines", "models", "analytics",
    "experiments", "metrics", "dashboards", "migrations", "architecture", "api", "apis", "microservices",
    "deployment", "automation", "testing", "quality", "incident", "oncall", "debugging", "optimize",
    "requirements", "specifications", "documentation", "communication", "leadership", "strategy",
    "revenue", "growth", "pricing", "billing", "payments", "checkout", "logistics", "inventory",
    "healthcare", "patients", "clinical", "fintech", "lending", "insurance", "marketplace", "creators",
    "education", "learning", "students", "climate", "energy", "batteries", "robotics", "vehicles",
    "autonomy", "sensors", "satellites", "biology", "genomics", "chemistry", "manufacturing", "hardware",
    "benefits", "equity", "salary", "401k", "parental", "leave", "vacation", "wellness", "stipend",
    "inclusive", "diverse", "equal", "opportunity", "employer", "accommodation", "visa", "sponsorship",
    "hybrid", "office", "onsite", "travel", "timezone", "async", "flexible", "hours", "startup",
    "series", "funded", "investors", "mission", "impact", "customers", "enterprise", "smb", "saas",
)  # fmt: skip
RARE = tuple(
    a + b
    for a, b in itertools.product(
        ("zor", "quel", "vash", "plim", "trob", "kesh", "mund", "yarv", "flon", "grib", "hask", "jopp"),
        ("ix", "ane", "ula", "ord", "emy", "oth", "ik", "ast"),
    )
)  # words that appear in few postings: the "rare term" end of the query mix
DEPARTMENTS = (
    "Engineering",
    "Data",
    "Design",
    "Sales",
    "Marketing",
    "Operations",
    "Finance",
    "People",
    "Legal",
)
EMPLOYMENT = ("FullTime", "FullTime", "FullTime", "PartTime", "Contract", "Intern")
ATS = ("greenhouse", "lever", "ashby")


@dataclass(frozen=True)
class Posting:
    """One generated posting: the writable fields of a Job."""

    ats: str
    board: str
    external_id: str
    company: str
    title: str
    location: str
    remote: bool
    workplace_type: str
    employment_type: str
    department: str
    description: str
    posted_time: datetime

    @property
    def apply_url(self) -> str:
        return f"https://jobs.example.test/{self.board}/{self.external_id}"

    def to_input(self) -> JobInput:
        """As the Job service's servicer hands it to the catalog."""
        return JobInput(
            ats=self.ats, board=self.board, external_id=self.external_id, company=self.company,
            title=self.title, apply_url=self.apply_url, location=self.location, locations=[self.location],
            remote=self.remote, workplace_type=self.workplace_type, employment_type=self.employment_type,
            department=self.department, description=self.description, posted_time=self.posted_time,
        )  # fmt: skip

    def to_pb(self) -> pb.Job:
        """As a client sends it in BatchCreateJobs."""
        posted = timestamp_pb2.Timestamp()
        posted.FromDatetime(self.posted_time)
        return pb.Job(
            ats=f"ATS_{self.ats.upper()}", board=self.board, external_id=self.external_id,
            company=self.company, title=self.title, apply_url=self.apply_url, location=self.location,
            locations=[self.location], remote=self.remote,
            workplace_type=f"WORKPLACE_TYPE_{self.workplace_type.upper()}",
            employment_type=self.employment_type, department=self.department,
            description=self.description, posted_time=posted,
        )  # fmt: skip


class Corpus:
    """A deterministic stream of postings; `duplicate_share` of them repeat an earlier posting's company,
    title and location on another board (what the catalog's dedupe links)."""

    def __init__(self, seed: int = 7, *, paragraphs: int = 4000, duplicate_share: float = 0.1):
        self.rng = random.Random(seed)
        vocabulary = [*COMMON, *DOMAIN, *(s.lower() for s in SKILLS)]
        # Zipf-like weights: the first words of the list are by far the most frequent.
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]
        self._words = vocabulary
        self._cum = list(itertools.accumulate(weights))
        self.companies = self._companies(3000)
        self.duplicate_share = duplicate_share
        self._pool = [self._paragraph() for _ in range(paragraphs)]
        self._recent: list[tuple[str, str, str]] = []

    def _companies(self, count: int) -> list[str]:
        names = {
            " ".join(p for p in (a + b, c) if p)
            for a, b, c in itertools.product(COMPANY_A, COMPANY_B, COMPANY_C)
        }
        return self.rng.sample(sorted(names), min(count, len(names)))

    def _sentence(self) -> str:
        words = self.rng.choices(self._words, cum_weights=self._cum, k=self.rng.randint(8, 20))
        if self.rng.random() < 0.5:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(SKILLS))
        if self.rng.random() < 0.03:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(RARE))
        return " ".join(words).capitalize() + "."

    def _paragraph(self) -> str:
        if self.rng.random() < 0.3:
            items = "".join(f"<li>{self._sentence()}</li>" for _ in range(self.rng.randint(3, 6)))
            return f"<ul>{items}</ul>"
        return "<p>" + " ".join(self._sentence() for _ in range(self.rng.randint(3, 6))) + "</p>"

    def title(self) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(OTHER_TITLES)
        parts = (self.rng.choice(SENIORITY), self.rng.choice(DISCIPLINES), self.rng.choice(ROLES))
        return " ".join(p for p in parts if p)

    def postings(self, count: int, *, start: int = 0) -> Iterator[Posting]:
        """`count` postings numbered from `start` (external ids are unique per number)."""
        epoch = datetime(2026, 1, 1, tzinfo=UTC)
        rng = self.rng
        for n in range(start, start + count):
            if self._recent and rng.random() < self.duplicate_share:
                company, title, location = rng.choice(self._recent)
            else:
                company, title, location = rng.choice(self.companies), self.title(), rng.choice(CITIES)
                self._recent = [*self._recent[-999:], (company, title, location)]
            remote = location.startswith("Remote")
            board = company.lower().replace(" ", "")
            yield Posting(
                ats=ATS[n % len(ATS)],
                board=board,
                external_id=f"{n:09d}",
                company=company,
                title=title,
                location=location,
                remote=remote,
                workplace_type="remote" if remote else rng.choice(("on_site", "hybrid")),
                employment_type=rng.choice(EMPLOYMENT),
                department=rng.choice(DEPARTMENTS),
                description="".join(rng.sample(self._pool, rng.randint(3, 6))),
                posted_time=epoch - timedelta(minutes=rng.randrange(0, 365 * 24 * 60)),
            )


def search_queries(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """`count` (kind, query) pairs: common words, skills, titles, two-word queries and rare words."""
    rng = random.Random(seed)
    makers: dict[str, Callable[[], str]] = {
        "common": lambda: rng.choice(("engineer", "senior", "manager", "data", "product", "remote")),
        "skill": lambda: rng.choice(SKILLS).lower(),
        "title": lambda: f"{rng.choice(DISCIPLINES)} {rng.choice(ROLES)}".lower(),
        "two words": lambda: f"{rng.choice(SKILLS)} {rng.choice(DOMAIN)}".lower(),
        "rare": lambda: rng.choice(RARE),
    }
    kinds = list(makers)
    return [(kind, makers[kind]()) for kind in (kinds[i % len(kinds)] for i in range(count))]
