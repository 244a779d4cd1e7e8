"""The application state machine: which state may follow which, and what ends a life.

Pure data and functions, shared by the service layer (user actions) and the
worker ledger (automation progress). SUBMITTING is the point of no return: once
an application may have been clicked, only evidence (SUBMITTED) or a person
(OUTCOME_UNKNOWN) can end it — never a second submit.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    NEEDS_INPUT = "NEEDS_INPUT"
    AWAITING_REVIEW = "AWAITING_REVIEW"
    SUBMITTING = "SUBMITTING"
    SUBMITTED = "SUBMITTED"
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    PLANNED = "PLANNED"


class Mode(StrEnum):
    SUBMIT = "SUBMIT"
    REVIEW = "REVIEW"
    DRY_RUN = "DRY_RUN"


TERMINAL = frozenset({State.SUBMITTED, State.OUTCOME_UNKNOWN, State.FAILED, State.CANCELLED, State.PLANNED})

# Applications in these states never reached the employer: a profile may apply to
# the same job again. Every other state holds the (profile, job) slot.
RELEASES_SLOT = frozenset({State.FAILED, State.CANCELLED, State.PLANNED})

CANCELLABLE = frozenset({State.QUEUED, State.RUNNING, State.NEEDS_INPUT, State.AWAITING_REVIEW})

TRANSITIONS: dict[State, frozenset[State]] = {
    State.QUEUED: frozenset({State.RUNNING, State.CANCELLED, State.FAILED}),
    State.RUNNING: frozenset(
        {
            State.QUEUED,  # transient failure: retried later
            State.NEEDS_INPUT,
            State.AWAITING_REVIEW,
            State.PLANNED,
            State.SUBMITTING,
            State.SUBMITTED,  # evidence found on a retry: the earlier click went through
            State.OUTCOME_UNKNOWN,
            State.FAILED,
            State.CANCELLED,
        }
    ),
    State.NEEDS_INPUT: frozenset({State.QUEUED, State.CANCELLED, State.FAILED}),
    State.AWAITING_REVIEW: frozenset({State.QUEUED, State.CANCELLED, State.FAILED}),
    State.SUBMITTING: frozenset({State.SUBMITTED, State.OUTCOME_UNKNOWN}),
    State.SUBMITTED: frozenset(),
    State.OUTCOME_UNKNOWN: frozenset(),
    State.FAILED: frozenset(),
    State.CANCELLED: frozenset(),
    State.PLANNED: frozenset(),
}


def can_move(current: State, target: State) -> bool:
    return target in TRANSITIONS[current]
