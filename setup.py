"""The package list, which pyproject.toml cannot state: every package under `publish/`, found (a new
sub-package ships without editing anything), plus `styles/` as the data package `publish.styles`.

`[tool.setuptools.packages.find]` alone cannot do it: it names a package after its folder, so it never
yields `publish.styles` for `styles/`, and a `find` table cannot be combined with a list. The folder
mapping (`package-dir`) and the data files (`package-data`) stay in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["publish", "publish.*"]), "publish.styles"])
