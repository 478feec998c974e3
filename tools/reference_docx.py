#!/usr/bin/env python3
"""Write `styles/default/reference.docx`, the styles of every DOCX: pandoc's default, made for Chinese.

    .venv/bin/python tools/reference_docx.py         # then review and commit the file

Pandoc takes a Word document's styles from a reference document (`--reference-doc`). Its default
one leaves East Asian text to the theme's faces (`minorEastAsia`), which Word fills with a
Japanese or a Windows-only face. This script takes that default, as the installed pandoc prints
it, and names the faces `publish` uses everywhere else (see `publish.render.fonts`):

- text (the document defaults and every style that used the theme's body face): Noto Serif CJK SC;
- headings, title and subtitle (the theme's heading face): Noto Sans CJK SC;
- code: Noto Sans Mono CJK SC in `Verbatim Char`, and a `Source Code` paragraph style (pandoc
  defines it only when it highlights code, which `publish` leaves to Pygments), lines not wrapped;
- the language of East Asian text: zh-CN (pandoc sets it from the article's `lang` when that is
  Chinese, Japanese or Korean).

Latin faces, sizes and colours stay pandoc's. The zip is written with fixed timestamps, so the
same pandoc gives the same bytes.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pypandoc
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FACES = {"minorEastAsia": "Noto Serif CJK SC", "majorEastAsia": "Noto Sans CJK SC"}
CODE_FACE = "Noto Sans Mono CJK SC"
SOURCE_CODE = f"""<w:style xmlns:w="{W}" w:type="paragraph" w:customStyle="1" w:styleId="SourceCode">
  <w:name w:val="Source Code"/><w:basedOn w:val="Normal"/><w:link w:val="VerbatimChar"/>
  <w:pPr><w:wordWrap w:val="off"/><w:spacing w:before="120" w:after="120"/></w:pPr>
</w:style>"""
OUT = Path(__file__).resolve().parent.parent / "styles" / "default" / "reference.docx"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def styles(xml: bytes) -> bytes:
    """styles.xml with explicit CJK faces instead of the theme's, and zh-CN for East Asian text."""
    root = etree.fromstring(xml)
    for fonts in root.iter(w("rFonts")):
        theme = fonts.attrib.pop(w("eastAsiaTheme"), "")
        if theme in FACES:
            fonts.set(w("eastAsia"), FACES[theme])
    for lang in root.iterfind(f"{{{W}}}docDefaults//{{{W}}}lang"):
        lang.set(w("eastAsia"), "zh-CN")
    verbatim = root.find(f"{{{W}}}style[@{{{W}}}styleId='VerbatimChar']/{{{W}}}rPr/{{{W}}}rFonts")
    assert verbatim is not None, "pandoc's reference document has no Verbatim Char style"
    verbatim.set(w("eastAsia"), CODE_FACE)
    if root.find(f"{{{W}}}style[@{{{W}}}styleId='SourceCode']") is None:
        root.append(etree.fromstring(SOURCE_CODE))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main() -> None:
    pandoc = pypandoc.get_pandoc_path()
    default = subprocess.run([pandoc, "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = styles(data)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    OUT.write_bytes(out.getvalue())
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True).stdout
    print(f"wrote {OUT} ({len(out.getvalue())} bytes) from {version.splitlines()[0]}", file=sys.stderr)


if __name__ == "__main__":
    main()
