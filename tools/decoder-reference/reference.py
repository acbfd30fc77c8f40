#!/usr/bin/env python3
"""An independent reference for FedLab's decoder import: Llama, Qwen2, Qwen3 and GPT-2 written in plain numpy
(float64) after transformers' modeling_llama.py, modeling_qwen2.py, modeling_qwen3.py and modeling_gpt2.py.

    python3 reference.py FOLDER ID [ID ...]

prints {"ids": [...], "logits": [...]}: the final position's next-token logits, the same document as
`fedlab model logits`. tests/FedLab.Engine.Tests/Models/Decoders/reference-logits.json was produced with it.
"""
import json, math, os, struct, sys
import numpy as np

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        raw = data[a:b]
        shape = meta["shape"]
        dt = meta["dtype"]
        if dt == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif dt == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dt == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            continue
        out[name] = arr.reshape(shape).astype(np.float64)
    return out

def load(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    tensors = {}
    if os.path.exists(index):
        files = sorted(set(json.load(open(index))["weight_map"].values()))
        for f in files:
            tensors.update(read_safetensors(os.path.join(folder, f)))
    else:
        tensors.update(read_safetensors(os.path.join(folder, "model.safetensors")))
    return tensors

def rms_norm(x, w, eps):
    return w * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps))

def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b

def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)

def attention(q, k, v):
    # q [h, T, d], k/v [h, T, d], causal
    T = q.shape[1]
    s = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[-1])
    s = s + np.triu(np.full((T, T), -np.inf), 1)
    return softmax(s) @ v

def inv_freq(cfg, d):
    theta = cfg.get("rope_theta", (cfg.get("rope_parameters") or {}).get("rope_theta", 10000.0))
    inv = 1.0 / (theta ** (np.arange(0, d, 2, dtype=np.float64) / d))
    sc = cfg.get("rope_scaling")
    if sc:
        kind = sc.get("rope_type", sc.get("type"))
        if kind == "linear":
            inv = inv / sc["factor"]
        elif kind == "llama3":
            factor, low, high, old = sc["factor"], sc["low_freq_factor"], sc["high_freq_factor"], sc["original_max_position_embeddings"]
            low_wl, high_wl = old / low, old / high
            wl = 2 * math.pi / inv
            scaled = np.where(wl > low_wl, inv / factor, inv)
            smooth = (old / wl - low) / (high - low)
            smoothed = (1 - smooth) * scaled / factor + smooth * scaled
            medium = ~(wl < high_wl) & ~(wl > low_wl)
            inv = np.where(medium, smoothed, scaled)
    return inv

def rope(x, inv):
    T, d = x.shape[1], x.shape[2]
    freqs = np.outer(np.arange(T, dtype=np.float64), inv)
    emb = np.concatenate([freqs, freqs], -1)
    cos, sin = np.cos(emb), np.sin(emb)
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return x * cos + np.concatenate([-x2, x1], -1) * sin

def llama_like(cfg, W, ids):
    kind = cfg["model_type"]
    H = cfg["hidden_size"]; nh = cfg["num_attention_heads"]; kv = cfg.get("num_key_value_heads", nh)
    d = cfg.get("head_dim") or H // nh
    eps = cfg.get("rms_norm_eps", 1e-6)
    inv = inv_freq(cfg, d)
    x = W["model.embed_tokens.weight"][ids]
    T = len(ids)
    def lin(name, h):
        y = h @ W[name + ".weight"].T
        if name + ".bias" in W:
            y = y + W[name + ".bias"]
        return y
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = lin(p + "self_attn.q_proj", h).reshape(T, nh, d)
        k = lin(p + "self_attn.k_proj", h).reshape(T, kv, d)
        v = lin(p + "self_attn.v_proj", h).reshape(T, kv, d).transpose(1, 0, 2)
        if kind == "qwen3":
            q = rms_norm(q, W[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, W[p + "self_attn.k_norm.weight"], eps)
        q = rope(q.transpose(1, 0, 2), inv)
        k = rope(k.transpose(1, 0, 2), inv)
        rep = nh // kv
        k = np.repeat(k, rep, axis=0); v = np.repeat(v, rep, axis=0)
        o = attention(q, k, v).transpose(1, 0, 2).reshape(T, nh * d)
        x = x + lin(p + "self_attn.o_proj", o)
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        g = lin(p + "mlp.gate_proj", h)
        x = x + lin(p + "mlp.down_proj", (g / (1 + np.exp(-g))) * lin(p + "mlp.up_proj", h))
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W.get("lm_head.weight", W["model.embed_tokens.weight"])
    return x[-1] @ head.T

def gpt2(cfg, W, ids):
    def g(name):
        return W.get("transformer." + name, W.get(name))
    H = cfg["n_embd"]; nh = cfg["n_head"]; d = H // nh; eps = cfg.get("layer_norm_epsilon", 1e-5)
    T = len(ids)
    x = g("wte.weight")[ids] + g("wpe.weight")[np.arange(T)]
    def conv(name, h):
        return h @ g(name + ".weight") + g(name + ".bias")
    def gelu_new(z):
        return 0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3)))
    for l in range(cfg["n_layer"]):
        p = f"h.{l}."
        h = layer_norm(x, g(p + "ln_1.weight"), g(p + "ln_1.bias"), eps)
        qkv = conv(p + "attn.c_attn", h)
        q, k, v = (qkv[:, i * H:(i + 1) * H].reshape(T, nh, d).transpose(1, 0, 2) for i in range(3))
        o = attention(q, k, v).transpose(1, 0, 2).reshape(T, H)
        x = x + conv(p + "attn.c_proj", o)
        h = layer_norm(x, g(p + "ln_2.weight"), g(p + "ln_2.bias"), eps)
        x = x + conv(p + "mlp.c_proj", gelu_new(conv(p + "mlp.c_fc", h)))
    x = layer_norm(x, g("ln_f.weight"), g("ln_f.bias"), eps)
    return x[-1] @ g("wte.weight").T

def main():
    folder = sys.argv[1]
    ids = [int(a) for a in sys.argv[2:]]
    cfg = json.load(open(os.path.join(folder, "config.json")))
    W = load(folder)
    logits = gpt2(cfg, W, ids) if cfg["model_type"] == "gpt2" else llama_like(cfg, W, ids)
    print(json.dumps({"ids": ids, "logits": [float(v) for v in logits]}))

if __name__ == "__main__":
    main()
