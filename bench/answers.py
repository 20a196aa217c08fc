"""Answer quality on SQuAD v1.1 dev through the whole pipeline (retrieval included), as `ask` runs it.

Prints one JSON line: sentence@1 (the top answer's context holds a gold answer), span exact match
and token F1 of the top answer (SQuAD's normalisation), the share of on-topic questions flagged
low-confidence, and the share of off-topic questions flagged (the same questions asked of the
bundled news seeds, where nothing answers them). `--calibrate` also prints the evidence
quantiles that the low-confidence threshold in qa/answer.py is chosen from.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import string
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from squad import squad_index  # noqa: E402

from index.embed import SentenceTransformerEmbedder  # noqa: E402
from index.update import update_index  # noqa: E402
from qa.home import seeds_folder  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402


def normalize(text: str) -> str:
    """SQuAD's answer normalisation: lowercase, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1(prediction: str, gold: str) -> float:
    predicted, expected = normalize(prediction).split(), normalize(gold).split()
    common = collections.Counter(predicted) & collections.Counter(expected)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=1000, help="questions sampled (0 = all 10,570)")
    parser.add_argument("--calibrate", action="store_true", help="print evidence quantiles too")
    parser.add_argument("--seed", type=int, default=7, help="question sample (tune on another seed than you report)")
    parser.add_argument("--weights", help="cosine,overlap,retrieval evidence weights to try instead")
    parser.add_argument("--sentence-cosines", action="store_true",
                        help="embed every candidate sentence (slower) instead of using its passage's cosine")
    args = parser.parse_args()

    if args.weights:
        import qa.answer

        qa.answer.W_COSINE, qa.answer.W_OVERLAP, qa.answer.W_RETRIEVAL = map(float, args.weights.split(","))
    embedder = SentenceTransformerEmbedder()
    index_dir, questions, _ = squad_index(embedder)
    if args.limit:
        questions = random.Random(args.seed).sample(questions, args.limit)
    pipeline = Pipeline(index_dir, lambda reader: embedder)
    pipeline.answer_reader.sentence_cosines = args.sentence_cosines
    seeds_dir = Path(tempfile.mkdtemp()) / "seeds-index"
    update_index(seeds_dir, [seeds_folder()], embedder)
    off_topic = Pipeline(seeds_dir, lambda reader: embedder)

    sentence_hits, exact, f1s, flagged, off_flagged, seconds = [], [], [], [], [], []
    evidence, off_evidence = [], []
    by_kind: dict[str, list[float]] = collections.defaultdict(list)
    from qa.question import parse

    for question in questions:
        began = time.perf_counter()
        result = pipeline.ask(question.text, k=5)
        seconds.append(time.perf_counter() - began)
        top = result.answers[0] if result.answers else None
        context = normalize(top.context) if top else ""
        sentence_hits.append(any(normalize(gold) in context for gold in question.answers))
        exact.append(bool(top) and any(normalize(top.text) == normalize(gold) for gold in question.answers))
        f1s.append(max((f1(top.text, gold) for gold in question.answers), default=0.0) if top else 0.0)
        by_kind[parse(question.text).kind.value].append(f1s[-1])
        flagged.append(result.low_confidence)
        off = off_topic.ask(question.text, k=5)
        off_flagged.append(off.low_confidence)
        evidence.append(result.evidence)
        off_evidence.append(off.evidence)

    result = {
        "bench": "answers",
        "questions": len(questions),
        "sentence_at_1": round(float(np.mean(sentence_hits)), 4),
        "exact_match": round(float(np.mean(exact)), 4),
        "f1": round(float(np.mean(f1s)), 4),
        "f1_by_type": {kind: [len(v), round(float(np.mean(v)), 3)] for kind, v in sorted(by_kind.items())},
        "on_topic_flagged": round(float(np.mean(flagged)), 4),
        "off_topic_flagged": round(float(np.mean(off_flagged)), 4),
        "ask_ms_p50": round(1000 * float(np.percentile(seconds, 50)), 1),
    }
    if args.calibrate:
        quantiles = (0.01, 0.02, 0.05, 0.1, 0.5)
        result["evidence_on_topic"] = {q: round(float(np.quantile(evidence, q)), 4) for q in quantiles}
        result["evidence_off_topic"] = {q: round(float(np.quantile(off_evidence, 1 - q)), 4) for q in quantiles}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
