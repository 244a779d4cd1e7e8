# jobmesh dev loop: setup | gen | lint | test | clean. Every target creates what it needs first.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUF_VERSION := 1.75.0
BUF := .tools/node_modules/.bin/buf
STAMP := $(VENV)/.installed
# The worker pool drives the system Chromium; Playwright cannot download its own here.
CHROMIUM := /usr/bin/chromium

# protoc plugin that runs grpcio-tools' built-in grpc_python generator for buf.
define GRPC_PYTHON_PLUGIN
import os, sys, tempfile
from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc
request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
response = plugin_pb2.CodeGeneratorResponse(supported_features=1)
with tempfile.TemporaryDirectory() as tmp:
    descriptors, out = os.path.join(tmp, "in.binpb"), os.path.join(tmp, "out")
    os.mkdir(out)
    with open(descriptors, "wb") as f:
        f.write(descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString())
    if protoc.main(["protoc", "--descriptor_set_in=" + descriptors, "--grpc_python_out=" + out, *request.file_to_generate]):
        sys.exit(1)
    for root, _, files in sorted(os.walk(out)):
        for name in sorted(files):
            with open(os.path.join(root, name)) as f:
                response.file.add(name=os.path.relpath(os.path.join(root, name), out), content=f.read())
sys.stdout.buffer.write(response.SerializeToString())
endef
export GRPC_PYTHON_PLUGIN

.PHONY: help setup gen lint test clean run demo bench

help:
	@echo "make setup | gen | lint | test | clean"

setup: $(STAMP) $(BUF) $(CHROMIUM)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	printf '#!/bin/sh\nexec "$$(dirname "$$0")/python" -m grpc_tools.protoc "$$@"\n' > $(BIN)/protoc
	printf '#!%s\n%s\n' "$(abspath $(BIN))/python" "$$GRPC_PYTHON_PLUGIN" > $(BIN)/protoc-gen-grpc_python
	chmod +x $(BIN)/protoc $(BIN)/protoc-gen-grpc_python
	touch $@

$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

$(BUF):
	npm install --silent --no-audit --no-fund --prefix .tools @bufbuild/buf@$(BUF_VERSION)

gen: setup
	rm -rf gen
	$(BUF) generate
	$(BUF) build --output gen/jobmesh.binpb

lint: setup
	$(BUF) lint
	$(BUF) format --diff --exit-code
	if git rev-parse --verify --quiet main >/dev/null; then $(BUF) breaking --against '.git#branch=main'; fi
	$(MAKE) --no-print-directory gen
	git diff --exit-code -- gen
	test -z "$$(git status --porcelain -- gen)" || { git status --porcelain -- gen; echo "gen/ is stale: run make gen and commit"; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache *.egg-info

run: setup
	$(BIN)/jobmesh run

demo: setup
	$(BIN)/python -m services.demo

bench: setup
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.automation
