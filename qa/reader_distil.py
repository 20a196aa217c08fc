"""Teacher labels for distillation: the accurate reader's start and end beliefs over the fast reader's windows.

    python -m qa.reader_distil --out runs/distil --skip-questions 22000 --part 0/2 &
    python -m qa.reader_distil --out runs/distil --skip-questions 22000 --part 1/2
    python -m qa.reader_train --out runs/student --init runs/fast_recovered/reader.pt --teacher runs/distil \\
        --skip-questions 22000 --questions 10000 --news-every 2 --lr 3e-5 --bf16 false   # the README's run

The examples are made exactly as `qa.reader_train` makes them (same flags, same seeds, the student's
tokenizer); the teacher (the shipped int8 MPNet reader, no torch) reads each window's own characters
with its own tokenizer, and its probabilities are moved onto the student's tokens by character offsets.
Labels are written in chunks, each atomically, so a killed run resumes and two processes can share the
work (`--part i/n`). Nothing here downloads anything.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.reader_examples import Example, ExampleSettings, examples_for
from qa.reader_windows import Window, make_window, tokenize

if TYPE_CHECKING:
    from qa.reader import SpanReader

CHUNK = 250  # examples a labels file holds: ~45 s of teacher time on one core
MANIFEST = "labels.json"


# The flags' defaults: the run the README reports (`qa.reader_train` must be given the same settings).
DEFAULTS = ExampleSettings(seed=13, questions=10000, skip_questions=0, negative_every=4, news_every=2, max_length=128,
                           max_question=40)


def chunk_path(folder: Path, number: int) -> Path:
    """Where one chunk of labels lives."""
    return folder / f"labels-{number:04d}.npz"


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities of a vector of logits (masked entries -inf get 0)."""
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


def teacher_window(teacher: SpanReader, example: Example) -> tuple[Window, int]:
    """The teacher's window over the same question and characters as the student's, and where those start."""
    window = example.window
    begin, end = window.starts[0], window.ends[-1]
    asked = tokenize(teacher.tokenizer, example.question)
    context = tokenize(teacher.tokenizer, example.context[begin:end])
    return make_window(asked, context, 0, len(context.ids), teacher.specials, teacher.stamp.max_question), begin


def moved(probabilities: np.ndarray, places: np.ndarray, student: Window, length: int, at_end: bool) -> np.ndarray:
    """Teacher probabilities over [CLS] + context tokens moved onto the student's positions.

    A teacher token's start belief goes to the student token holding its first character, its end belief
    to the one holding its last; where the tokenisers split a word alike (nearly always: both are uncased
    WordPiece) this is the identity.
    """
    out = np.zeros(length, dtype=np.float32)
    out[0] = probabilities[0]
    starts, ends = np.asarray(student.starts), np.asarray(student.ends)
    if at_end:
        index = np.searchsorted(ends, places, side="left")  # first student token ending at or after the teacher's end
    else:
        index = np.searchsorted(starts, places, side="right") - 1  # last student token starting at or before
    index = np.clip(index, 0, len(starts) - 1) + student.context_from
    np.add.at(out, index, probabilities[1:])
    return out


def label(teacher: SpanReader, example: Example, length: int) -> tuple[np.ndarray, np.ndarray]:
    """The teacher's start and end probabilities for one example, on the student's window positions."""
    window, begin = teacher_window(teacher, example)
    start, end = teacher.logits(window)
    context = slice(window.context_from, window.context_from + len(window.starts))
    keep = np.concatenate([[0], np.arange(len(start))[context]])  # [CLS] ('no answer') and the context tokens
    token_starts = begin + np.asarray(window.starts)
    token_ends = begin + np.asarray(window.ends)
    return (moved(softmax(start[keep]), token_starts, example.window, length, at_end=False),
            moved(softmax(end[keep]), token_ends, example.window, length, at_end=True))


def write_labels(config: ExampleSettings, out: Path, squad: Path, part: int, parts: int) -> int:
    """Label every chunk of this part not yet written; returns how many examples were labelled now."""
    from qa.config import DEFAULT
    from qa.reader import SpanReader
    from qa.reader_train import backbone_tokenizer

    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    if manifest.exists() and json.loads(manifest.read_text())["config"] != asdict(config):
        raise SystemExit(f"error: {out} holds labels made with other settings; use another --out")
    examples = examples_for(backbone_tokenizer("minilm"), config, squad)  # the student's windows
    chunks = (len(examples) + CHUNK - 1) // CHUNK
    teacher = SpanReader(DEFAULT.reader.using("accurate"))
    record = {"config": asdict(config), "examples": len(examples), "chunks": chunks,
              "teacher_onnx_sha256": teacher.stamp.onnx_sha256}
    temporary = manifest.with_suffix(f".{part}.tmp")
    temporary.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(temporary, manifest)
    done, began = 0, time.monotonic()
    for number in range(part, chunks, parts):
        path = chunk_path(out, number)
        if path.exists():
            continue
        batch = examples[number * CHUNK : (number + 1) * CHUNK]
        pairs = [label(teacher, example, config.max_length) for example in batch]
        scratch = path.with_suffix(".tmp.npz")
        np.savez(scratch, start=np.stack([s for s, _ in pairs]).astype(np.float16),
                 end=np.stack([e for _, e in pairs]).astype(np.float16))
        os.replace(scratch, path)
        done += len(batch)
        print(json.dumps({"chunk": number, "of": chunks, "examples_per_s": round(done / (time.monotonic() - began), 2)}),
              flush=True)
    return done


def read_labels(folder: Path, config: ExampleSettings, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Every chunk's start and end probabilities, in example order; one error line when any is missing."""
    record = json.loads((folder / MANIFEST).read_text())
    if record["config"] != asdict(config) or record["examples"] != count:
        raise SystemExit(f"error: the labels in {folder} were made for other examples; pass the same flags as qa.reader_distil")
    missing = [n for n in range(record["chunks"]) if not chunk_path(folder, n).exists()]
    if missing:
        raise SystemExit(f"error: {len(missing)} label chunks missing in {folder} (first {missing[0]}); run qa.reader_distil again")
    loaded = [np.load(chunk_path(folder, n)) for n in range(record["chunks"])]
    return (np.concatenate([chunk["start"] for chunk in loaded]).astype(np.float32),
            np.concatenate([chunk["end"] for chunk in loaded]).astype(np.float32))


def main(argv: list[str] | None = None) -> None:
    """Parse the flags and label this part's chunks."""
    from qa.reader_train import SQUAD_TRAIN

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/distil"))
    parser.add_argument("--squad", type=Path, default=SQUAD_TRAIN)
    parser.add_argument("--part", default="0/1", help="i/n: this process labels chunks i, i+n, i+2n, ...")
    for name, value in asdict(DEFAULTS).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    part, parts = (int(x) for x in args.part.split("/"))
    config = ExampleSettings.of(args)
    write_labels(config, args.out, args.squad, part, parts)


if __name__ == "__main__":
    main()
