"""nbgrader glue: course folders from nbgrader's config, gradebook, release, visibility."""
