"""Stage 1, source: which files a command means, and each one read into a `Source` (text, front
matter, metadata, language)."""
