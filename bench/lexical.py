"""Lexical engines on one index's passages: the project's postings BM25 against tantivy and bm25s.

Issue 12 item 3. Every engine ranks the same passages (`id, text` of each live segment's `passages` table)
for the same SQuAD dev questions (a seeded sample) with the same query words: those the reference,
`IndexReader.lexical_search`, chooses (content words, common ones left out on large indexes).

- `postings`: the reference, `IndexReader.lexical_search(question, 10)` (global BM25 over the postings arrays).
- (`fts5`, FTS5's own ranked `MATCH`, was dropped with FTS5 itself in index format 5: bench/tokenizer.py.)
- `tantivy`: tantivy-py, `en_stem` text field (term frequencies, no positions: an OR of terms needs none), an
  integer fast field for the id; the query is an OR of the words' `en_stem` terms; BM25 k1 1.2, b 0.75, but
  idf ln(1 + (N - df + 0.5) / (df + 0.5)) and document lengths quantised to one byte.
- `bm25s`: bm25s `method="robertson"` (FTS5's idf, though clamped at 0 where FTS5 floors at 1e-6), k1 1.2,
  b 0.75, its tokenizer (2+ character words) with English stopwords and PyStemmer's Snowball English stemmer;
  saved, then loaded with `mmap=True`; one thread.

Figures below predate format 5, when the postings held FTS5's Porter (1980) stems, not Snowball's. At 100k,
the reference with Lucene's idf keeps 0.997 of its top 10, with lengths rounded as tantivy stores them 0.968;
tantivy itself 0.957: its recall lost is mostly length quantisation, then stemming. bm25s also drops
stopwords and 1-letter words from passages (other lengths) and from queries.

Measured at 1M passages (one segment, 300 questions, loaded 2-core machine): postings 9.4 / 19.7 ms p50 /
p95; FTS5 111 / 290 ms; tantivy 0.83 / 5.3 ms, recall 0.954, 99 MB, built in 30 s; bm25s 166 / 247 ms,
recall 0.877, 372 MB, built in 98 s at a 2.6 GB peak.

Each engine is built (tantivy, bm25s: into bench/out/lexical/<engine>-<index name>) and then queried in a
fresh child process, so its resident memory (VmRSS, VmHWM) is its own; `base_rss_mb` is the child's before
it opens the engine. Latency is per question after one warm-up pass. Recall@10 is |top 10 ∩ reference top
10| / |reference top 10|, averaged over questions with a reference. Disk is what each engine stores for
ranking: postings arrays + lengths.npy; the
tantivy folder (no text stored); the bm25s folder (no corpus). Prints one JSON line. Run, from the
repository root (the default index is bench.million's, built first if it is not there yet):

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python -m bench.lexical [--passages 1000000 | --index PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from bench.common import OUT, ROOT, load, module_command, readable, size_of

ENGINES = ("postings", "tantivy", "bm25s")
BUILT = ("tantivy", "bm25s")  # engines with their own files; postings are the index itself
WORK = OUT / "lexical"
K = 10
SEED = 7
Search = Callable[[str, list[str]], list[int]]


def memory() -> dict[str, float]:
    """This process's resident memory now and at its peak, and the anonymous part now, in MB (/proc/self/status).

    Memory-mapped files (postings, bm25s) count in VmRSS once their pages are touched, but the kernel can drop
    them; RssAnon is what the process itself holds."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    names = {"VmRSS": "rss_mb", "VmHWM": "hwm_mb", "RssAnon": "anon_mb"}
    return {key: round(int(fields[name].split()[0]) / 1024, 1) for name, key in names.items()}


def chosen_words(reader, question: str) -> list[str]:
    """The words retrieval ranks by (`qa.retrieve.lexical_terms`)."""
    from qa.retrieve import lexical_terms

    return lexical_terms(reader, question)


def plan(index_dir: Path, count: int, path: Path) -> dict[str, object]:
    """Sample the questions, choose their words, check them against the reference; write them for the children."""
    from index import lexical, postings
    from index.segments import LENGTHS_NAME
    from index.store import IndexReader

    _, squad_questions = load()
    picked = np.random.default_rng(SEED).choice(len(squad_questions), count, replace=False)
    questions = [squad_questions[i][1] for i in picked]
    reader = IndexReader.open(index_dir)
    words = [chosen_words(reader, q) for q in questions]
    agree = all([i for i, _ in lexical.search(reader.segments, w, K)] == [i for i, _ in reader.lexical_search(w, K)]
                for w in words)
    postings_bytes = sum(size_of(s.folder / name) for s in reader.segments for name in (*postings.FILES, LENGTHS_NAME))
    info = {"passages": reader.manifest.passages, "segments": len(reader.segments), "words_agree": agree,
            "disk": {"postings": postings_bytes}}
    reader.close()
    path.write_text(json.dumps({"questions": questions, "words": words}), encoding="utf-8")
    return info


