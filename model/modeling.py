"""The Apertus model in plain PyTorch, weight-compatible with transformers' ApertusForCausalLM.

A Llama-style pre-norm decoder without biases and with untied embeddings, not gated: each layer
adds ``o_proj(attention(attention_layernorm(h)))`` then ``down_proj(xielu(up_proj(
feedforward_layernorm(h))))``. Attention is grouped-query, with RMSNorm over head_dim on queries and
keys (weights shared across heads) after projection and before rotary embeddings (non-interleaved,
llama3-scaled), computed by PyTorch's scaled_dot_product_attention (flash kernels on GPU). RMSNorm
runs in fp32. Parameter and buffer names match transformers', so state dicts move between the two
without renaming.

Packed rows (several documents back to back, as the trainer reads them) can be masked per document,
as Apertus trains: given ``document_ids`` (batch, length), a token attends only to earlier tokens of
its own document and positions restart at 0 with each document. On GPU this is FlexAttention with
a block mask (blocks across documents are skipped, never an S x S mask); on CPU, where nothing is
fast, a dense boolean mask through SDPA.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from clearweb.model.config import ApertusConfig


class RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float = 1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class XIELU(nn.Module):
    """xIELU: ap*x^2 + beta*x for x > 0, else (expm1(min(x, eps)) - x)*an + beta*x, with
    ap = softplus(alpha_p) and an = beta + softplus(alpha_n); the raw alphas are the parameters."""

    def __init__(self, alpha_p_init: float = 0.8, alpha_n_init: float = 0.8, beta: float = 0.5, eps: float = -1e-6):
        super().__init__()
        self.initial = (alpha_p_init, alpha_n_init, beta, eps)
        self.alpha_p = nn.Parameter(torch.empty(1))
        self.alpha_n = nn.Parameter(torch.empty(1))
        self.register_buffer("beta", torch.empty(()))
        self.register_buffer("eps", torch.empty(()))
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self) -> None:
        alpha_p_init, alpha_n_init, beta, eps = self.initial
        self.alpha_p.fill_(math.log(math.expm1(alpha_p_init)))
        self.alpha_n.fill_(math.log(math.expm1(alpha_n_init - beta)))
        self.beta.fill_(beta)
        self.eps.fill_(eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        alpha_p = F.softplus(self.alpha_p)
        alpha_n = self.beta + F.softplus(self.alpha_n)
        return torch.where(x > 0, alpha_p * x * x + self.beta * x,
                           (torch.expm1(torch.minimum(x, self.eps)) - x) * alpha_n + self.beta * x)


def rope_inverse_frequencies(config: ApertusConfig) -> torch.Tensor:
    """Inverse frequencies, llama3-scaled when ``rope_scaling`` says so (as Llama 3.1 and Apertus)."""
    dim = config.head_dim
    inv_freq = 1.0 / (config.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    scaling = config.rope_scaling
    if not scaling or scaling.get("rope_type") != "llama3":
        return inv_freq
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    context = scaling["original_max_position_embeddings"]
    wavelength = 2 * math.pi / inv_freq
    scaled = torch.where(wavelength > context / low, inv_freq / factor, inv_freq)
    smooth = (context / wavelength - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelength < context / high) & ~(wavelength > context / low)
    return torch.where(medium, smoothed, scaled)


def document_positions(document_ids: torch.Tensor) -> torch.Tensor:
    """Positions that restart at 0 where the document id changes: (batch, length) -> same."""
    index = torch.arange(document_ids.shape[-1], device=document_ids.device).expand_as(document_ids)
    starts = torch.ones_like(document_ids, dtype=torch.bool)
    starts[:, 1:] = document_ids[:, 1:] != document_ids[:, :-1]
    return index - torch.cummax(torch.where(starts, index, 0), dim=-1).values


def documents_from_eos(input_ids: torch.Tensor, eos_id: int) -> torch.Tensor:
    """Document ids of a packed batch: a new document starts after every end-of-document token."""
    is_eos = (input_ids == eos_id).long()
    return torch.cumsum(is_eos, dim=-1) - is_eos


_compiled_flex = None


def document_mask(document_ids: torch.Tensor, flex: bool | None = None):
    """What keeps attention causal and within documents, built once per forward for every layer:
    a FlexAttention ``BlockMask`` (``flex``; the default on GPU, where blocks across documents are
    skipped), else a dense (B, 1, S, S) boolean mask for SDPA (CPU: nothing is fast there)."""
    length = document_ids.shape[-1]
    if document_ids.is_cuda if flex is None else flex:
        from torch.nn.attention.flex_attention import create_block_mask

        def same_document_causal(b, h, q_index, kv_index):
            return (q_index >= kv_index) & (document_ids[b, q_index] == document_ids[b, kv_index])

        # compiled, the mask is built block by block; eagerly it would materialise B x S x S first
        return create_block_mask(same_document_causal, document_ids.shape[0], None, length, length,
                                 device=document_ids.device, _compile=document_ids.is_cuda)
    causal = torch.ones(length, length, dtype=torch.bool, device=document_ids.device).tril()
    return (causal & (document_ids[:, :, None] == document_ids[:, None, :]))[:, None]


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask, enable_gqa: bool) -> torch.Tensor:
    """Causal attention, q (B, H, S, D), k/v (B, Hkv, S, D): over the whole row (``mask`` None),
    or as ``document_mask`` says (a dense mask through SDPA, a BlockMask through FlexAttention,
    compiled on GPU; eager FlexAttention elsewhere is its reference implementation)."""
    if mask is None:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=enable_gqa)
    if isinstance(mask, torch.Tensor):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=enable_gqa)
    from torch.nn.attention.flex_attention import flex_attention

    if torch.compiler.is_compiling() or not q.is_cuda:  # inside a compiled layer the graph fuses it
        return flex_attention(q, k, v, block_mask=mask, enable_gqa=enable_gqa)
    global _compiled_flex
    if _compiled_flex is None:  # an eager model on GPU: the fused kernel compiled once
        _compiled_flex = torch.compile(flex_attention)
    return _compiled_flex(q, k, v, block_mask=mask, enable_gqa=enable_gqa)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    first, second = x.chunk(2, dim=-1)
    return torch.cat((-second, first), dim=-1)


class Attention(nn.Module):
    def __init__(self, config: ApertusConfig):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = config.num_attention_heads, config.num_key_value_heads, config.head_dim
        self.q_proj = nn.Linear(config.hidden_size, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, config.hidden_size, bias=False)
        self.q_norm = RMSNorm(self.head_dim, config.rms_norm_eps)
        self.k_norm = RMSNorm(self.head_dim, config.rms_norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask=None) -> torch.Tensor:
        batch, length, _ = x.shape
        q = self.q_norm(self.q_proj(x).view(batch, length, self.heads, self.head_dim).transpose(1, 2))
        k = self.k_norm(self.k_proj(x).view(batch, length, self.kv_heads, self.head_dim).transpose(1, 2))
        v = self.v_proj(x).view(batch, length, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin  # cos/sin (S, D) or (B, 1, S, D)
        out = attend(q, k, v, mask, enable_gqa=self.kv_heads != self.heads)
        return self.o_proj(out.transpose(1, 2).reshape(batch, length, -1))


class MLP(nn.Module):
    def __init__(self, config: ApertusConfig):
        super().__init__()
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)
        self.act_fn = XIELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(self.act_fn(self.up_proj(x)))


def _save_matmuls(ctx, op, *args, **kwargs):
    """Selective checkpointing: keep what matmuls and attention computed, recompute the rest
    (norms, xIELU, rotary: cheap elementwise work that holds as much memory)."""
    from torch.utils.checkpoint import CheckpointPolicy

    return CheckpointPolicy.MUST_SAVE if op in _MATMULS else CheckpointPolicy.PREFER_RECOMPUTE


_MATMULS = {torch.ops.aten.mm.default, torch.ops.aten.addmm.default, torch.ops.aten.bmm.default,
            torch.ops.aten._scaled_dot_product_flash_attention.default,
            torch.ops.aten._scaled_dot_product_efficient_attention.default,
            torch.ops.aten._scaled_dot_product_cudnn_attention.default,
            torch.ops.aten._scaled_dot_product_flash_attention_for_cpu.default,
            torch.ops.higher_order.flex_attention}


class DecoderLayer(nn.Module):
    def __init__(self, config: ApertusConfig):
        super().__init__()
        self.self_attn = Attention(config)
        self.mlp = MLP(config)
        self.attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.feedforward_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.eager_calls = 0
        #: activation checkpointing in training: None, "full" (keep the layer's input only) or
        #: "selective" (keep matmul and attention outputs too); inside forward, so a compiled
        #: layer compiles its checkpointing with it
        self.checkpointing: str | None = None

    def forward(self, h: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask=None) -> torch.Tensor:
        """``mask``: None (causal over the row) or ``document_mask``'s, shared by all layers."""
        if not torch.compiler.is_compiling():  # counts calls that run this Python: a compiled layer should not
            self.eager_calls += 1
        if self.checkpointing and self.training:
            from functools import partial

            from torch.utils.checkpoint import checkpoint, create_selective_checkpoint_contexts

            context = ({"context_fn": partial(create_selective_checkpoint_contexts, _save_matmuls)}
                       if self.checkpointing == "selective" else {})
            return checkpoint(self.block, h, cos, sin, mask, use_reentrant=False, **context)
        return self.block(h, cos, sin, mask)

    def block(self, h: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask=None) -> torch.Tensor:
        h = h + self.self_attn(self.attention_layernorm(h), cos, sin, mask)
        return h + self.mlp(self.feedforward_layernorm(h))


