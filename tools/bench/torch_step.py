#!/usr/bin/env python3
"""PyTorch reference for one full training step of s2s's seq2seq model.

Times forward + backward + gradient clipping + Adam step + zero_grad of the
same model, at the same shape, that the Swift training-step benchmark runs, so
that both can be compared in one benchmark run. Run it through
tools/bench/torch-step.sh, which makes and activates the venv
(torch==2.2.2, numpy<2) under .build-venv/torch.

Reference shape (the defaults): batch B=64, source length S=30, target length
T=30, vocabulary V=10,000 on both sides, embedding E=512, hidden H=512, L=2
layers. Every shape can be changed by a flag (--batch --src-len --tgt-len
--vocab --emb --hidden --layers), e.g. a smoke run:
    tools/bench/torch-step.sh --batch 4 --vocab 100 --emb 16 --hidden 16 --steps 2

The model (in training mode, dropout p=0.2 everywhere it is used):
  Encoder   source embedding (V, E); dropout on the embedding output; an
            L-layer unidirectional nn.LSTM (batch_first) with dropout between
            layers (PyTorch's nn.LSTM dropout: on the output of every layer
            but the last). Outputs s_1..s_S of the top layer, final (h, c) of
            every layer.
  Bridge    the decoder's initial (h, c) of layer l = the encoder's final
            (h, c) of layer l.
  Decoder   target embedding (V, E), no dropout on it (the spec lists the
            decoder's dropouts explicitly: between layers and on h~), a stack
            of L nn.LSTMCell with input feeding (Luong et al. 2015): at step t
            layer 1's input is [emb(y_{t-1}); h~_{t-1}] (size E+H,
            h~_0 = 0, y_0 = BOS = id 2); layer l>1's input is dropout(h of
            layer l-1). Top state h_t.
  Attention Luong "general": keys = s W_a^T computed once per batch
            (W_a: H x H, no bias); score_j = h_t . (W_a s_j); alpha = softmax
            over source positions; c_t = sum_j alpha_j s_j;
            h~_t = tanh(W_c [c_t; h_t]) (W_c: 2H -> H, no bias);
            dropout on h~_t.
  Output    logits = W_o h~_t + b_o (W_o: H -> V), computed for all T steps at
            once after the recurrence.
  Loss      cross-entropy summed over all B*T target tokens, divided by B*T
            (teacher forcing; random source/target ids in [4, V), no padding).
  Update    loss.backward(); torch.nn.utils.clip_grad_norm_(params, 5.0)
            (global norm); Adam(lr=1e-3).step(); zero_grad().

Run: torch.set_num_threads(--threads, default 2); torch.manual_seed(1); one
fixed random batch; 2 warm-up steps, then --steps (default 5) timed steps with
time.perf_counter; the median step is reported.

FLOPs are counted analytically with the same formula as the Swift benchmark
(step_flops below): only matrix multiplies, 2*m*n*k per GEMM (m x k times
k x n), and forward + backward = 3 x forward (backward does two GEMMs per
forward GEMM). Forward GEMMs, written (m x k x n):
  encoder, per layer l: input projection (B*S x in_l x 4H), in_1 = E,
            in_l = H for l > 1; recurrent (B*S x H x 4H)
  decoder layer 1: input (B*T x (E+H) x 4H); recurrent (B*T x H x 4H)
  decoder layer l > 1: input (B*T x H x 4H); recurrent (B*T x H x 4H)
  attention: key projection (B*S x H x H); scores (B*T x H x S);
            context (B*T x S x H)
  W_c: (B*T x 2H x H)
  output: (B*T x H x V)
  total = 3 * 2 * sum(m*k*n)
At the reference shape that is 177,112,350,720 FLOPs (~177.1 GFLOP) per step.

Output: one JSON line on stdout
  {"framework": "pytorch", "version": torch.__version__, "threads": N,
   "ms_per_step": median step in ms,
   "tokens_per_s": B*(S+T) / seconds per step,
   "gflops": flops_per_step / seconds per step / 1e9,
   "flops_per_step": ..., "peak_rss_mb": ru_maxrss in MiB, ...}
(plus the shape, the step times and the losses as extra keys) and a
human-readable summary on stderr.
"""

import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BOS = 2
FIRST_ID = 4  # random ids are drawn from [FIRST_ID, V)


def step_flops(B, S, T, E, H, V, L):
    """FLOPs of one training step (forward + backward), matrix multiplies only."""

    def gemm(m, k, n):
        return 2 * m * k * n

    fwd = 0
    # Encoder.
    for layer in range(L):
        fwd += gemm(B * S, E if layer == 0 else H, 4 * H)  # input projection
        fwd += gemm(B * S, H, 4 * H)  # recurrent
    # Decoder (input feeding on layer 1).
    for layer in range(L):
        fwd += gemm(B * T, E + H if layer == 0 else H, 4 * H)  # input
        fwd += gemm(B * T, H, 4 * H)  # recurrent
    # Attention.
    fwd += gemm(B * S, H, H)  # keys = s W_a^T
    fwd += gemm(B * T, H, S)  # scores
    fwd += gemm(B * T, S, H)  # context
    fwd += gemm(B * T, 2 * H, H)  # W_c
    fwd += gemm(B * T, H, V)  # output projection
    return 3 * fwd


