"""What grading leaves behind: results.json, JUnit, Markdown, and the terminal tables."""
