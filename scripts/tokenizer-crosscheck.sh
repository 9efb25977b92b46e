#!/usr/bin/env bash
# Cross-checks jtrain's WordPiece tokenizer against HuggingFace tokenizers (the Rust library HF's fast tokenizers
# use) on ~23,000 texts: random strings built to hit every normaliser and pre-tokenizer rule, and lines from the data
# cache. Single texts with six normaliser settings (uncased, cased, accents kept or stripped, no CJK split, no text
# cleaning), single texts with [CLS]/[SEP] truncated to three lengths, then pairs with [CLS]/[SEP] untruncated and
# truncated to several lengths; last, every Unicode code point through both normalisers and pre-tokenizers
# (HfUnicodeParityTest). Prints one line per check and exits 1 when any encoding differs.
#
#   scripts/tokenizer-crosscheck.sh [VOCAB_TXT] [SEED]
#
# VOCAB_TXT defaults to the golden tiny BERT's (../shared/golden); SEED (default 1) picks the random texts.
# Needs python3 with pip access to the `tokenizers` wheel (installed into a virtual environment under
# $TMPDIR/jtrain-tokenizers-venv; TOKENIZERS_VERSION, default 0.23.2, picks the version) and JDK 25.
# Not part of `./trainer test`: the wheel is not on every machine.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
vocab="${1:-$here/../shared/golden/hf-bert-tiny/random-init/vocab.txt}"
seed="${2:-1}"
[ -f "$vocab" ] || { echo "tokenizer-crosscheck.sh: $vocab: no such file (usage: scripts/tokenizer-crosscheck.sh [VOCAB_TXT] [SEED])" >&2; exit 2; }
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "tokenizer-crosscheck.sh: SEED must be a whole number, got '$seed'" >&2; exit 2; }
[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

py="$("$here/scripts/tokenizers-venv.sh")" || { echo "tokenizer-crosscheck.sh: could not set up HF tokenizers" \
  "${TOKENIZERS_VERSION:-0.23.2} in a virtual environment (python3 -m venv, pip)" >&2; exit 2; }

(cd "$here" && mvn -o -q -pl training -am package -DskipTests >/dev/null)
cp="$here/training/target/training.jar:$here/training/target/lib/*"
encode() { java -cp "$cp" "$here/scripts/tokenizer-crosscheck/Encode.java" "$@"; }
dir="$here/scripts/tokenizer-crosscheck"

# The data cache as ./trainer finds it (--cache aside): $JTRAIN_DATA, else ~/.cache/jtrain/data.
"$py" "$dir/texts.py" "$seed" "${JTRAIN_DATA:-$HOME/.cache/jtrain/data}" "$work/texts.json"
echo "tokenizers $("$py" -c 'import tokenizers; print(tokenizers.__version__)'), vocabulary $vocab"
"$py" "$dir/variants.py" "$vocab" "$work" >/dev/null
status=0
for variant in uncased cased cased-strip-accents lowercase-keep-accents no-chinese-split no-clean-text; do
  encode "$work/$variant.json" "$work/texts.json" "$work/out.txt" single 0
  printf '%-24s ' "$variant" && "$py" "$dir/compare.py" "$work/$variant.json" "$work/texts.json" "$work/out.txt" single 0 || status=1
done
for max in 5 16 64; do
  encode "$work/uncased.json" "$work/texts.json" "$work/out.txt" truncated "$max"
  printf '%-24s ' "uncased" && "$py" "$dir/compare.py" "$work/uncased.json" "$work/texts.json" "$work/out.txt" truncated "$max" || status=1
done
for max in 0 5 9 16 24 40 64; do
  encode "$work/uncased.json" "$work/texts.json" "$work/out.txt" pairs "$max"
  printf '%-24s ' "uncased" && "$py" "$dir/compare.py" "$work/uncased.json" "$work/texts.json" "$work/out.txt" pairs "$max" || status=1
done
# Every code point through both normalisers and pre-tokenizers (HfUnicodeParityTest, with this venv's tokenizers).
printf '%-24s ' "every code point"
if (cd "$here" && mvn -o -q -pl training test -Dtest=HfUnicodeParityTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Djtrain.python="$py" >"$work/codepoints.log" 2>&1) \
   && grep -q 'tests="1" errors="0" skipped="0" failures="0"' \
        "$here/training/target/surefire-reports/TEST-jtrain.training.tokenizer.HfUnicodeParityTest.xml"; then
  echo "0 of 1,112,064 code points differ"
else
  status=1
  grep -m 3 -E 'U\+|ERROR' "$work/codepoints.log" || tail -5 "$work/codepoints.log"
fi
exit $status