def passages(index_dir: Path) -> Iterator[tuple[int, str]]:
    """Every live passage's id and text, segment by segment, without opening vectors."""
    import sqlite3

    from index.segments import DB_NAME
    from index.store import current_generation, read_manifest, segment_folder

    generation = current_generation(index_dir)
    if generation is None:
        raise SystemExit(f"no index at {index_dir}")
    manifest = read_manifest(generation)
    for info in manifest.infos():
        dead = set(manifest.deleted.get(info.name, ()))
        db = sqlite3.connect(f"file:{segment_folder(index_dir, info.name) / DB_NAME}?mode=ro", uri=True)
        for pid, path, text in db.execute("SELECT id, path, text FROM passages ORDER BY id"):
            if path not in dead:
                yield pid, text
        db.close()


def stemmer() -> object | None:
    """PyStemmer's Snowball English stemmer for bm25s, or none when it is not installed (then say so)."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english")


def build_tantivy(index_dir: Path, folder: Path) -> None:
    import tantivy

    schema = (tantivy.SchemaBuilder().add_integer_field("id", stored=True, fast=True)
              .add_text_field("text", tokenizer_name="en_stem", index_option="freq").build())
    index = tantivy.Index(schema, path=str(folder), reuse=False)
    writer = index.writer(heap_size=256_000_000, num_threads=1)  # one indexing thread: two shared cores
    for pid, text in passages(index_dir):
        writer.add_document(tantivy.Document(id=pid, text=text))
    writer.commit()
    writer.wait_merging_threads()


def build_bm25s(index_dir: Path, folder: Path) -> None:
    import bm25s

    ids, texts = zip(*passages(index_dir))
    np.save(folder / "ids.npy", np.array(ids, dtype=np.int64))  # bm25s ranks by position in its corpus
    tokenized = bm25s.tokenize(list(texts), stopwords="en", stemmer=stemmer(), show_progress=False)
    del texts
    retriever = bm25s.BM25(method="robertson", k1=1.2, b=0.75)
    retriever.index(tokenized, show_progress=False)
    retriever.save(str(folder), show_progress=False)


def open_engine(engine: str, index_dir: Path, folder: Path) -> tuple[Search, Callable[[], None]]:
    """A search function (question, words) -> top-10 ids, and how to close it."""
    if engine == "postings":
        from index.store import IndexReader

        reader = IndexReader.open(index_dir)
        return (lambda question, words: [i for i, _ in reader.lexical_search(words, K)]), reader.close
    if engine == "tantivy":
        import tantivy

        index = tantivy.Index.open(str(folder))
        searcher = index.searcher()
        # en_stem as tantivy registers it: simple tokenizer, tokens over 40 bytes dropped, lowercased, Snowball English.
        analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
                    .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("english")).build())

        def search_tantivy(question: str, words: list[str]) -> list[int]:
            terms = [term for word in words for term in analyzer.analyze(word)]
            if not terms:
                return []
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(index.schema, "text", t, index_option="freq"))
                 for t in terms])
            hits = searcher.search(query, K, count=False).hits  # no total count: the reference counts none
            return [int(i) for i in searcher.fast_field_values("id", [address for _, address in hits])]
        return search_tantivy, lambda: None
    if engine == "bm25s":
        import bm25s

        retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        ids = np.load(folder / "ids.npy", mmap_mode="r")
        stem = stemmer()

        def search_bm25s(question: str, words: list[str]) -> list[int]:
            tokens = bm25s.tokenize([" ".join(words)], stopwords="en", stemmer=stem, return_ids=False,
                                    show_progress=False)
            found, scores = retriever.retrieve(tokens, k=K, n_threads=1, show_progress=False)
            return [int(ids[d]) for d, s in zip(found[0], scores[0]) if s > 0]  # unmatched passages score 0
        return search_bm25s, lambda: None
    raise SystemExit(f"unknown engine {engine}")


def child(engine: str, index_dir: Path, folder: Path, plan_path: Path, build: bool) -> None:
    """In a fresh process: build the engine's files, or open it and time every question; one JSON line."""
    if build:
        shutil.rmtree(folder, ignore_errors=True)  # a fresh folder: no earlier build's files counted as disk
        began = time.perf_counter()
        folder.mkdir(parents=True)
        (build_tantivy if engine == "tantivy" else build_bm25s)(index_dir, folder)
        print(json.dumps({"build_s": round(time.perf_counter() - began, 1), "build_hwm_mb": memory()["hwm_mb"]}))
        return
    work = json.loads(plan_path.read_text(encoding="utf-8"))
    base = memory()["rss_mb"]
    began = time.perf_counter()
    search, close = open_engine(engine, index_dir, folder)
    open_s = time.perf_counter() - began
    pairs = list(zip(work["questions"], work["words"]))
    for question, words in pairs:  # warm-up: page cache, lazily read term lists, caches
        search(question, words)
    times, ranked = [], []
    for question, words in pairs:
        t0 = time.perf_counter()
        ranked.append(search(question, words))
        times.append(time.perf_counter() - t0)
    close()
    print(json.dumps({"ranked": ranked, "times": times, "open_s": round(open_s, 3), "base_rss_mb": base, **memory()}))


