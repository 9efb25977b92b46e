"""An independent BERT in plain PyTorch (written from the formulas of HF's BertForMaskedLM, BertForSequenceClassification
and BertForTokenClassification, with HF's parameter names), producing reference outputs for one random model size.
TorchCrossCheckTest runs it when torch is importable (written for torch 1.13, float32, CPU). The config's hidden_act
(default "gelu") is the activation of the feed-forward blocks and the MLM head's transform, as in HF.

    python3 bert_reference.py OUT_DIR SPEC_JSON

SPEC_JSON: {"config": {HF config.json fields}, "seed": int, "init_std": float, "embedding_std": float, "seq_len": T,
            "lengths": [one per row], "attended_pads": int, "steps": K, "seq_labels": int, "tok_labels": int,
            "multi_labels": int}

Writes to OUT_DIR:
  config.json, pytorch_model.bin  the masked-LM checkpoint (random weights; biases and LayerNorm affine values random
                                  too, so that every parameter's role shows in the outputs)
  reference.bin                   torch.save dict of tensors:
    input_ids, token_type_ids, attention_mask, labels      (B, T) int64; labels -100 where not scored
    mlm.hidden_states.I, mlm.logits, mlm.loss, mlm.grad.NAME
    mlm.after.NAME                 parameters after K steps of torch AdamW (lr 1e-3, wd 0.01 on all) with
                                   clip_grad_norm_(1.0) before each step
    mlm.step_losses, mlm.step_gradnorms                    (K) loss and pre-clip gradient norm of each step
    seq.param.NAME, seq.labels, seq.logits, seq.loss, seq.grad.NAME    sequence classification on the unmasked ids
    tok.param.NAME, tok.labels, tok.logits, tok.loss, tok.grad.NAME    token classification on the unmasked ids
    reg.*, multi.*                 the same for sequence heads with HF's other problem types, on the unmasked ids:
                                   regression (1 output, float scores (B), F.mse_loss) and multi-label ("multi_labels"
                                   outputs, 0/1 float targets (B, L), F.binary_cross_entropy_with_logits)
"""
import collections
import json
import math
import os
import sys

import torch

IGNORE = -100


def linear(x, params, prefix):
    return x @ params[prefix + ".weight"].t() + params[prefix + ".bias"]


def layer_norm(x, params, prefix, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)  # biased, as LayerNorm
    return (x - mean) / torch.sqrt(var + eps) * params[prefix + ".weight"] + params[prefix + ".bias"]


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    return torch.nn.functional.gelu(x, approximate="tanh")


# hidden_act: the exact GELU from its formula; the others through torch's own functions where it has one (quick_gelu
# is HF's formula, torch has none). gelu_new and gelu_fast are the tanh approximation that torch computes.
ACTIVATIONS = {
    "gelu": gelu,
    "gelu_new": gelu_tanh,
    "gelu_pytorch_tanh": gelu_tanh,
    "gelu_fast": gelu_tanh,
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
    "relu": torch.nn.functional.relu,
    "silu": torch.nn.functional.silu,
    "swish": torch.nn.functional.silu,
    "tanh": torch.tanh,
}


def act(cfg, x):
    return ACTIVATIONS[cfg.get("hidden_act", "gelu")](x)


def cross_entropy(logits, labels):
    """Mean over the positions whose label is not -100 of logsumexp(logits) - logits[label]."""
    logits, labels = logits.reshape(-1, logits.shape[-1]), labels.reshape(-1)
    scored = labels != IGNORE
    picked = logits[scored]
    return (torch.logsumexp(picked, -1) - picked.gather(1, labels[scored].unsqueeze(1)).squeeze(1)).mean()


