"""Speed: cold `ask`, warm questions at 10k and 100k passages, the approximate index, indexing throughput.

Prints one JSON line, everything measured in one run (the machine is shared, so compare ratios):
- cold: median wall time of `.venv/bin/ask "how many workers?"` (new process, seed index built)
  against `python -c "import sentence_transformers"`, runs interleaved;
- warm: `Pipeline.ask` (the trained reader included) per question in a fresh process over 10k and 100k
  SQuAD word-window passages (bench/windows.py explains the corpus and its composed vectors),
  p50/p95, per-stage p50s and the process's memory; with --million, FAISS alone is measured at 1M
  passages (the IVF index `qa index` would build, memory-mapped), and a whole ask at 1M is
  extrapolated from the stages that grow with the index (`million_extrapolated`);
- the approximate (IVF) index at 100k: recall@10 and @50 of exact search on real question vectors,
  query p50 of both, disk;
- indexing: `update_index` over SQuAD paragraphs vs raw `SentenceTransformer.encode` of the same
  passages (raw runs before and after, averaged), with the one-time ONNX export counted or not.
Run: `.venv/bin/python -m bench.speed` from the repository root (the first run builds and caches the
corpora under bench/out/).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import windows
from bench.ann import approximate, million
from bench.common import DATA, OUT, ROOT, load, module_command, percentile_ms, readable, status_mb, timed_stages

BIN = Path(sys.executable).parent
WORK = OUT / "speed"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}


def _wall(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - began


def cold(embedder, runs: int) -> dict[str, object]:
    """Median cold `ask` and sentence-transformers import, interleaved so both see the same load."""
    from index.update import update_index
    from qa.home import seeds_folder

    home = WORK / "cold-home"
    shutil.rmtree(home, ignore_errors=True)
    update_index(home / "seeds-index", [seeds_folder()], embedder)
    env = {**ENV, "QA_HOME": str(home)}
    ask = [str(BIN / "ask"), "how many workers?"]
    importing = [sys.executable, "-c", "import sentence_transformers"]
    _wall(ask, env)  # page cache, as for any command run twice
    asks, imports = [], []
    for _ in range(runs):
        asks.append(_wall(ask, env))
        imports.append(_wall(importing, env))
    ask_s, import_s = statistics.median(asks), statistics.median(imports)
    return {"cold_ask_median_s": round(ask_s, 3), "st_import_median_s": round(import_s, 3),
            "cold_ratio": round(ask_s / import_s, 3), "cold_ask_runs_s": [round(x, 3) for x in asks]}


def warm_child(index_dir: Path, question_file: Path) -> None:
    """In a fresh process: per-question latency of `Pipeline.ask`, its stages, and peak memory."""
    from qa.pipeline import Pipeline

    began = time.perf_counter()
    pipeline = Pipeline(index_dir)
    open_s = time.perf_counter() - began
    rss_open = status_mb("VmHWM")
    questions = question_file.read_text(encoding="utf-8").splitlines()
    for question in questions[:5]:
        pipeline.ask(question)
    half = (len(questions) - 5) // 2
    staged, asked = questions[5 : 5 + half], questions[5 + half :]
    stages: dict[str, list[float]] = {"embed": [], "dense": [], "lexical": [], "retrieve": [], "read": []}
    for question in staged:  # other questions than the timed asks, so no cache is shared
        _, hits, spent = timed_stages(pipeline, question, 5)
        t0 = time.perf_counter()
        pipeline.span_model.read(question, [hit.passage.text for hit in hits[: pipeline.config.reader.passages]])
        for name, seconds in zip(stages, (*spent, time.perf_counter() - t0)):
            stages[name].append(seconds)
    times = []
    for question in asked:
        t0 = time.perf_counter()
        pipeline.ask(question)
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        "passages": pipeline.reader.manifest.passages, "questions": len(times),
        "embedder": type(pipeline.embedder).__name__,
        "p50_ms": percentile_ms(times, 50), "p95_ms": percentile_ms(times, 95),
        **{f"{name}_p50_ms": percentile_ms(values, 50) for name, values in stages.items()},
        "retrieve_p95_ms": percentile_ms(stages["retrieve"], 95),
        "open_s": round(open_s, 3), "rss_open_mb": rss_open,
        "peak_rss_mb": status_mb("VmHWM"), "anon_mb": status_mb("RssAnon"), "file_mapped_mb": status_mb("RssFile"),
    }))


def warm(index_dir: Path, questions: list[str]) -> dict[str, object]:
    question_file = WORK / "questions.txt"
    question_file.write_text("\n".join(questions) + "\n", encoding="utf-8")
    proc = subprocess.run(module_command("bench.speed", "--warm-child", str(index_dir), str(question_file)),
                          env=ENV, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def corpus_index(size: int, embedder, query_model: Path) -> tuple[Path, float]:
    """The cached `size`-passage window index, built on first use; returns it and its build seconds."""
    from index.onnx_embed import OnnxEmbedder

    index_dir = WORK / f"index-{size}"
    stamp = WORK / f"index-{size}.json"
    if (index_dir / "CURRENT").exists() and stamp.exists() and readable(index_dir):
        shutil.rmtree(index_dir / query_model.name, ignore_errors=True)  # the current export, whatever was cached
        shutil.copytree(query_model, index_dir / query_model.name)
        return index_dir, json.loads(stamp.read_text())["build_s"]
    shutil.rmtree(index_dir, ignore_errors=True)
    found = windows.articles(DATA, WORK / "articles")
    onnx = OnnxEmbedder.open(query_model.parent, threads=2)
    began = time.perf_counter()
    vectors = windows.sentence_vectors(found, onnx)
    vectors_s = time.perf_counter() - began
    build_s = windows.build(index_dir, found, windows.windows(found, size), vectors)
    shutil.copytree(query_model, index_dir / query_model.name)
    stamp.write_text(json.dumps({"build_s": round(build_s, 1), "sentence_vectors_s": round(vectors_s, 1)}))
    return index_dir, build_s


def indexing(embedder, paragraphs: int, query_model: Path) -> dict[str, object]:
    """`update_index` passages/s against raw `encode` passages/s on the same passages."""
    from index.onnx_embed import QUERY_DIR
    from index.owned import claim
    from index.split import split_file
    from index.update import update_index

    docs = WORK / f"paragraphs-{paragraphs}"
    texts, _ = load(DATA)
    docs.mkdir(parents=True, exist_ok=True)
    passages: dict[str, None] = {}
    for number, text in enumerate(texts[:paragraphs]):
        path = docs / f"p{number:05d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        passages.update(dict.fromkeys(p.text for p in split_file(str(path.resolve()), text + "\n")[1]))
    batch = list(passages)

    def raw() -> float:
        began = time.perf_counter()
        embedder.model.encode(batch, batch_size=embedder.batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
        return len(batch) / (time.perf_counter() - began)

    def index(with_export: bool) -> tuple[float, int]:
        folder = WORK / "indexing"
        shutil.rmtree(folder, ignore_errors=True)
        claim(folder)  # the index's own folder, so the query model copied in is no stranger's file
        if not with_export:  # an intact query model is already there: the export is amortised
            shutil.copytree(query_model, folder / QUERY_DIR)
        began = time.perf_counter()
        summary = update_index(folder, [docs], embedder)
        return summary.embedded / (time.perf_counter() - began), summary.embedded

    embedder.embed(["warm-up"])
    first = raw()
    amortised, embedded = index(with_export=False)
    exported, _ = index(with_export=True)
    second = raw()
    raw_pps = (first + second) / 2
    return {"passages": embedded, "raw_encode_pps": round(raw_pps, 1), "raw_runs_pps": [round(first, 1), round(second, 1)],
            "index_pps": round(amortised, 1), "index_ratio": round(amortised / raw_pps, 3),
            "index_pps_with_export": round(exported, 1), "index_ratio_with_export": round(exported / raw_pps, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-child", nargs=2, metavar=("INDEX", "QUESTIONS"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="10000,100000", help="warm index sizes (default 10000,100000)")
    parser.add_argument("--questions", type=int, default=205, help="SQuAD questions per warm run")
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--paragraphs", type=int, default=600, help="SQuAD paragraphs for indexing speed")
    parser.add_argument("--million", action="store_true", help="also FAISS alone at 1M passages (~10 min)")
    args = parser.parse_args()
    if args.warm_child:
        warm_child(Path(args.warm_child[0]), Path(args.warm_child[1]))
        return

    from index.embed import SentenceTransformerEmbedder
    from index.onnx_embed import OnnxEmbedder, query_dir

    WORK.mkdir(parents=True, exist_ok=True)
    embedder = SentenceTransformerEmbedder()
    result: dict[str, object] = {"bench": "speed", **cold(embedder, args.cold_runs)}
    query_model = query_dir(WORK / "cold-home" / "seeds-index")
    _, raw_questions = load(DATA)
    questions = [q for _, q, _ in random.Random(7).sample(raw_questions, args.questions)]
    question_vectors = OnnxEmbedder.open(query_model.parent).embed(questions)
    for size in (int(s) for s in args.sizes.split(",")):
        index_dir, build_s = corpus_index(size, embedder, query_model)
        label = f"{size // 1000}k"
        result[f"warm_{label}"] = warm(index_dir, questions)
        result[f"warm_{label}"]["build_s"] = round(build_s, 1)
        result[f"ann_{label}"] = approximate(index_dir, question_vectors)
    largest = f"{max(int(s) for s in args.sizes.split(',')) // 1000}k"
    stages = result[f"warm_{largest}"]
    scale = 1_000_000 / stages["passages"]
    dense_growth = stages["dense_p50_ms"] * (scale - 1)
    how = "p50 at the largest size, plus its lexical search p50 scaled linearly to 1M, plus "
    if args.million:
        result["faiss_1m"] = million(question_vectors)
        dense_growth = result["faiss_1m"]["p50_ms"] - result[f"ann_{largest}"]["p50_ms"]
        how += "the measured growth of the dense search (faiss_1m)"
    else:
        how += "its dense search p50 scaled linearly"
    result["million_extrapolated"] = {
        "p50_ms": round(stages["p50_ms"] + stages["lexical_p50_ms"] * (scale - 1) + dense_growth, 1), "how": how,
    }
    result["indexing"] = indexing(embedder, args.paragraphs, query_model)
    result["bench_peak_rss_mb"] = status_mb("VmHWM")  # this process: torch, the model and the 100k build
    print(json.dumps(result))


if __name__ == "__main__":
    main()
