"""`publish serve`: a live preview of every format, rebuilt on save (entry point: `app.run`)."""
