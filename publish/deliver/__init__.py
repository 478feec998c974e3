"""Image hosts and platform drafts: everything that talks to the network, in one home.

Nothing in this package runs unless a command asks for the network (`publish upload`, `--upload`,
`publish draft`). `http` makes the one kind of HTTP session (bounded timeouts, bounded retries,
secrets redacted from messages); `cache` remembers what was already uploaded, per host and content
hash, so an image is never sent twice.
"""
