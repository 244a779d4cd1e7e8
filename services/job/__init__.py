"""Job service: the catalog of public postings and the job sources that feed it."""
