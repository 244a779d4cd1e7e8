"""Integration tests of the automation worker: browser, adapters, local ATS sites."""