def run_child(engine: str, args: argparse.Namespace, folder: Path, plan_path: Path, build: bool) -> dict:
    command = module_command("bench.lexical", "--child", engine, "--index", str(args.index), "--folder", str(folder),
                             "--plan", str(plan_path), *(["--build"] if build else []))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "RAYON_NUM_THREADS": "1", "TQDM_DISABLE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{engine} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000,
                        help="bench.million's index of this size (built if missing), unless --index is given")
    parser.add_argument("--index", type=Path, help="an existing index to rank the passages of instead")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated; postings always runs")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.index, args.folder, args.plan, args.build)
        return
    if args.index is None:
        args.index = OUT / "million" / f"index-{args.passages}"
        if not readable(args.index):
            subprocess.run(module_command("bench.million", "--passages", str(args.passages), "--build-only"),
                           cwd=ROOT, check=True)
    elif not readable(args.index):
        raise SystemExit(f"no index at {args.index}")

    WORK.mkdir(parents=True, exist_ok=True)
    plan_path = WORK / f"plan-{args.index.name}.json"
    info = plan(args.index, args.questions, plan_path)
    engines = ["postings"] + [e for e in args.engines.split(",") if e in ENGINES and e != "postings"]
    results: dict[str, dict] = {}
    reference: list[list[int]] = []
    for engine in engines:
        folder = WORK / f"{engine}-{args.index.name}"
        out: dict[str, object] = {}
        if engine in BUILT:
            out.update(run_child(engine, args, folder, plan_path, build=True))
            out["disk_bytes"] = size_of(folder)
        else:
            out["disk_bytes"] = info["disk"][engine]  # the segment files it reads
        measured = run_child(engine, args, folder, plan_path, build=False)
        ranked, times = measured.pop("ranked"), np.array(measured.pop("times")) * 1000
        if engine == "postings":
            reference = ranked
        shares = [len(set(top) & set(ref)) / len(ref) for top, ref in zip(ranked, reference) if ref]
        out.update(recall_at_10=round(float(np.mean(shares)), 4), p50_ms=round(float(np.percentile(times, 50)), 2),
                   p95_ms=round(float(np.percentile(times, 95)), 2), **measured)
        results[engine] = out
    # Recall first (to two decimals, so noise does not decide), then median latency.
    best = min(results, key=lambda e: (-round(results[e]["recall_at_10"], 2), results[e]["p50_ms"]))
    why = (f"{best}: recall@10 {results[best]['recall_at_10']} vs the postings reference, "
           f"p50 {results[best]['p50_ms']} ms (best recall, then lowest p50)")
    print(json.dumps({"bench": "lexical", "index": str(args.index), "passages": info["passages"],
                      "segments": info["segments"], "questions": args.questions, "seed": SEED,
                      "words_agree_with_reference": info["words_agree"],
                      "bm25s_method": "robertson: FTS5's idf, clamped at 0 where FTS5 floors it at 1e-6",
                      "bm25s_stemmer": "PyStemmer english" if find_spec("Stemmer") else "none (PyStemmer missing)",
                      "engines": results,
                      "best": best, "why": why}))


if __name__ == "__main__":
    main()
