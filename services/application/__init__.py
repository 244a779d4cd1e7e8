"""The Application service: applications, their state machine, events and the submit ledger."""
