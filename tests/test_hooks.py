"""Where writers run their checks: the pre-commit hooks of `.pre-commit-hooks.yaml`, run by
`pre-commit try-repo` on a blog's git repository, and the GitHub Action of `action.yml`, whose
steps must run what README's CI recipe says.

pre-commit installs a `language: python` hook with `pip install .` of this repository in a
virtualenv of its own. Tests never reach a package index, so pip is told to use none
(`PIP_NO_INDEX`), to install only `publish` itself (`PIP_NO_DEPS`, no build isolation), and the
hook finds the libraries `publish` needs through `PYTHONPATH` (this test's environment): the hook
definitions, pre-commit's install and the installed `publish` command are the real ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

GOOD = "---\ntitle: 好文章\n---\n\n我用 Python 写了 3 个程序，很好用。\n"
#: A typography fault, and a link to a heading that does not exist (a warning of `publish check`).
BAD = "---\ntitle: 坏文章\n---\n\n我用Python写了3个程序,很好用.见[下文](#nowhere)。\n"


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blog")
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    (folder / "bad.md").write_text(BAD, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "."], cwd=folder, check=True)
    return folder


def _try_repo(blog: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(blog.parent / "pre-commit-home"),
           "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "0",  # pip reads "0" as "no"
           "PYTHONPATH": sysconfig.get_paths()["purelib"],
           "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@localhost",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@localhost"}
    selection = ["--files", *files] if files else ["--all-files"]
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, *selection],
                          cwd=blog, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600,
                          check=False)


def _hook_output(result: subprocess.CompletedProcess[str]) -> str:
    """What the hook printed (after pre-commit's own banner and config listing)."""
    return result.stdout.rpartition("=" * 79)[2]


@pytest.mark.slow
@pytest.mark.parametrize(("hook", "finding"), [
    ("publish-check", r"bad\.md:5: warning: .*#nowhere"),
    ("publish-typography", r"bad\.md:5:3: warning: missing space between CJK and Latin.* — write “我用 Python"),
])
def test_a_hook_fails_the_bad_article_and_passes_the_good_one(blog: Path, hook: str, finding: str) -> None:
    failed = _try_repo(blog, hook)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    output = _hook_output(failed)
    assert re.search(rf"^{finding}", output, re.MULTILINE), output
    assert "good.md" not in output
    passed = _try_repo(blog, hook, "good.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^publish \w+\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout


def test_the_hooks_run_the_commands_readme_names() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["publish-check"]["entry"] == "publish check"
    assert hooks["publish-typography"]["entry"] == "publish check --typography"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for hook_id in hooks:
        assert f"id: {hook_id}" in readme


def _readme_action_steps() -> list[tuple[dict[str, str], str]]:
    """Each `uses: OWNER/publish@…` step of README's workflows: its `with:` inputs, and the
    command its comment says it runs."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = []
    for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL):
        for match in re.finditer(r"- uses: OWNER/publish@\S+ +# runs: (.+)\n +with: (\{.*\})", block):
            steps.append(({k: str(v) for k, v in yaml.safe_load(match.group(2)).items()}, match.group(1)))
    return steps


def _run_action(inputs: dict[str, str], tmp_path: Path) -> list[list[str]]:
    """The action's `run` steps in bash, as a runner runs them, with `publish`, `python` and
    `sudo` replaced by stubs that record their arguments; the commands they were given."""
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    values = {name: inputs.get(name, spec.get("default", "")) for name, spec in action["inputs"].items()}
    assert set(inputs) <= set(values), f"README uses inputs the action lacks: {set(inputs) - set(values)}"
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    log = tmp_path / "calls"
    for name in ("publish", "python", "sudo"):
        (stubs / name).write_text(f'#!/bin/sh\nprintf "%s\\0" {name} "$@" >> "{log}"\nprintf "\\n" >> "{log}"\n')
        (stubs / name).chmod(0o755)
    log.write_text("")
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        assert step["shell"] == "bash"
        env = {key: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], str(value))
               for key, value in step.get("env", {}).items()}
        subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], check=True,
                       env={"PATH": f"{stubs}:/usr/bin:/bin", "RUNNER_OS": "Linux",
                            "GITHUB_ACTION_PATH": str(REPO), **env}, cwd=tmp_path, capture_output=True)
    return [line.rstrip("\0").split("\0") for line in log.read_text().splitlines() if line]


def test_readme_uses_the_action() -> None:
    assert len(_readme_action_steps()) >= 2


@pytest.mark.parametrize(("inputs", "documented"), _readme_action_steps())
def test_the_action_runs_what_readme_documents(inputs: dict[str, str], documented: str, tmp_path: Path) -> None:
    calls = _run_action(inputs, tmp_path)
    assert ["python", "-m", "pip", "install", "--quiet", str(REPO)] in calls  # README: `pip install .`
    assert [c for c in calls if c[0] == "publish"] == [documented.split()]


def test_the_action_leaves_empty_inputs_to_publish_toml(tmp_path: Path) -> None:
    assert _run_action({}, tmp_path)[-1] == ["publish", "build"]
    assert _run_action({"command": "check", "sources": "a.md  b.md", "out": "x", "args": "--typography --strict"},
                       tmp_path)[-1] == ["publish", "check", "a.md", "b.md", "--typography", "--strict"]


def test_the_action_installs_only_packages_the_makefile_knows() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    [install] = [s for s in action["runs"]["steps"] if s.get("name") == "Install publish"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    known = re.search(r"^APT_PACKAGES := (.*?)(?<!\\)\n", makefile, re.MULTILINE | re.DOTALL)
    assert known is not None
    assert set(install["env"]["PACKAGES"].split()) <= set(known.group(1).replace("\\", " ").split())
