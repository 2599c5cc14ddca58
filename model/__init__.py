"""clearweb.model: the bundled PyTorch Apertus model, its training recipe (Goldfish loss, AdEMAMix,
WSD), the shard data loader, the trainer and the throughput benchmark. It knows nothing of the
pipeline except the shard format."""

from clearweb.model.config import ApertusConfig
from clearweb.model.goldfish import goldfish_mask
from clearweb.model.modeling import ApertusForCausalLM

__all__ = ["ApertusConfig", "ApertusForCausalLM", "goldfish_mask"]
