"""What every stage stands on and none owns: atomic writes, the resource resolver, the helper
process, dependencies for rebuilds, diagnostics as a whole, and the libraries' logs."""
