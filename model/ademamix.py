"""AdEMAMix (Pagliardini et al., 2024), as Apertus trained with it.

Adam's fast EMA of gradients is mixed with a slow one: update = (m1_hat + alpha * m2) /
(sqrt(nu_hat) + eps), with m1 and nu bias-corrected as in Adam and the slow EMA m2 (beta3, e.g.
0.9999) not. Early in training the slow EMA would carry stale gradients, so alpha warms up linearly
and beta3 warms up in half-life space from beta1 to its final value over ``warmup_steps``. Weight
decay is decoupled (AdamW-style) and applied to the parameter groups that ask for it.
"""

from __future__ import annotations

import math

import torch


def alpha_at(step: int, alpha: float, warmup: int) -> float:
    return alpha if warmup <= 0 else alpha * min(step / warmup, 1.0)


def beta3_at(step: int, beta3: float, beta1: float, warmup: int) -> float:
    """Beta3 warmed up linearly in half-life space, from beta1 at step 0 to beta3 at ``warmup``."""
    if warmup <= 0 or step >= warmup:
        return beta3
    fraction = step / warmup
    log_start, log_end = math.log(beta1), math.log(beta3)
    return min(math.exp(log_start * log_end / ((1 - fraction) * log_end + fraction * log_start)), beta3)


class AdEMAMix(torch.optim.Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float, float] = (0.9, 0.999, 0.9999),
                 alpha: float = 8.0, eps: float = 1e-8, weight_decay: float = 0.1, warmup_steps: int = 0,
                 chunk_elements: int = 1 << 27):
        """``chunk_elements``: parameters are updated in groups of about this many elements (512 MiB
        in fp32), so the update's temporaries never approach the size of the model's state."""
        defaults = dict(lr=lr, betas=betas, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        warmup_steps=warmup_steps)
        super().__init__(params, defaults)
        self.chunk_elements = chunk_elements

    @torch.no_grad()
    def step(self, closure=None):
        """One update, with multi-tensor (foreach) kernels as torch's AdamW uses, chunk by chunk."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            beta1, beta2, beta3_final = group["betas"]
            for p in params:
                state = self.state[p]
                if not state:
                    state.update(step=0, m1=torch.zeros_like(p), m2=torch.zeros_like(p), nu=torch.zeros_like(p))
                state["step"] += 1
            t = self.state[params[0]]["step"]  # parameters of a group are stepped together
            alpha = alpha_at(t, group["alpha"], group["warmup_steps"])
            beta3 = beta3_at(t, beta3_final, beta1, group["warmup_steps"])
            for chunk in _bounded_chunks(params, self.chunk_elements):
                self._update(chunk, group, t, alpha, beta3)
        return loss

    def _update(self, params: list[torch.Tensor], group: dict, t: int, alpha: float, beta3: float) -> None:
        """The update of some parameters: its two temporaries are as large as these, not the model."""
        beta1, beta2, _ = group["betas"]
        grads = [p.grad for p in params]
        m1, m2, nu = ([self.state[p][key] for p in params] for key in ("m1", "m2", "nu"))
        torch._foreach_lerp_(m1, grads, 1 - beta1)  # m1 = beta1 * m1 + (1 - beta1) * g
        torch._foreach_lerp_(m2, grads, 1 - beta3)
        torch._foreach_mul_(nu, beta2)
        torch._foreach_addcmul_(nu, grads, grads, value=1 - beta2)
        denominator = torch._foreach_sqrt(nu)  # sqrt(nu / (1 - beta2^t)) + eps
        torch._foreach_div_(denominator, math.sqrt(1 - beta2 ** t))
        torch._foreach_add_(denominator, group["eps"])
        numerator = torch._foreach_div(m1, 1 - beta1 ** t)  # m1 / (1 - beta1^t) + alpha * m2
        torch._foreach_add_(numerator, m2, alpha=alpha)
        if group["weight_decay"]:
            torch._foreach_mul_(params, 1 - group["lr"] * group["weight_decay"])
        torch._foreach_addcdiv_(params, numerator, denominator, value=-group["lr"])


def _bounded_chunks(params: list[torch.Tensor], elements: int) -> list[list[torch.Tensor]]:
    """Consecutive parameters in lists of at most ``elements`` elements (a larger tensor alone)."""
    chunks, current, size = [], [], 0
    for p in params:
        if current and size + p.numel() > elements:
            chunks.append(current)
            current, size = [], 0
        current.append(p)
        size += p.numel()
    return chunks + ([current] if current else [])


def parameter_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """Decay for matrices only: no decay for 1-D parameters (norms) and the xIELU alphas."""
    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        if parameter.ndim < 2 or name.endswith(("alpha_p", "alpha_n")):
            no_decay.append(parameter)
        else:
            decay.append(parameter)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
