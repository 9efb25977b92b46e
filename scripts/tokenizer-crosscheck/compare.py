"""HF tokenizers' side of the cross-check: encodes the same texts and counts the lines where jtrain differs.

    python3 compare.py tokenizer.json texts.json jtrain_out.txt single|truncated|pairs MAX_LENGTH
"""
import json
import sys

from tokenizers import Tokenizer

tokenizer_json, texts_json, ours_txt, mode, max_length = sys.argv[1:6]
max_length = int(max_length)
texts = json.load(open(texts_json))
ours = open(ours_txt, encoding="utf-8").read().splitlines()
tok = Tokenizer.from_file(tokenizer_json)
if mode == "single":
    tok.post_processor = None
    refs = [str(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]
else:
    from tokenizers.processors import BertProcessing
    tok.post_processor = BertProcessing(("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
    if max_length > 0:
        tok.enable_truncation(max_length)
    if mode == "truncated":
        refs = [str(e.ids) for e in tok.encode_batch(texts)]
    else:
        pairs = [(texts[i], texts[i + 1]) for i in range(0, len(texts) - 1, 2)]
        refs = ["%s %s" % (e.ids, e.type_ids) for e in tok.encode_batch(pairs)]
bad = [i for i, (r, o) in enumerate(zip(refs, ours)) if r.replace(" ", "") != o.replace(" ", "")]
if len(refs) != len(ours):
    bad.append(-1)
for i in bad[:3]:
    print("  differs:", repr(texts[i * (2 if mode == "pairs" else 1)])[:120], "\n    hf:", refs[i][:160], "\n    jtrain:", ours[i][:160])
print("%-9s max_length %-3d %6d encodings, %d differ" % (mode, max_length, len(refs), len(bad)))
sys.exit(1 if bad else 0)
