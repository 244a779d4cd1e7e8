"""`make demo`: jobmesh's whole job on one machine, against local mirrors of the ATS sites."""
