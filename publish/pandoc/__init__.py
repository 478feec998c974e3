"""Everything about pandoc: the one place it is started (sandboxed, bounded in time and memory),
the helpers that walk its JSON AST, and what its non-HTML writers need around them."""