def encoder(params, cfg, ids, types, mask):
    """-> list of hidden states: the embedding output, then each layer's."""
    b, t = ids.shape
    c, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d, eps = c // heads, cfg["layer_norm_eps"]
    # nn.Embedding(padding_idx=pad): the pad row gets no gradient from this lookup (a tied decoder still trains it).
    words = torch.nn.functional.embedding(ids, params["bert.embeddings.word_embeddings.weight"], padding_idx=cfg["pad_token_id"])
    x = (words + params["bert.embeddings.token_type_embeddings.weight"][types]
         + params["bert.embeddings.position_embeddings.weight"][torch.arange(t)].unsqueeze(0))
    h = layer_norm(x, params, "bert.embeddings.LayerNorm", eps)
    states = [h]
    # Additive mask over the keys: 0 where attended, the dtype's most negative value at padding.
    bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for layer in range(cfg["num_hidden_layers"]):
        p = "bert.encoder.layer.%d." % layer

        def split(z):
            return z.view(b, t, heads, d).transpose(1, 2)  # (B, H, T, D)

        q, k, v = (split(linear(h, params, p + "attention.self." + n)) for n in ("query", "key", "value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, c)
        a = layer_norm(linear(ctx, params, p + "attention.output.dense") + h, params, p + "attention.output.LayerNorm", eps)
        f = act(cfg, linear(a, params, p + "intermediate.dense"))
        h = layer_norm(linear(f, params, p + "output.dense") + a, params, p + "output.LayerNorm", eps)
        states.append(h)
    return states


def mlm_logits(params, cfg, hidden):
    h = layer_norm(act(cfg, linear(hidden, params, "cls.predictions.transform.dense")), params,
                   "cls.predictions.transform.LayerNorm", cfg["layer_norm_eps"])
    return h @ params["bert.embeddings.word_embeddings.weight"].t() + params["cls.predictions.bias"]  # tied decoder


def seq_logits(params, cfg, ids, types, mask):
    first = encoder(params, cfg, ids, types, mask)[-1][:, 0]
    return linear(torch.tanh(linear(first, params, "bert.pooler.dense")), params, "classifier")


def tok_logits(params, cfg, ids, types, mask):
    return linear(encoder(params, cfg, ids, types, mask)[-1], params, "classifier")


def random_encoder(cfg, std, embedding_std, gen):
    c, i = cfg["hidden_size"], cfg["intermediate_size"]
    shapes = collections.OrderedDict()
    shapes["bert.embeddings.word_embeddings.weight"] = (cfg["vocab_size"], c)
    shapes["bert.embeddings.position_embeddings.weight"] = (cfg["max_position_embeddings"], c)
    shapes["bert.embeddings.token_type_embeddings.weight"] = (cfg["type_vocab_size"], c)
    shapes["bert.embeddings.LayerNorm"] = c
    for layer in range(cfg["num_hidden_layers"]):
        p = "bert.encoder.layer.%d." % layer
        for n in ("query", "key", "value"):
            shapes[p + "attention.self." + n] = (c, c)
        shapes[p + "attention.output.dense"] = (c, c)
        shapes[p + "attention.output.LayerNorm"] = c
        shapes[p + "intermediate.dense"] = (i, c)
        shapes[p + "output.dense"] = (c, i)
        shapes[p + "output.LayerNorm"] = c
    shapes["cls.predictions.transform.dense"] = (c, c)
    shapes["cls.predictions.transform.LayerNorm"] = c
    params = random_params(shapes, std, gen)
    for name in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        # Small embeddings (as HF's 0.02 init) make the embedding LayerNorm's variance small, so its eps shows.
        params["bert.embeddings.%s.weight" % name] *= embedding_std / std
    params["cls.predictions.bias"] = 0.1 * torch.randn(cfg["vocab_size"], generator=gen)
    return params


def random_params(shapes, std, gen):
    """Embeddings N(0, std); linear layers N(0, std) weights and N(0, 0.1) biases; LayerNorm 1 + N(0, 0.1), N(0, 0.1)."""
    params = collections.OrderedDict()
    for name, shape in shapes.items():
        if name.endswith(".weight"):
            params[name] = std * torch.randn(*shape, generator=gen)
        elif name.endswith("LayerNorm"):
            params[name + ".weight"] = 1.0 + 0.1 * torch.randn(shape, generator=gen)
            params[name + ".bias"] = 0.1 * torch.randn(shape, generator=gen)
        else:
            params[name + ".weight"] = std * torch.randn(*shape, generator=gen)
            params[name + ".bias"] = 0.1 * torch.randn(shape[0], generator=gen)
    return params


def random_batch(cfg, spec, gen):
    """Rows of the given lengths padded to seq_len with pad_token_id; 1 to type_vocab_size segments per row."""
    lengths, t, pad = spec["lengths"], spec["seq_len"], cfg["pad_token_id"]
    b, vocab, segments = len(lengths), cfg["vocab_size"], cfg["type_vocab_size"]
    ids = torch.randint(0, vocab - 1, (b, t), generator=gen)
    ids = ids + (ids >= pad).long()  # never the pad id inside a sequence
    mask = (torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]).long()
    ids = torch.where(mask == 1, ids, torch.full_like(ids, pad))
    # Pad ids that are attended (as when a caller passes no attention mask): only they show that the word
    # embedding's pad row gets no gradient from the lookup, since padding that is masked affects nothing scored.
    for _ in range(spec["attended_pads"]):
        row = int(torch.randint(0, b, (1,), generator=gen))
        ids[row, int(torch.randint(1, max(lengths[row], 2), (1,), generator=gen))] = pad
    types = torch.zeros(b, t, dtype=torch.long)
    for row, n in enumerate(lengths):
        starts = sorted(int(torch.randint(1, n + 1, (1,), generator=gen)) for _ in range(1, segments))
        for s, start in enumerate(starts, 1):  # segment s runs from its start to the end (or the next start)
            types[row, start:n] = s
    # Masked LM: about a quarter of the real tokens are scored (at least one per row) and replaced by a random id.
    scored = (torch.rand(b, t, generator=gen) < 0.25) & (mask == 1)
    scored[:, 0] = True
    labels = torch.where(scored, ids, torch.full_like(ids, IGNORE))
    masked = torch.where(scored, torch.randint(0, vocab, (b, t), generator=gen), ids)
    masked = torch.where(masked == pad, ids, masked)
    return ids, masked, types, mask, labels


def fresh(params):
    return collections.OrderedDict((n, p.detach().clone().requires_grad_(True)) for n, p in params.items())


def grads(out, prefix, params):
    for name, p in params.items():
        out[prefix + name] = p.grad.detach().clone()


def main():
    out_dir, spec = sys.argv[1], json.loads(sys.argv[2])
    cfg = dict(spec["config"])
    gen = torch.Generator().manual_seed(spec["seed"])
    torch.manual_seed(spec["seed"])
    base = random_encoder(cfg, spec["init_std"], spec["embedding_std"], gen)
    ids, masked, types, mask, labels = random_batch(cfg, spec, gen)
    ref = collections.OrderedDict(input_ids=masked, token_type_ids=types, attention_mask=mask, labels=labels)

    # Masked LM: forward, backward, then K AdamW steps.
    params = fresh(base)
    states = encoder(params, cfg, masked, types, mask)
    logits = mlm_logits(params, cfg, states[-1])
    loss = cross_entropy(logits, labels)
    loss.backward()
    for i, s in enumerate(states):
        ref["mlm.hidden_states.%d" % i] = s.detach()
    ref["mlm.logits"], ref["mlm.loss"] = logits.detach(), loss.detach().reshape(1)
    grads(ref, "mlm.grad.", params)

    params = fresh(base)
    opt = torch.optim.AdamW(list(params.values()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    losses, norms = [], []
    for _ in range(spec["steps"]):
        opt.zero_grad()
        step_loss = cross_entropy(mlm_logits(params, cfg, encoder(params, cfg, masked, types, mask)[-1]), labels)
        step_loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)))
        losses.append(float(step_loss))
        opt.step()
    for name, p in params.items():
        ref["mlm.after." + name] = p.detach().clone()
    ref["mlm.step_losses"], ref["mlm.step_gradnorms"] = torch.tensor(losses), torch.tensor(norms)

    # Classification heads on the unmasked ids, from the same encoder with new heads.
    encoder_only = collections.OrderedDict((n, p) for n, p in base.items() if n.startswith("bert."))
    c = cfg["hidden_size"]
    for task, n_labels, forward in (("seq", spec["seq_labels"], seq_logits), ("tok", spec["tok_labels"], tok_logits)):
        shapes = collections.OrderedDict()
        if task == "seq":
            shapes["bert.pooler.dense"] = (c, c)
        shapes["classifier"] = (n_labels, c)
        head = random_params(shapes, spec["init_std"], gen)
        for name, p in head.items():
            ref[task + ".param." + name] = p
        params = fresh(collections.OrderedDict(list(encoder_only.items()) + list(head.items())))
        if task == "seq":
            task_labels = torch.randint(0, n_labels, (ids.shape[0],), generator=gen)
        else:  # padding and about a fifth of the real tokens are not scored; the first token always is
            unscored = (mask == 0) | (torch.rand(ids.shape, generator=gen) < 0.2)
            unscored[:, 0] = False
            task_labels = torch.where(unscored, torch.full_like(ids, IGNORE), torch.randint(0, n_labels, ids.shape, generator=gen))
        task_logits = forward(params, cfg, ids, types, mask)
        task_loss = cross_entropy(task_logits, task_labels)
        task_loss.backward()
        ref[task + ".labels"], ref[task + ".logits"], ref[task + ".loss"] = task_labels, task_logits.detach(), task_loss.detach().reshape(1)
        grads(ref, task + ".grad.", params)

    # Sequence heads of the other problem types: torch's own loss functions (HF uses their module forms).
    for task, n_labels in (("reg", 1), ("multi", spec["multi_labels"])):
        shapes = collections.OrderedDict([("bert.pooler.dense", (c, c)), ("classifier", (n_labels, c))])
        head = random_params(shapes, spec["init_std"], gen)
        for name, p in head.items():
            ref[task + ".param." + name] = p
        params = fresh(collections.OrderedDict(list(encoder_only.items()) + list(head.items())))
        task_logits = seq_logits(params, cfg, ids, types, mask)
        if task == "reg":  # scores on the scale of an STS-B label (0 to 5)
            task_labels = 5 * torch.rand(ids.shape[0], generator=gen)
            task_loss = torch.nn.functional.mse_loss(task_logits.squeeze(-1), task_labels)
        else:
            task_labels = (torch.rand(ids.shape[0], n_labels, generator=gen) < 0.4).float()
            task_loss = torch.nn.functional.binary_cross_entropy_with_logits(task_logits, task_labels)
        task_loss.backward()
        ref[task + ".labels"], ref[task + ".logits"], ref[task + ".loss"] = task_labels, task_logits.detach(), task_loss.detach().reshape(1)
        grads(ref, task + ".grad.", params)

    os.makedirs(out_dir, exist_ok=True)
    config = dict(cfg, architectures=["BertForMaskedLM"], model_type="bert", hidden_act=cfg.get("hidden_act", "gelu"),
                  hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, position_embedding_type="absolute")
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    state = collections.OrderedDict(base)
    state["cls.predictions.decoder.weight"] = state["bert.embeddings.word_embeddings.weight"]  # tied, as HF saved it
    state["cls.predictions.decoder.bias"] = state["cls.predictions.bias"]
    torch.save(state, os.path.join(out_dir, "pytorch_model.bin"))
    torch.save(ref, os.path.join(out_dir, "reference.bin"))


if __name__ == "__main__":
    main()
