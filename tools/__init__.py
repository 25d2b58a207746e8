"""Project tools: the build recipe and the reference check."""
