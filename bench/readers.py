"""Both readers in one run, the gold paragraph given: exact match, token F1 and ms per question.

    python -m bench.readers --limit 300 --seed 7

SQuAD v1.1 dev questions (never trained or tuned on), each read from its own paragraph by the fast
reader (MiniLM-L6) and the accurate one (MPNet-base) when its weights are installed. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.answers import best_f1, exact
from bench.common import corpus
from index.models import Passage
from qa.mentions import mentions
from qa.config import DEFAULT
from qa.models import Hit
from qa.reader import ONNX_NAME, SpanReader, installed_readers, reader_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--candidate", type=Path, help="also an exported accurate reader not yet shipped (its folder)")
    args = parser.parse_args()
    _, questions = corpus()
    questions = random.Random(args.seed).sample(questions, args.limit)
    texts = {q.path: " ".join(open(q.path, encoding="utf-8").read().split()) for q in questions}
    out: dict[str, object] = {"bench": "readers", "questions": len(questions), "seed": args.seed}
    readers = [(name, DEFAULT.reader.using(name)) for name in installed_readers()]
    if args.candidate:
        readers.append(("candidate", replace(DEFAULT.reader.using("accurate"), folder=str(args.candidate))))
    for name, config in readers:
        reader = SpanReader(config)
        ems, f1s, seconds = [], [], []
        for question in questions:
            text = texts[question.path]
            began = time.perf_counter()
            found = mentions(reader.read(question.text, [text]), [Hit(Passage(question.path, 0, None, 0, len(text), 1, text), 1.0, 1)], config)
            seconds.append(time.perf_counter() - began)
            top = found[0].text if found else ""
            ems.append(exact(top, question.answers))
            f1s.append(best_f1(top, question.answers))
        out[name] = {"exact_match": round(float(np.mean(ems)), 4), "f1": round(float(np.mean(f1s)), 4),
                     "ms_p50": round(1000 * float(np.percentile(seconds, 50)), 1),
                     "onnx_mb": round((reader_folder(config) / ONNX_NAME).stat().st_size / 2**20, 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
