"""Everything about pandoc: the one place it is started (bounded in time and memory), the resident
process, the helpers that walk its JSON AST, and what its non-HTML writers need around them."""
