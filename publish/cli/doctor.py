"""`publish doctor`: what this machine has, and for each thing missing, what to install."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

#: Debian packages `make` installs; doctor names them in its fixes.
APT_FONTS = "fonts-noto-cjk"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report: a name, whether it passed, and the detail or the fix."""

    name: str
    ok: bool
    detail: str
    required: bool = True


def _pandoc() -> Check:
    try:
        import pypandoc

        return Check("pandoc", True, f"{pypandoc.get_pandoc_version()} ({pypandoc.get_pandoc_path()})")
    except (ImportError, OSError, RuntimeError) as exc:
        return Check("pandoc", False, f"not found ({exc}) — pip install pypandoc-binary")


def _weasyprint() -> Check:
    try:
        import weasyprint
        from weasyprint.text.ffi import pango

        number = int(pango.pango_version())
        pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
        return Check("WeasyPrint", True, f"{weasyprint.__version__}, Pango {pango_version}")
    except Exception as exc:  # noqa: BLE001  (any import failure is the finding)
        return Check("WeasyPrint", False,
                     f"not importable ({exc}) — apt-get install libpango-1.0-0 libpangoft2-1.0-0")


def _typst() -> Check:
    """The optional second PDF engine (`--pdf-engine typst`); its compiler ships in the wheel."""
    try:
        from importlib.metadata import version

        from publish.engines.typst import compiler, subsets

        cut = sorted({f.removesuffix(subsets.SUFFIX).rsplit(" ", 1)[-1]
                      for f in compiler.families() if f.endswith(subsets.SUFFIX)})
        return Check("Typst (PDF engine)", True,
                     f"typst {version('typst')}, {len(compiler.families())} font families; Noto CJK cut to common "
                     f"characters for: {', '.join(cut) or 'none yet (the first Typst PDF cuts them)'}",
                     required=False)
    except Exception as exc:  # noqa: BLE001  (any import failure is the finding)
        return Check("Typst (PDF engine)", False, f"not importable ({exc}) — pip install typst",
                     required=False)


def _harfbuzz_subset() -> Check:
    found = ctypes.util.find_library("harfbuzz-subset")
    if found:
        return Check("HarfBuzz subsetting", True, f"{found} (fast font subsetting)")
    return Check("HarfBuzz subsetting", False,
                 "missing: PDFs with CJK fonts take ~20× longer — apt-get install libharfbuzz-subset0")


def _fc_families() -> set[str]:
    if shutil.which("fc-list") is None:
        return set()
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def _cjk_fonts(families: set[str]) -> list[Check]:
    checks = []
    for lang, region in (("zh-Hans", "SC"), ("zh-Hant", "TC"), ("ja", "JP"), ("ko", "KR")):
        have = [f for f in (f"Noto Serif CJK {region}", f"Noto Sans CJK {region}") if f in families]
        checks.append(Check(f"CJK font {lang}", bool(have),
                            ", ".join(have) if have else f"missing — apt-get install {APT_FONTS}"))
    emoji = "Noto Color Emoji" in families
    checks.append(Check("emoji font", emoji, "Noto Color Emoji" if emoji
                        else "missing: emoji print as boxes — apt-get install fonts-noto-color-emoji"))
    return checks


def _java() -> Check:
    java = shutil.which("java")
    if java is None:
        return Check("Java (EPUBCheck)", False, "missing — apt-get install default-jre-headless",
                     required=False)
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    first = (out.stderr or out.stdout).splitlines()[0] if (out.stderr or out.stdout) else java
    return Check("Java (EPUBCheck)", True, first, required=False)


def _diagrams() -> list[Check]:
    """The two diagram renderers; without one, its diagrams stay code (with a warning)."""
    import json

    from publish.normalize.diagrams import renderers

    checks = []
    try:
        dot = renderers.find("graphviz")
        out = subprocess.run([str(dot.program), "-V"], capture_output=True, text=True, check=False, timeout=10)
        checks.append(Check("Graphviz (diagrams)", True, f"{out.stderr.strip() or dot.program}", required=False))
    except renderers.Unavailable as missing:
        checks.append(Check("Graphviz (diagrams)", False, f"{missing}: ```dot blocks stay code — {missing.fix}",
                            required=False))
    try:
        mmdc = renderers.find("mermaid")
        try:
            meta = json.loads((mmdc.program.resolve().parent.parent / "package.json").read_text(encoding="utf-8"))
            version = f"mermaid-cli {meta['version']}"
        except (OSError, ValueError, KeyError):
            version = "mermaid-cli"
        checks.append(Check("Mermaid (diagrams)", True, f"{version} ({mmdc.program}), browser {mmdc.browser}",
                            required=False))
    except renderers.Unavailable as missing:
        checks.append(Check("Mermaid (diagrams)", False, f"{missing}: ```mermaid blocks stay code — {missing.fix}",
                            required=False))
    return checks


def _clipboard() -> Check:
    for tool in ("wl-copy", "xclip", "pbcopy"):
        if shutil.which(tool):
            return Check("clipboard tool", True, tool, required=False)
    return Check("clipboard tool", False, "none (needed for --copy) — apt-get install xclip or wl-clipboard",
                 required=False)


def checks() -> list[Check]:
    """Every check, in the order they are printed."""
    return [_pandoc(), _weasyprint(), _harfbuzz_subset(), _typst(), *_cjk_fonts(_fc_families()), _java(),
            *_diagrams(), _clipboard()]


def run_checks(echo: Callable[[str], None]) -> int:
    """Print one line per check; exit status 1 when a required check failed."""
    results = checks()
    for check in results:
        mark = "OK  " if check.ok else ("FAIL" if check.required else "WARN")
        echo(f"{mark} {check.name}: {check.detail}")
    return 1 if any(not c.ok and c.required for c in results) else 0
