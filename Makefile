# Switchyard developer tasks. Everything runs from the project virtualenv in .venv.
PY := .venv/bin/python
STAMP := .venv/.installed
PROTOS := $(wildcard protos/switchyard/v1/*.proto)
PROTOC := $(PY) -m grpc_tools.protoc -I protos

.PHONY: venv proto proto-check lint buf-lint test run

venv: $(STAMP)

# Reinstall only when the dependency lists change.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet -e '.[dev,local]'
	touch $@

proto: $(STAMP)
	$(PROTOC) --python_out=. --grpc_python_out=. --pyi_out=. $(PROTOS)

# CI fails when the committed generated code is not what the .proto files produce.
proto-check: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	mkdir -p "$$tmp/switchyard/v1" && \
	if [ -n "$(PROTOS)" ]; then \
		$(PROTOC) --python_out="$$tmp" --grpc_python_out="$$tmp" --pyi_out="$$tmp" $(PROTOS); \
	fi && \
	diff -r --exclude=__init__.py --exclude=__pycache__ --exclude=py.typed \
		"$$tmp/switchyard/v1" switchyard/v1 \
	|| { echo "switchyard/v1 is out of date with protos/: run 'make proto' and commit"; exit 1; }

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# buf runs offline from the npm package; buf.yaml at the root names the module and the rules.
buf-lint:
	@command -v npx >/dev/null 2>&1 || { echo "buf lint needs Node.js (npx) on PATH"; exit 1; }
	npx --yes @bufbuild/buf lint

test: $(STAMP)
	$(MAKE) proto-check
	$(MAKE) buf-lint
	$(MAKE) lint
	$(PY) -m pytest

run: $(STAMP)
	.venv/bin/switchyard up
