"""The bundled Apertus: parity with transformers, the recipe's parts, training, resume, torchrun."""

import json
import math
import subprocess
import sys

import pytest
import torch

from clearweb.model import ApertusConfig, ApertusForCausalLM, goldfish_mask
from clearweb.model.ademamix import AdEMAMix, beta3_at
from clearweb.model.data import ShardBatches
from clearweb.model.goldfish import loss_mask
from clearweb.model.modeling import XIELU
from clearweb.model.schedule import wsd_lr

TINY = ApertusConfig(vocab_size=211, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                     num_key_value_heads=2, max_position_embeddings=512)


def hf_model(config: ApertusConfig):
    from transformers import ApertusConfig as HFConfig
    from transformers import ApertusForCausalLM as HFApertus

    hf_config = HFConfig(**{k: v for k, v in config.to_hf_dict().items()
                            if k not in ("architectures", "model_type", "rope_scaling", "dtype")})
    hf_config.dtype = torch.float32
    return HFApertus(hf_config).float().eval()


def perturbed(model):
    with torch.no_grad():  # non-default alphas and norms, so the parity test covers them
        for name, parameter in model.named_parameters():
            if "alpha" in name or "norm" in name:
                parameter.add_(torch.randn_like(parameter) * 0.2)
    return model


def test_parity_with_transformers_both_ways():
    torch.manual_seed(0)
    ours = perturbed(ApertusForCausalLM(TINY).eval())
    theirs = hf_model(TINY)
    assert set(ours.state_dict()) == set(theirs.state_dict())
    theirs.load_state_dict(ours.state_dict(), strict=True)
    ids = torch.randint(4, TINY.vocab_size, (2, 64))
    assert (ours(ids) - theirs(ids).logits).abs().max() <= 1e-4
    other = perturbed(hf_model(TINY))
    ours.load_state_dict(other.state_dict(), strict=True)
    assert (ours(ids) - other(ids).logits).abs().max() <= 1e-4
    prompt = ids[:1, :10]
    expected = other.generate(prompt, max_new_tokens=20, min_new_tokens=20, do_sample=False, eos_token_id=None,
                              pad_token_id=TINY.pad_token_id)
    assert torch.equal(ours.generate_greedy(prompt, 20), expected)