class Seq2Seq(nn.Module):
    def __init__(self, V, E, H, L, dropout):
        super().__init__()
        self.H, self.L = H, L
        self.src_emb = nn.Embedding(V, E)
        self.tgt_emb = nn.Embedding(V, E)
        self.emb_dropout = nn.Dropout(dropout)
        self.encoder = nn.LSTM(E, H, num_layers=L, dropout=dropout if L > 1 else 0.0,
                               batch_first=True)
        self.cells = nn.ModuleList(
            [nn.LSTMCell(E + H if l == 0 else H, H) for l in range(L)])
        self.dropout = nn.Dropout(dropout)
        self.W_a = nn.Linear(H, H, bias=False)
        self.W_c = nn.Linear(2 * H, H, bias=False)
        self.out = nn.Linear(H, V)

    def forward(self, src, dec_in):
        # src: (B, S), dec_in: (B, T) -> logits (B, T, V)
        B, T = dec_in.shape
        s, (h_n, c_n) = self.encoder(self.emb_dropout(self.src_emb(src)))  # s: (B, S, H)
        keys = self.W_a(s)  # (B, S, H)
        h = [h_n[l] for l in range(self.L)]  # bridge
        c = [c_n[l] for l in range(self.L)]
        emb = self.tgt_emb(dec_in)  # (B, T, E)
        feed = s.new_zeros(B, self.H)  # h~_0
        outs = []
        for t in range(T):
            x = torch.cat([emb[:, t], feed], dim=1)
            for l, cell in enumerate(self.cells):
                if l > 0:
                    x = self.dropout(x)
                h[l], c[l] = cell(x, (h[l], c[l]))
                x = h[l]
            scores = torch.bmm(keys, x.unsqueeze(2)).squeeze(2)  # (B, S)
            alpha = torch.softmax(scores, dim=1)
            ctx = torch.bmm(alpha.unsqueeze(1), s).squeeze(1)  # (B, H)
            feed = torch.tanh(self.W_c(torch.cat([ctx, x], dim=1)))  # h~_t
            outs.append(self.dropout(feed))
        return self.out(torch.stack(outs, dim=1))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--src-len", type=int, default=30)
    p.add_argument("--tgt-len", type=int, default=30)
    p.add_argument("--vocab", type=int, default=10_000)
    p.add_argument("--emb", type=int, default=512)
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--autocast", action="store_true",
                   help="run the forward and the loss under torch.autocast('cpu', dtype=torch.bfloat16)")
    a = p.parse_args()
    B, S, T, V, E, H, L = (a.batch, a.src_len, a.tgt_len, a.vocab, a.emb, a.hidden,
                           a.layers)
    if V <= FIRST_ID:
        p.error(f"--vocab must be > {FIRST_ID}")

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Seq2Seq(V, E, H, L, a.dropout)
    model.train()
    params = [q for q in model.parameters()]
    opt = torch.optim.Adam(params, lr=1e-3)

    src = torch.randint(FIRST_ID, V, (B, S))
    tgt = torch.randint(FIRST_ID, V, (B, T))
    dec_in = torch.cat([torch.full((B, 1), BOS, dtype=tgt.dtype), tgt[:, :-1]], dim=1)

    def step():
        # bfloat16 autocast: the one line a PyTorch user adds (oneDNN then
        # runs the products in bfloat16, on AMX tiles where the CPU has them).
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.autocast):
            logits = model(src, dec_in)
            loss = F.cross_entropy(logits.reshape(B * T, V), tgt.reshape(B * T),
                                   reduction="sum") / (B * T)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        opt.zero_grad()
        return loss.item()

    losses, times = [], []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        losses.append(step())
        dt = time.perf_counter() - t0
        if i >= a.warmup:
            times.append(dt)
        print(f"  step {i + 1}{' (warm-up)' if i < a.warmup else ''}: "
              f"{dt * 1e3:.1f} ms, loss {losses[-1]:.4f}", file=sys.stderr)

    sec = statistics.median(times)
    flops = step_flops(B, S, T, E, H, V, L)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    n_params = sum(q.numel() for q in params)
    result = {
        "framework": "pytorch",
        "version": torch.__version__,
        "threads": a.threads,
        "precision": "bfloat16-autocast" if a.autocast else "float32",
        "ms_per_step": round(sec * 1e3, 3),
        "tokens_per_s": round(B * (S + T) / sec, 1),
        "gflops": round(flops / sec / 1e9, 3),
        "flops_per_step": flops,
        "peak_rss_mb": round(rss_mb, 1),
        "shape": {"batch": B, "src_len": S, "tgt_len": T, "vocab": V, "emb": E,
                  "hidden": H, "layers": L},
        "steps_timed": len(times),
        "step_ms": [round(x * 1e3, 3) for x in times],
        "losses": [round(x, 5) for x in losses],
    }
    print(json.dumps(result), flush=True)
    print(f"pytorch {torch.__version__}{' bfloat16 autocast' if a.autocast else ''}, {a.threads} thread(s), "
          f"B={B} S={S} T={T} V={V} E={E} H={H} L={L}, {n_params:,} parameters\n"
          f"  median of {len(times)} steps: {sec * 1e3:.1f} ms/step, "
          f"{B * (S + T) / sec:,.0f} tokens/s, {flops / sec / 1e9:.1f} GFLOP/s "
          f"({flops / 1e9:.1f} GFLOP/step), peak RSS {rss_mb:.0f} MiB",
          file=sys.stderr)


if __name__ == "__main__":
    main()
