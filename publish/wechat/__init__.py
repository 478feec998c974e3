"""The WeChat Official Account snippet: one module per thing the WeChat editor mangles.

`snippet.render` runs the stages; `check.check` rejects what the editor would strip;
`preview.render` builds the page with a Copy button; `clipboard.copy_to_clipboard` serves `--copy`.
"""
