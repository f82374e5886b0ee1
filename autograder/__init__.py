"""The medl grading engine: hidden checks, the submission contract, nbgrader glue."""

__version__ = "0.1.0"
