"""Many articles at once: plan (shard, up to date?), convert in a pool of worker processes, record.

The parent process owns everything shared: the plan, the progress display, the manifest and the
report. Workers are long-lived processes that load the exporters (and their heavy libraries and
caches) once and convert one article per message; their outcomes come back as plain records.
A worker that dies (a crash, the OOM killer, `kill`) fails only the article it held: a fresh
worker takes its place. Ctrl-C or SIGTERM stops the workers, removes half-written temp files and
saves a manifest that lists only outputs that are complete on disk.

- `plan`: the request, shards, and which articles are out of date (`Plan.single` decides
  whether this is a one-article run: no pool, no progress bar, a helper for the slow format);
- `runner`: `run(plan)`, the manifest bookkeeping, signals, and the run's totals (`Run`);
- `pool`: worker processes, one job each, replaced when they die or grow too big;
- `worker`: what runs inside one worker process.
"""

from __future__ import annotations

from publish.batch.plan import Job, Plan, Request, in_shard, parse_shard, plan
from publish.batch.pool import default_jobs
from publish.batch.runner import Run, remove_temp_files, run

__all__ = ["Job", "Plan", "Request", "Run", "default_jobs", "in_shard", "parse_shard", "plan",
           "remove_temp_files", "run"]
