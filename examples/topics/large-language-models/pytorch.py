"""Full and LoRA fine-tuning of a tiny Llama built from a config with Hugging Face transformers
and PEFT: no download, random weights, integer token ids made in code."""

import copy

import numpy as np
import torch
import transformers
from peft import LoraConfig, get_peft_model
from transformers import LlamaConfig, LlamaForCausalLM

# --8<-- [start:setup]
VOCAB, HIDDEN, MLP, LAYERS, HEADS = 64, 32, 64, 2, 4  # a Llama-shaped decoder, made tiny
BATCH, LENGTH, RANK, ALPHA, LEARNING_RATE = 4, 16, 4, 8, 1e-2
# Parameters of this architecture: untied input embedding and output head, per layer four
# attention projections, a gated MLP (gate, up, down) and two RMSNorm scales; a final RMSNorm.
FULL_PARAMS = 2 * VOCAB * HIDDEN + LAYERS * (4 * HIDDEN**2 + 3 * HIDDEN * MLP + 2 * HIDDEN) + HIDDEN
# LoRA on the query and value projections: A is (in, rank), B is (rank, out) for each.
LORA_PARAMS = LAYERS * 2 * RANK * (HIDDEN + HIDDEN)

starts = np.random.default_rng(0).integers(0, VOCAB, size=(BATCH, 1))
token_ids = (starts + np.arange(LENGTH)) % VOCAB  # count upwards: next token = this one + 1

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(0)
config = LlamaConfig(vocab_size=VOCAB, hidden_size=HIDDEN, intermediate_size=MLP,
                     num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                     num_key_value_heads=HEADS, max_position_embeddings=LENGTH,
                     tie_word_embeddings=False)
base = LlamaForCausalLM(config).to(device)  # random weights: nothing is downloaded
tokens = torch.tensor(token_ids, device=device)
full_params = sum(p.numel() for p in base.parameters())
print("parameters:", full_params, "| formula:", FULL_PARAMS)
assert full_params == FULL_PARAMS
# --8<-- [end:setup]

# --8<-- [start:full_step]
def loss_of(model):
    return model(input_ids=tokens, labels=tokens).loss  # shifts the labels by one itself


def one_step(model):
    """One Adam step on the batch; returns the loss before and after it."""
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad],
                                 lr=LEARNING_RATE)
    loss = loss_of(model)
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        return loss.item(), loss_of(model).item()


full = copy.deepcopy(base)  # full fine-tuning: every parameter gets a gradient
full_trainable = sum(p.numel() for p in full.parameters() if p.requires_grad)
before, after = one_step(full)
full_loss_reduced = after < before
print("trainable:", full_trainable, f"| loss {before:.4f} -> {after:.4f},",
      "reduced:", full_loss_reduced)
assert full_trainable == FULL_PARAMS and full_loss_reduced
# --8<-- [end:full_step]

# --8<-- [start:lora_step]
lora_config = LoraConfig(r=RANK, lora_alpha=ALPHA, lora_dropout=0.0,
                         target_modules=["q_proj", "v_proj"])
lora = get_peft_model(copy.deepcopy(base), lora_config)  # wraps the copy in place, freezes it
trainable, total = lora.get_nb_trainable_parameters()
print("trainable:", trainable, "of", total, "| formula:", LORA_PARAMS)
query = lora.base_model.model.model.layers[0].self_attn.q_proj  # nn.Linear stores (out, in)
print("query weight", tuple(query.base_layer.weight.shape),
      "-> A", tuple(query.lora_A["default"].weight.shape),
      "B", tuple(query.lora_B["default"].weight.shape))
assert trainable == LORA_PARAMS and total == FULL_PARAMS + LORA_PARAMS

with torch.no_grad():  # B starts at zero, so the adapted model starts as the base model
    lora_starts_at_base = torch.equal(lora(input_ids=tokens).logits, base(input_ids=tokens).logits)
before, after = one_step(lora)
lora_loss_reduced = after < before
frozen = [p for n, p in lora.named_parameters() if "lora_" not in n]
frozen_unchanged = all(torch.equal(p, q) for p, q in zip(frozen, base.parameters(), strict=True))
print(f"loss {before:.4f} -> {after:.4f}, reduced: {lora_loss_reduced}",
      "| base weights unchanged:", frozen_unchanged)
assert lora_starts_at_base and lora_loss_reduced and frozen_unchanged
# --8<-- [end:lora_step]

# --8<-- [start:merge]
with torch.no_grad():
    adapted_logits = lora(input_ids=tokens).logits
    merged = lora.merge_and_unload()  # W + (alpha / r) * B @ A, written into each q/v weight
    merged_logits = merged(input_ids=tokens).logits
merged_matches = torch.allclose(merged_logits, adapted_logits, rtol=1e-5, atol=1e-5)
merged_params = sum(p.numel() for p in merged.parameters())
print(type(merged).__name__, "| parameters:", merged_params,
      "| outputs within 1e-5:", merged_matches)
assert isinstance(merged, LlamaForCausalLM) and merged_params == FULL_PARAMS and merged_matches
# --8<-- [end:merge]

# --8<-- [start:kv_cache]
prompt = tokens[:, : LENGTH // 2]
with torch.no_grad():  # greedy decoding, with and without keeping past keys and values
    cached = merged.generate(prompt, max_new_tokens=LENGTH // 2, do_sample=False, use_cache=True)
    uncached = merged.generate(prompt, max_new_tokens=LENGTH // 2, do_sample=False,
                               use_cache=False)
    cache = merged(prompt, use_cache=True).cache  # one entry of keys and values per layer
same_tokens = torch.equal(cached, uncached)
keys = tuple(cache.layers[0].keys.shape)  # (batch, heads, positions, head_dim)
print(type(cache).__name__, "| layers:", len(cache.layers), "| keys of layer 0:", keys)
print("same tokens with and without the cache:", same_tokens)
assert same_tokens and keys == (BATCH, HEADS, LENGTH // 2, HIDDEN // HEADS)
# --8<-- [end:kv_cache]

# --8<-- [start:families]
families = ["LlamaConfig", "Llama4Config", "Gemma4Config", "Qwen3_5Config", "Mistral3Config",
            "DeepseekV4Config", "GptOssConfig"]
tf_or_flax = [name for name in dir(transformers) if name.startswith(("TF", "Flax"))]
print("configs in transformers 5:", all(hasattr(transformers, name) for name in families))
print("TensorFlow or Flax classes:", tf_or_flax)
assert all(hasattr(transformers, name) for name in families)
assert tf_or_flax == []  # transformers 5 is PyTorch-only: no TFAutoModel, no FlaxAutoModel
# --8<-- [end:families]

results = {
    "full_params": np.array(full_params),
    "lora_params": np.array(trainable),
    "full_loss_reduced": np.array(full_loss_reduced),
    "lora_starts_at_base": np.array(lora_starts_at_base),
    "lora_loss_reduced": np.array(lora_loss_reduced),
    "frozen_unchanged": np.array(frozen_unchanged),
    "merged_matches": np.array(merged_matches),
}
