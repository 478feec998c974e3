"""The WeChat Official Account snippet: one module per thing the WeChat editor mangles.

`snippet.render` runs the stages; `check.check` rejects what the editor would strip;
`clipboard.copy_to_clipboard` serves `--copy` (the Copy button is on `publish.render.preview`).
"""
