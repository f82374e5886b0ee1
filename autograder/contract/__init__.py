"""The grading contract: what a hidden check may do with a submission, and how it scores.

Plain values, the ``submission`` fixture, the pytest runner, the check kit and in-kernel
``grade()``. Nothing here imports the isolated engine: the same checks run in a notebook's
own kernel (plain nbgrader) and in the grader's process (``medl grade``).
"""
