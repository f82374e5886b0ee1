"""The isolated grading engine: sandbox, kernel session, bridge, notebook restore, batch."""