def test_hf_config_both_rope_forms(tmp_path):
    old = {"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 500000.0,
           "rope_scaling": {"type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                            "original_max_position_embeddings": 8192}}
    config = ApertusConfig.from_hf_dict(old)
    assert config.rope_theta == 500000.0 and config.rope_scaling["rope_type"] == "llama3"
    config.save_json(tmp_path / "config.json")
    written = json.loads((tmp_path / "config.json").read_text())
    assert written["rope_parameters"]["rope_theta"] == 500000.0 and written["model_type"] == "apertus"
    assert ApertusConfig.from_json(tmp_path / "config.json") == config
    plain = ApertusConfig.from_hf_dict({"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2,
                                        "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0}})
    assert plain.rope_scaling is None and plain.rope_theta == 10000.0


def test_xielu_values_and_gradients():
    act = XIELU()
    x = torch.tensor([-3.0, -1e-7, 0.0, 0.5, 2.0])
    ap, an = 0.8, 0.8  # softplus(raw) at init
    expected = [(math.expm1(min(v, -1e-6)) - v) * an + 0.5 * v if v <= 0 else ap * v * v + 0.5 * v for v in x.tolist()]
    assert torch.allclose(act(x), torch.tensor(expected), atol=1e-6)
    double = XIELU().double()
    inputs = torch.randn(12, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(double, (inputs,))
    double(inputs).sum().backward()
    assert double.alpha_p.grad is not None and double.alpha_n.grad is not None
    assert set(dict(act.named_buffers())) == {"beta", "eps"} and act.alpha_p.shape == (1,)


def test_goldfish_rate_repetition_and_eod():
    torch.manual_seed(0)
    labels = torch.randint(0, 131072, (16, 2048))
    dropped = goldfish_mask(labels, k=50, h=50)
    rate = dropped[:, 49:].float().mean().item()
    # About 1/k. Slightly under: an int64 product of 50 ids often carries >= 64 factors of two and
    # wraps to 0, and all those windows share one table entry (the specified Megatron behaviour).
    assert 0.5 / 50 < rate < 1.5 / 50
    assert not dropped[:, :49].any()
    passage = torch.randint(0, 131072, (300,))
    first = torch.cat([torch.randint(0, 131072, (17,)), passage]).unsqueeze(0)
    second = torch.cat([torch.randint(0, 131072, (120,)), passage]).unsqueeze(0)
    assert torch.equal(goldfish_mask(first)[0, 17 + 49:], goldfish_mask(second)[0, 120 + 49:])
    inputs = torch.tensor([[1, 5, 6, 2, 1, 7]])
    assert loss_mask(inputs, inputs, eos_id=2, k=None).tolist() == [[1, 1, 1, 0, 1, 1]]


def test_ademamix_against_hand_computed_steps():
    p = torch.nn.Parameter(torch.tensor([1.0]))
    opt = AdEMAMix([p], lr=0.1, betas=(0.9, 0.999, 0.9999), alpha=8.0, eps=1e-8, weight_decay=0.1, warmup_steps=2)
    m1 = m2 = nu = 0.0
    value = 1.0
    for t, g in ((1, 0.5), (2, -0.2)):
        p.grad = torch.tensor([g])
        opt.step()
        alpha = 8.0 * min(t / 2, 1.0)
        beta3 = beta3_at(t, 0.9999, 0.9, 2)
        m1 = 0.9 * m1 + 0.1 * g
        m2 = beta3 * m2 + (1 - beta3) * g
        nu = 0.999 * nu + 0.001 * g * g
        value *= 1 - 0.1 * 0.1
        value -= 0.1 * (m1 / (1 - 0.9 ** t) + alpha * m2) / (math.sqrt(nu / (1 - 0.999 ** t)) + 1e-8)
        assert p.item() == pytest.approx(value, rel=1e-6)
    assert beta3_at(0, 0.9999, 0.9, 10) == pytest.approx(0.9) and beta3_at(10, 0.9999, 0.9, 10) == 0.9999


def test_wsd_schedule():
    values = [wsd_lr(step, peak=1.0, warmup=4, total=20, cooldown=4) for step in range(20)]
    assert values[:4] == [0.25, 0.5, 0.75, 1.0] and values[4:16] == [1.0] * 12
    assert values[16:] == pytest.approx([1 - math.sqrt(i / 4) for i in (0, 1, 2, 3)])
    assert values[-1] > 0  # the last step trains


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Shards written by the tokenize stage's step from demo-corpus text, with a trained tokenizer."""
    from datatrove.data import Document

    from clearweb.pipeline.demo.corpus import LANGUAGES
    from clearweb.tokenizer.bpe import train_bpe
    from clearweb.tokenizer.tokenize_step import ShardTokenizer

    folder = tmp_path_factory.mktemp("shards")
    texts = [" ".join(topic.sentences) for bank in LANGUAGES.values() for topic in bank.topics]
    tokenizer = train_bpe(iter(texts * 3), vocab_size=512)
    tokenizer.save(str(folder / "tokenizer.json"))
    docs = [Document(text=t, id=str(i), metadata={}) for i, t in enumerate(texts * 4)]
    ShardTokenizer(str(folder / "ds"), str(folder / "tokenizer.json"), seed=0).run(iter(docs), 0, 1)
    return folder / "ds"


def train_config(data, out, **training):
    from clearweb.model.train_config import TrainConfig

    return TrainConfig.model_validate({
        "model": {"vocab_size": 512, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                  "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 512},
        "training": {"data": str(data), "out_dir": str(out), "seq_len": 64, "micro_batch_size": 8, "steps": 50,
                     "lr": 3e-3, "warmup": 5, "cooldown": 10, "checkpoint_every": 10, "log_every": 100} | training})


def test_loader_is_resumable_and_splits_ranks(shards):
    loader = ShardBatches(shards, seq_len=32, batch_size=4, seed=3)
    batches = [loader.batch(i) for i in range(5)]
    resumed = ShardBatches(shards, seq_len=32, batch_size=4, seed=3)
    resumed.load_state_dict({"seed": 3, "next_batch": 3})
    assert torch.equal(next(iter(resumed)), batches[3])
    rank0, rank1 = (ShardBatches(shards, 32, 4, seed=3, rank=r, world_size=2).batch(0) for r in (0, 1))
    assert not torch.equal(rank0, rank1) and batches[0].shape == (4, 33)


def test_cpu_training_loss_falls_and_exports(shards, tmp_path):
    from transformers import AutoModelForCausalLM

    from clearweb.model.trainer import train

    result = train(train_config(shards, tmp_path / "run"), log=lambda *_: None)
    assert len(result.losses) == 50
    assert sum(result.losses[-10:]) / 10 < sum(result.losses[:10]) / 10 - 0.5
    exported = AutoModelForCausalLM.from_pretrained(result.export_dir, dtype=torch.float32).eval()
    ours = ApertusForCausalLM(ApertusConfig.from_json(result.export_dir / "config.json")).eval()
    from safetensors.torch import load_file

    ours.load_state_dict(load_file(result.export_dir / "model.safetensors"))
    ids = torch.randint(4, 512, (1, 40))
    assert (exported(ids).logits - ours(ids)).abs().max() <= 1e-4


def test_stop_and_resume_reproduces_losses_exactly(shards, tmp_path):
    from clearweb.model.trainer import train

    steps = {"steps": 20, "checkpoint_every": 7}
    whole = train(train_config(shards, tmp_path / "whole", **steps), log=lambda *_: None).losses
    train(train_config(shards, tmp_path / "parts", **steps), stop_after=9, log=lambda *_: None)
    resumed = train(train_config(shards, tmp_path / "parts", **steps), log=lambda *_: None).losses
    assert resumed == whole


def test_two_process_gloo_run_with_torchrun(shards, tmp_path):
    import yaml

    config = train_config(shards, tmp_path / "ddp", steps=4, checkpoint_every=2, grad_accum=2,
                          shard_within_node=True, defer_gradient_sync=True).model_dump()
    (tmp_path / "train.yaml").write_text(yaml.safe_dump(config))
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    result = subprocess.run(torchrun + ["-m", "clearweb.pipeline.cli", "train", str(tmp_path / "train.yaml")],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = [json.loads(line) for line in (tmp_path / "ddp" / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == [1, 2, 3, 4]
    assert (tmp_path / "ddp" / "hf" / "model.safetensors").is_file()


def test_selective_checkpointing_gives_the_plain_gradients():
    torch.manual_seed(0)
    model = ApertusForCausalLM(tiny_config())
    batch = torch.randint(4, 300, (2, 16))
    grads = {}
    for mode in (None, "full", "selective"):
        for layer in model.model.layers:
            layer.checkpointing = mode
        model.zero_grad()
        model(batch, labels=batch, loss_chunk_tokens=8).backward()
        grads[mode] = [p.grad.clone() for p in model.parameters()]
    for mode in ("full", "selective"):
        assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(grads[None], grads[mode], strict=True)), mode


def test_activation_checkpointing_and_accumulation_give_the_same_step(shards, tmp_path):
    from clearweb.model.trainer import train

    plain = train(train_config(shards, tmp_path / "a", steps=3, micro_batch_size=4, grad_accum=2),
                  log=lambda *_: None).losses
    checkpointed = train(train_config(shards, tmp_path / "b", steps=3, micro_batch_size=4, grad_accum=2,
                                      activation_checkpointing=True), log=lambda *_: None).losses
    assert checkpointed == pytest.approx(plain, abs=1e-5)


def test_train_config_refuses_nan_and_infinity():
    import pydantic

    from clearweb.model.train_config import TrainConfig

    with pytest.raises(pydantic.ValidationError, match="finite number"):
        TrainConfig.model_validate({"model": {}, "training": {"data": "x", "lr": float("inf")}})


def test_compute_loss_reports_the_share_goldfish_dropped():
    """The train metrics' goldfish_dropped: goldfish-dropped labels among those the end-of-document
    rule keeps, measured (the Megatron hash drops fewer than 1/k)."""
    from contextlib import nullcontext
    from types import SimpleNamespace

    from clearweb.model.trainer import compute_loss

    config = ApertusConfig(vocab_size=1000, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                           num_attention_heads=2, num_key_value_heads=1)
    batch = torch.randint(4, 1000, (4, 2001), generator=torch.Generator().manual_seed(0))
    batch[:, 500] = config.eos_token_id
    model = ApertusForCausalLM(config)
    settings = SimpleNamespace(goldfish=SimpleNamespace(k=50, h=50), document_masking=True, loss_chunk_tokens=512)
    loss, share = compute_loss(model, batch, config, settings, nullcontext)
    inputs, labels = batch[:, :-1], batch[:, 1:]
    kept = inputs != config.eos_token_id
    expected = (goldfish_mask(labels, 50, 50) & kept).sum() / kept.sum()
    assert float(share) == pytest.approx(float(expected)) and 0.005 < float(share) < 0.02
    assert torch.isfinite(loss)
    _, off = compute_loss(model, batch, config, SimpleNamespace(goldfish=None, document_masking=False, loss_chunk_tokens=512), nullcontext)
    assert float(off) == 0.0


def tiny_config(**changes) -> ApertusConfig:
    shape = dict(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2)
    return ApertusConfig(**(shape | changes))


def test_document_masking_makes_each_packed_document_see_only_itself():
    """Logits of the second document of a packed row equal the logits of that document alone
    (positions restart, attention does not cross the boundary), on the dense CPU path and through
    FlexAttention's block mask (run eagerly here: the reference implementation)."""
    from clearweb.model.modeling import attend, document_mask, documents_from_eos

    torch.manual_seed(0)
    config = tiny_config()
    model = ApertusForCausalLM(config).eval()
    first = torch.tensor([[1, 17, 18, 19, 20, 2]])
    second = torch.tensor([[1, 40, 41, 42, 43, 44, 45, 2]])
    packed = torch.cat([first, second], dim=1)
    documents = documents_from_eos(packed, config.eos_token_id)
    assert documents.tolist() == [[0] * 6 + [1] * 8]
    with torch.no_grad():
        alone = model(second)
        masked = model(packed, document_ids=documents)
        unmasked = model(packed)
    assert (masked[:, 6:] - alone).abs().max() < 1e-5
    assert (masked[:, :6] - model(first)).abs().max() < 1e-5
    assert (unmasked[:, 6:] - alone).abs().max() > 1e-3  # without the mask the second document sees the first
    q, k, v = torch.randn(1, 4, 14, 8), torch.randn(1, 2, 14, 8), torch.randn(1, 2, 14, 8)
    dense = attend(q, k, v, document_mask(documents, flex=False), enable_gqa=True)
    with pytest.warns(UserWarning):  # eager flex: unfused, fine for a check
        flex = attend(q, k, v, document_mask(documents, flex=True), enable_gqa=True)
    assert (dense - flex).abs().max() < 1e-5


def test_init_follows_apertus():
    """std 0.008944 (Apertus's init_method_std) everywhere but the residual projections, which are
    scaled by 1/sqrt(2 * layers); norms at 1 (no padding row is zeroed: Megatron's init has none, and
    the pad token never occurs in packed rows)."""
    from clearweb.model.train_config import ModelShape

    config = ModelShape(vocab_size=4096, hidden_size=256, intermediate_size=512, num_hidden_layers=8,
                        num_attention_heads=4, num_key_value_heads=2).to_config()
    assert config.initializer_range == 0.008944 and config.rope_theta == 500_000 and config.rope_scaling is None
    model = ApertusForCausalLM(config)
    layer = model.model.layers[3]
    for weight in (layer.self_attn.q_proj.weight, layer.mlp.up_proj.weight, model.lm_head.weight):
        assert float(weight.detach().std()) == pytest.approx(0.008944, rel=0.03)
    for weight in (layer.self_attn.o_proj.weight, layer.mlp.down_proj.weight):
        assert float(weight.detach().std()) == pytest.approx(0.008944 / 4, rel=0.03)
    assert torch.equal(layer.attention_layernorm.weight, torch.ones(256))


def test_chunked_cross_entropy_equals_the_plain_loss_and_its_gradients():
    """Chunks of 7 positions (not dividing the 2 x 50 labels) with goldfish and EOS masking: loss
    and gradients equal the full-logits cross-entropy to 1e-5."""
    import torch.nn.functional as F

    torch.manual_seed(0)
    config = tiny_config(vocab_size=4000)
    model = ApertusForCausalLM(config)
    batch = torch.randint(4, 4000, (2, 51))
    batch[0, 20] = config.eos_token_id
    inputs, labels = batch[:, :-1], batch[:, 1:]
    mask = loss_mask(inputs, labels, config.eos_token_id, k=3, h=4)
    assert 0 < mask.sum() < mask.numel()
    logits = model(inputs)
    plain = (F.cross_entropy(logits.reshape(-1, 4000), labels.reshape(-1), reduction="none") * mask.reshape(-1)).sum()
    plain = plain / mask.sum()
    plain.backward()
    expected = {name: p.grad.clone() for name, p in model.named_parameters()}
    model.zero_grad()
    chunked = model(inputs, labels=labels, loss_mask=mask, loss_chunk_tokens=7)
    chunked.backward()
    assert chunked.item() == pytest.approx(plain.item(), abs=1e-5)
    for name, p in model.named_parameters():
        assert (p.grad - expected[name]).abs().max() < 1e-5, name


@pytest.mark.slow
def test_compiled_layers_under_fsdp2_and_checkpointing_never_run_eagerly(shards, tmp_path):
    """2 gloo ranks, FSDP2, activation checkpointing and compile: every decoder-layer call runs
    compiled code (whole-model compile under FSDP2 ran all of them eagerly), and without compile
    every call is eager (the count counts)."""
    import yaml

    counts = {}
    for compiled in (True, False):
        out = tmp_path / f"compile-{compiled}"
        config = train_config(shards, out, steps=2, checkpoint_every=2, compile=compiled,
                              activation_checkpointing=True).model_dump()
        (tmp_path / "train.yaml").write_text(yaml.safe_dump(config))
        torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
        result = subprocess.run(torchrun + ["-m", "clearweb.pipeline.cli", "train", str(tmp_path / "train.yaml")],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        metrics = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
        counts[compiled] = [m["eager_layer_calls"] for m in metrics]
    layers = train_config(shards, tmp_path).model.num_hidden_layers
    assert counts[True] == [0, 0]
    assert counts[False] == [layers, layers]  # one forward per layer (the recompute runs its block only)


def test_epoch_order_is_a_blockwise_permutation_and_a_reshard_is_refused(shards, monkeypatch):
    """Every window once per epoch, read through a permutation of blocks and of the windows inside
    one block (never an array of the epoch's size); a checkpoint from another world size is refused
    in one line, or continued at the same number of windows read with allow_reshard."""
    import clearweb.model.data as data

    monkeypatch.setattr(data, "BLOCK_WINDOWS", 7)
    loader = ShardBatches(shards, seq_len=16, batch_size=1, seed=3)
    assert loader.full_blocks == loader.windows // 7 and loader.windows % 7  # a partial last block too
    order = [loader.window(0, position) for position in range(loader.windows)]
    assert sorted(order) == list(range(loader.windows)) and order != sorted(order)
    assert order != [loader.window(1, position) for position in range(loader.windows)]
    two = ShardBatches(shards, seq_len=16, batch_size=1, seed=3, rank=0, world_size=2)
    with pytest.raises(ValueError, match="written by 1 processes, this run has 2: .* --allow-reshard"):
        two.load_state_dict({"seed": 3, "next_batch": 10, "world_size": 1})
    two.load_state_dict({"seed": 3, "next_batch": 10, "world_size": 1}, allow_reshard=True)
    assert two.next_batch == 5
    with pytest.raises(ValueError, match="written with seq_len 32, this run has 16"):
        loader.load_state_dict(loader.state_dict() | {"seq_len": 32})


def test_a_stop_file_checkpoints_and_the_run_resumes_exactly(shards, tmp_path):
    from clearweb.model.trainer import STOP_FILE, train

    steps = {"steps": 6, "checkpoint_every": 100}
    whole = train(train_config(shards, tmp_path / "whole", **steps), log=lambda *_: None).losses
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / STOP_FILE).touch()
    first = train(train_config(shards, tmp_path / "parts", **steps), log=lambda *_: None)
    assert len(first.losses) == 1 and "STOP exists" in first.stopped_early and first.export_dir is None
    assert (tmp_path / "parts" / "checkpoints" / "step_00000001").is_dir()
    assert not (tmp_path / "parts" / STOP_FILE).exists()  # consumed
    assert train(train_config(shards, tmp_path / "parts", **steps), log=lambda *_: None).losses == whole


def test_sigusr1_checkpoints_after_the_current_step_and_exits_cleanly(shards, tmp_path):
    import signal
    import time

    import yaml

    config = train_config(shards, tmp_path / "run", steps=100_000, checkpoint_every=100_000, log_every=1)
    (tmp_path / "train.yaml").write_text(yaml.safe_dump(config.model_dump()))
    process = subprocess.Popen([sys.executable, "-m", "clearweb.pipeline.cli", "train", str(tmp_path / "train.yaml")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    metrics = tmp_path / "run" / "metrics.jsonl"
    deadline = time.monotonic() + 120
    while (not metrics.is_file() or len(metrics.read_text().splitlines()) < 2) and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGUSR1)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-2000:]
    done = len(metrics.read_text().splitlines())
    assert f"stopping after step {done} (SIGUSR1)" in out and "stopped early (SIGUSR1)" in out
    assert (tmp_path / "run" / "checkpoints" / f"step_{done:08d}" / "trainer_state.json").is_file()


def test_ademamix_in_bounded_chunks_equals_one_pass():
    """Chunks of at most 100 elements (a larger tensor alone) give the same parameters as one pass."""
    torch.manual_seed(0)
    reference = ApertusForCausalLM(tiny_config())
    chunked = ApertusForCausalLM(tiny_config())
    chunked.load_state_dict(reference.state_dict())
    batch = torch.randint(4, 300, (2, 12))
    optimizers = [AdEMAMix(m.parameters(), lr=1e-2, warmup_steps=3, chunk_elements=size)
                  for m, size in ((reference, 1 << 27), (chunked, 100))]
    for _ in range(3):
        for model, optimizer in zip((reference, chunked), optimizers, strict=True):
            model(batch).float().logsumexp(-1).mean().backward()
            optimizer.step()
            optimizer.zero_grad()
    for (name, a), b in zip(reference.state_dict().items(), chunked.state_dict().values(), strict=True):
        assert torch.equal(a, b), name


def test_save_and_load_pretrained_sharded_and_in_bf16(tmp_path):
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = ApertusForCausalLM(tiny_config())
    folder = model.save_pretrained(tmp_path / "sharded", max_shard_bytes=20_000)
    shards = sorted(p.name for p in folder.glob("model-*.safetensors"))
    assert len(shards) > 2 and (folder / "model.safetensors.index.json").is_file()
    loaded = ApertusForCausalLM.from_pretrained(folder)
    ids = torch.randint(4, 300, (1, 10))
    assert torch.equal(loaded(ids), model(ids))
    theirs = transformers.AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32)
    assert (theirs(ids).logits - model(ids)).abs().max() < 1e-5
    half = ApertusForCausalLM.from_pretrained(model.save_pretrained(tmp_path / "bf16", dtype=torch.bfloat16))
    assert half.lm_head.weight.dtype == torch.bfloat16
    assert torch.equal(half.lm_head.weight, model.lm_head.weight.detach().to(torch.bfloat16))


def test_training_can_start_from_released_weights(shards, tmp_path, capsys):
    from clearweb.model.trainer import train

    source = ApertusForCausalLM(train_config(shards, tmp_path).model.to_config())
    source.save_pretrained(tmp_path / "release")
    config = train_config(shards, tmp_path / "run", steps=1, lr=1e-12, weight_decay=0.0,
                          init_from=str(tmp_path / "release"))
    result = train(config, log=print)
    assert "initialised from" in capsys.readouterr().out
    trained = ApertusForCausalLM.from_pretrained(result.export_dir)
    for (name, a), b in zip(source.state_dict().items(), trained.state_dict().values(), strict=True):
        assert (a - b).abs().max() < 1e-6, name
    wrong = train_config(shards, tmp_path / "wrong", steps=1, init_from=str(tmp_path / "release"))
    wrong.model.hidden_size = 32
    with pytest.raises(ValueError, match="training.init_from: .* has hidden_size 64, the model config 32"):
        train(wrong, log=lambda *_: None)
    released_rope = train_config(shards, tmp_path / "rope", steps=1, init_from=str(tmp_path / "release"))
    released_rope.model.rope_theta = 12_000_000.0  # a release's long-context RoPE against the config's 500k
    with pytest.raises(ValueError, match="has rope_theta 500000.0, the model config 12000000.0"):
        train(released_rope, log=lambda *_: None)


@pytest.mark.slow
def test_a_decoder_layer_compiles_whole_with_full_or_selective_checkpointing():
    """fullgraph=True fails on any graph break: the checkpointing inside the layer, and document
    masking through FlexAttention, compile with it (a break would leave part of each layer eager
    while the eager-call count stayed 0)."""
    from clearweb.model.modeling import document_mask

    torch.manual_seed(0)
    model = ApertusForCausalLM(tiny_config(num_hidden_layers=1))
    layer = model.model.layers[0]
    h = torch.randn(2, 16, 32, requires_grad=True)
    cos, sin = model.model.rotary(torch.arange(16), torch.float32)
    documents = torch.tensor([[0] * 6 + [1] * 10, [0] * 16])
    for mode, mask in (("full", None), ("selective", None), ("full", document_mask(documents, flex=True)),
                       ("selective", document_mask(documents, flex=True))):
        layer.checkpointing = mode
        torch._dynamo.reset()
        if mask is None:
            out = torch.compile(layer, fullgraph=True)(h, cos, sin, mask)
            out.sum().backward()
        else:  # compiled FlexAttention has no backward on CPU: the forward must still be one graph
            with torch.no_grad():
                out = torch.compile(layer, fullgraph=True)(h, cos, sin, mask)
        expected = layer.block(h, cos, sin, document_mask(documents, flex=False) if mask is not None else None)
        assert (out - expected).abs().max() < 1e-5, (mode, mask is not None)


@pytest.mark.parametrize("name, peak", [
    ("NVIDIA H100 80GB HBM3", 989e12), ("NVIDIA H100 PCIe", 756e12), ("NVIDIA H100 NVL", 835e12),
    ("NVIDIA H200", 989e12), ("NVIDIA GH200 480GB", 989e12), ("NVIDIA B200", 2250e12),
    ("NVIDIA A100-SXM4-80GB", 312e12), ("AMD Instinct MI300X", 1307e12)])
def test_mfu_uses_each_gpu_models_dense_bf16_peak(name, peak):
    from clearweb.model.trainer import peak_flops

    assert peak_flops(None, name) == peak
    assert peak_flops(123e12, name) == 123e12  # training.peak_flops wins


def test_an_unknown_gpu_gets_no_mfu_and_one_warning():
    from clearweb.model.trainer import peak_flops

    with pytest.warns(UserWarning, match="no bf16 peak known for 'NVIDIA L40S'.*training.peak_flops"):
        assert peak_flops(None, "NVIDIA L40S") is None


def test_metrics_keep_each_step_once_after_a_crash_and_resume(shards, tmp_path):
    """A crash after step 6 with the last checkpoint at step 3: the resumed run writes steps 4-6 again,
    and metrics.jsonl holds each step once."""
    import shutil

    from clearweb.model.trainer import train

    config = train_config(shards, tmp_path / "run", steps=6, checkpoint_every=3)
    train(config, log=lambda *_: None)
    shutil.rmtree(tmp_path / "run" / "checkpoints" / "step_00000006")  # as if it died before writing it
    shutil.rmtree(tmp_path / "run" / "hf")
    train(config, log=lambda *_: None)
    steps = [json.loads(line)["step"] for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4, 5, 6]


def test_the_trainer_imports_without_the_pipeline_s_dependencies(tmp_path):
    """GPU machines may hold only clearweb.model and torch: the trainer, its vocabulary check
    included, must not pull datatrove, presidio or tokenizers in."""
    (tmp_path / "tokenizer.json").write_text(json.dumps({"model": {"vocab": {"a": 0, "b": 7}},
                                                         "added_tokens": [{"id": 9}]}))
    code = ("import sys\n"
            "for name in ('datatrove', 'presidio_analyzer', 'tokenizers'): sys.modules[name] = None\n"
            "from clearweb.model.trainer import train\n"
            "from clearweb.model.data import check_vocabulary\n"
            f"check_vocabulary({str(tmp_path)!r}, 10)\n"
            "try:\n"
            f"    check_vocabulary({str(tmp_path)!r}, 9)\n"
            "except ValueError as exc:\n"
            "    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(largest 9); set model.vocab_size: 10 or more" in result.stdout
