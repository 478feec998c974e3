# Two commands do everything on a fresh Debian machine: `make demo` and `make test`.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# Debian packages publish needs (see DEVELOPERS.md for why each one is here).
APT_PACKAGES := fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0 libpango-1.0-0 \
                libpangoft2-1.0-0 chromium poppler-utils xclip fontconfig graphviz \
                tesseract-ocr tesseract-ocr-chi-sim
JAVA_PACKAGE := default-jre-headless
# Mermaid's renderer runs on Node.js: Debian's nodejs and npm, only when `node`/`npm` are missing
# (a NodeSource nodejs already ships npm, and Debian's npm would conflict with it).
NODE_PACKAGES := nodejs npm
# @mermaid-js/mermaid-cli, pinned by tools/mermaid/package-lock.json, installed into the venv
# (publish finds it at <venv>/mermaid); puppeteer's browser download is skipped: it runs Debian's Chromium.
MERMAID := $(VENV)/mermaid
MMDC    := $(MERMAID)/node_modules/.bin/mmdc

.PHONY: all setup system demo test golden lint bench clean readme-images
all: demo

setup: system $(BIN)/.installed $(MMDC)

# Install missing Debian packages when root; otherwise print the exact command and stop.
system:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v java >/dev/null 2>&1 || missing="$$missing $(JAVA_PACKAGE)"; \
	{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || missing="$$missing $(NODE_PACKAGES)"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages; run:"; echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

$(MMDC): tools/mermaid/package.json tools/mermaid/package-lock.json
	mkdir -p $(MERMAID)
	cp tools/mermaid/package.json tools/mermaid/package-lock.json $(MERMAID)/
	cd $(MERMAID) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(BIN)/publish sources/sora.md --to all --out dist

test: setup
	$(BIN)/python -m pytest -q -n auto

# Rewrite every golden file (tests/golden/, generated styles) from the current code; review `git diff`.
golden: setup
	$(BIN)/python -m pytest -q -n auto --force-regen
	git status --short tests/golden styles

lint: setup
	$(BIN)/ruff check publish tests tools
	$(BIN)/mypy --strict tools
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/single
	$(BIN)/python benchmarks/batch
	$(BIN)/python benchmarks/pdf
	$(BIN)/python benchmarks/serve
	$(BIN)/python benchmarks/ast
	$(BIN)/python benchmarks/images
	$(BIN)/python benchmarks/typography
	$(BIN)/python benchmarks/diagrams
	$(BIN)/python benchmarks/memory
	$(BIN)/python benchmarks/math
	$(BIN)/python benchmarks/book

# The README's Xiaohongshu pictures: the cover and the first content card of sources/sora.md, small.
readme-images: setup
	SOURCE_DATE_EPOCH=1709251200 $(BIN)/publish sources/sora.md --to xiaohongshu --out build/readme-images
	mkdir -p docs/images
	$(BIN)/python -c "import sys; from PIL import Image; \
	[Image.open(f'build/readme-images/sora.xiaohongshu/{n}.png').convert('RGB').resize((270, 360), Image.LANCZOS) \
	 .quantize(64).save(f'docs/images/xiaohongshu-{n}.png', optimize=True) for n in ('01', '02')]"

clean:
	rm -rf dist .pytest_cache build *.egg-info
