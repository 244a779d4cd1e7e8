"""Automation service: drives browsers through ATS application forms, planning every field first
and never submitting an application twice."""
