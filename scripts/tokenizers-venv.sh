#!/usr/bin/env bash
# Prints the path of a Python that imports HuggingFace tokenizers at TOKENIZERS_VERSION (default 0.23.2, the version
# ../shared/golden was made with), creating a virtual environment for it under $TMPDIR/jtrain-tokenizers-venv when
# needed: pip, without dependencies (the tokenizer itself needs none). Exits 1 and prints nothing when that fails
# (no `python3 -m venv`, no pip access to the wheel). Used by `./trainer test` and scripts/tokenizer-crosscheck.sh.
set -uo pipefail
version="${TOKENIZERS_VERSION:-0.23.2}"
venv="${TMPDIR:-/tmp}/jtrain-tokenizers-venv"
usable() { "$venv/bin/python" -c "import tokenizers, sys; sys.exit(tokenizers.__version__ != '$version')" 2>/dev/null; }
if ! usable; then
  rm -rf "$venv"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q --no-deps --retries 0 --timeout 30 "tokenizers==$version"; } >/dev/null 2>&1
  usable || exit 1
fi
echo "$venv/bin/python"
