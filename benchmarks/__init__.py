"""Build-time benchmarks of the book and of the condmech extension (``nox -s bench``)."""
