"""For unit authors: cell builders, planted mistakes (samples), the demo, the student wheel."""
