-- A custom pandoc reader: many Markdown documents parsed in one pandoc process, each alone.
--
-- The input is JSON: {"format": <reader and extensions>, "texts": [<document>, ...]}. Each
-- text is read by itself (its footnotes, reference links and unclosed fences stay its own)
-- and its blocks come back in a Div with the id "<n>" (1-based, in input order). A text the
-- reader rejects comes back as a Div with the class "unread" holding pandoc's message, for
-- the caller to read alone. East Asian line breaks are pandoc's own transform, run on the
-- whole result when the caller asks for the extension (`--from=read_each.lua+east_asian_line_breaks`).
Extensions = {east_asian_line_breaks = false}

function Reader(inputs, opts)
  local request = pandoc.json.decode(tostring(inputs), false)
  local blocks = {}
  for n, text in ipairs(request.texts) do
    -- with the newline pandoc's command line adds to what it reads (a fence left open then
    -- ends its code with it), so each text reads as `pandoc` alone would read it
    local ok, doc = pcall(pandoc.read, text .. "\n", request.format, opts)
    if ok then
      blocks[#blocks + 1] = pandoc.Div(doc.blocks, {id = tostring(n)})
    else
      local message = pandoc.Plain({pandoc.Str(tostring(doc))})
      blocks[#blocks + 1] = pandoc.Div({message}, {id = tostring(n), class = "unread"})
    end
  end
  return pandoc.Pandoc(blocks)
end
