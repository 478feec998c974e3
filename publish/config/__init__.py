"""Options: the `Config` record of one article, how options are declared and checked, where they
are read from (`publish.toml`, front matter, the command line), and the themes they name."""
