"""Greenhouse hosted and embedded application forms (boards.greenhouse.io, job-boards.greenhouse.io).

Knows where Greenhouse puts the form and its submit control; everything else is the generic flow.
"""

from __future__ import annotations

import re

from services.automation.adapters.generic import GenericAdapter


class GreenhouseAdapter(GenericAdapter):
    name = "greenhouse"
    display_name = "Greenhouse"
    hosts = (
        "boards.greenhouse.io",
        "job-boards.greenhouse.io",
        "boards.eu.greenhouse.io",
        "job-boards.eu.greenhouse.io",
    )
    catch_all = False
    fingerprints = (re.compile(r"""id=["']?application_form\b"""), re.compile(r"job_application\["))
    form_selector = "#application_form, form#application-form"
    submit_selectors = ("#submit_app", "#application_form button[type=submit]")
