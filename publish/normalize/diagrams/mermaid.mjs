// All of an article's Mermaid diagrams in one Chromium, through mermaid-cli's documented Node.js
// API (`renderMermaid`): starting the browser is most of the cost of a diagram.
//
//   node mermaid.mjs <mermaid-cli package folder>  < {"browser": {...}, "config": {...},
//                                                      "diagrams": [{"code": "...", "id": "..."}]}
//
// Writes {"browser": <pid>} first: puppeteer starts Chromium in a process group of its own, so a
// caller that kills this script on a timeout must kill that group too, or the browser outlives it.
// Then one JSON line per diagram, in order, as soon as it is drawn: {"svg": "..."} or
// {"error": "..."}, so that the caller keeps what was drawn before a diagram that hangs.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const cli = process.argv[2];
const { renderMermaid } = await import(pathToFileURL(path.join(cli, "src", "index.js")).href);
const require = createRequire(path.join(cli, "package.json"));
const puppeteer = (await import(pathToFileURL(require.resolve("puppeteer")).href)).default;

let input = "";
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const browser = await puppeteer.launch(job.browser);
process.stdout.write(JSON.stringify({ browser: browser.process()?.pid ?? null }) + "\n");
try {
  for (const diagram of job.diagrams) {
    let line;
    try {
      const { data } = await renderMermaid(browser, diagram.code, "svg", {
        mermaidConfig: job.config,
        svgId: diagram.id,
        backgroundColor: "white",
      });
      line = { svg: new TextDecoder().decode(data) };
    } catch (error) {
      line = { error: String(error && error.message ? error.message : error) };
    }
    process.stdout.write(JSON.stringify(line) + "\n");
  }
} finally {
  await browser.close();
}