class ApertusModel(nn.Module):
    def __init__(self, config: ApertusConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size, config.pad_token_id)
        self.layers = nn.ModuleList(DecoderLayer(config) for _ in range(config.num_hidden_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.register_buffer("inv_freq", rope_inverse_frequencies(config), persistent=False)

    def rotary(self, positions: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """cos and sin for positions (S,) -> (S, D), or (B, S) -> (B, 1, S, D) (broadcast over heads)."""
        angles = positions.float()[..., None] * self.inv_freq.float()
        angles = torch.cat((angles, angles), dim=-1)
        if angles.dim() == 3:
            angles = angles[:, None]
        return angles.cos().to(dtype), angles.sin().to(dtype)

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor | None = None,
                document_ids: torch.Tensor | None = None) -> torch.Tensor:
        """Hidden states (B, S, hidden). ``document_ids`` (B, S) keeps attention within documents
        and, unless ``position_ids`` are given, restarts positions with each document."""
        h = self.embed_tokens(input_ids)
        if position_ids is None:
            position_ids = (document_positions(document_ids) if document_ids is not None
                            else torch.arange(input_ids.shape[1], device=input_ids.device))
        cos, sin = self.rotary(position_ids, h.dtype)
        mask = document_mask(document_ids) if document_ids is not None else None
        for layer in self.layers:
            h = layer(h, cos, sin, mask)
        return self.norm(h)


def _chunk_loss(hidden: torch.Tensor, weight: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    logits = F.linear(hidden, weight)  # (chunk, vocab), in the autocast dtype
    return (F.cross_entropy(logits.float(), labels, reduction="none") * mask).sum()


def chunked_cross_entropy(hidden: torch.Tensor, weight: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor,
                          chunk_tokens: int) -> torch.Tensor:
    """Masked mean cross-entropy of ``hidden @ weight.T`` against ``labels``, ``chunk_tokens``
    positions at a time, each chunk recomputed in backward: fp32 logits exist for one chunk only
    (131,072 x 16k tokens in fp32 would be 8 GiB, and as much again for their gradient).
    hidden (B, S, hidden), labels and mask (B, S) -> scalar."""
    hidden = hidden.reshape(-1, hidden.shape[-1])
    labels, mask = labels.reshape(-1), mask.reshape(-1).float()
    total = hidden.new_zeros((), dtype=torch.float32)
    for start in range(0, hidden.shape[0], chunk_tokens):
        piece = slice(start, start + chunk_tokens)
        total = total + torch.utils.checkpoint.checkpoint(_chunk_loss, hidden[piece], weight, labels[piece],
                                                          mask[piece], use_reentrant=False)
    return total / mask.sum().clamp(min=1.0)


class ApertusForCausalLM(nn.Module):
    def __init__(self, config: ApertusConfig):
        super().__init__()
        self.config = config
        self.model = ApertusModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.init_weights()

    @torch.no_grad()
    def init_weights(self) -> None:
        """Normal(0, initializer_range) for every matrix and the embedding, as Megatron's
        init_method_std, except the projections that write into the residual stream (o_proj,
        down_proj): std / sqrt(2 * layers), so the residual's variance does not grow with depth.
        Norm weights 1, xIELU alphas at their initial values, the RoPE
        frequencies computed: everything, so a model built on the meta device and moved with
        ``to_empty`` (the trainer's way, sharded or not) is complete after this."""
        self.model.inv_freq.copy_(rope_inverse_frequencies(self.config))
        std = self.config.initializer_range
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=std)
            elif isinstance(module, RMSNorm):
                nn.init.ones_(module.weight)
            elif isinstance(module, XIELU):
                module.reset_parameters()
        for layer in self.model.layers:
            for projection in (layer.self_attn.o_proj, layer.mlp.down_proj):
                nn.init.normal_(projection.weight, std=std / math.sqrt(2 * self.config.num_hidden_layers))

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor | None = None,
                document_ids: torch.Tensor | None = None, labels: torch.Tensor | None = None,
                loss_mask: torch.Tensor | None = None, loss_chunk_tokens: int = 2048) -> torch.Tensor:
        """Logits for every position, (batch, length, vocab); with ``labels`` (and the float
        ``loss_mask`` of the labels that count), the masked mean loss instead, computed in chunks
        inside forward (where a sharded lm_head's weight is gathered) without the full logits."""
        hidden = self.model(input_ids, position_ids, document_ids)
        if labels is None:
            return self.lm_head(hidden)
        mask = loss_mask if loss_mask is not None else torch.ones_like(labels, dtype=torch.float32)
        return chunked_cross_entropy(hidden, self.lm_head.weight, labels, mask, loss_chunk_tokens)

    def save_pretrained(self, folder, dtype: torch.dtype = torch.float32, max_shard_bytes: int = 5 * 2**30):
        """config.json + safetensors (sharded above ``max_shard_bytes``) that transformers loads."""
        from clearweb.model.hf_format import save_hf

        state = {name: tensor.detach().cpu() for name, tensor in self.state_dict().items()}
        return save_hf(state, self.config, folder, dtype, max_shard_bytes)

    @classmethod
    def from_pretrained(cls, folder, device: str | torch.device = "cpu") -> ApertusForCausalLM:
        """A model from a Hugging Face folder (ours or a released Apertus), weights as stored there."""
        from clearweb.model.hf_format import load_hf

        config, state = load_hf(folder)
        with torch.device("meta"):
            model = cls(config)
        model.load_state_dict(state, assign=True)
        model.model.inv_freq = rope_inverse_frequencies(config)  # a buffer the files do not hold
        return model.to(device)

    @torch.no_grad()
    def generate_greedy(self, input_ids: torch.Tensor, new_tokens: int) -> torch.Tensor:
        """Greedy continuation (recomputes the prefix each step: for tests and small checks)."""
        for _ in range(new_tokens):
            next_token = self(input_ids)[:, -1].argmax(dim=-1, keepdim=True)
            input_ids = torch.cat([input_ids, next_token], dim=1)
        return input_ids
