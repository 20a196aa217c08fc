"""Every tuned constant of retrieval and answering, in one frozen config that benches can vary."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class RetrievalConfig:
    """How candidates are gathered and fused; tuned on SQuAD dev (bench/retrieval.py --sweep)."""

    dense_weight: float = 0.45  # fused = w · min-max(cosine) + (1 - w) · BM25 / max(BM25)
    candidates: int = 50  # taken from each of FAISS and BM25
    near_duplicate: float = 0.6  # share of word trigrams the shorter passage has in common with the other
    # From this many passages on, BM25 leaves out question words found in more than this share of
    # the passages (the rarest word is always kept): ranking their huge posting lists cost most of a
    # search (15.0 -> 10.5 ms at 100k) while the lexical top ten stayed 94 % the same.
    common_words_above: int = 20_000
    common_share: float = 0.1
    # A question with one of these words asks for the newest news: fused = (1 - r) · fused + r · recency, where
    # recency is the document's date min-max scaled over the candidates (undated: 0). The fused score also
    # weighs in the reader's ranking (ReaderConfig.retrieval_weight), so newer sources' answers come first.
    # Set by hand, not tuned: at 0.3 no date lifts a passage over one whose fused score is 0.43 (0.3/0.7) higher.
    recency_weight: float = 0.3
    recency_pool: float = 0.6  # ... dates scaled over the candidates fused at least this share of the best's
    # A 'latest' question's capitalised names ('the Pine Flat Fire') raise each candidate by this times the
    # share of them its whole document holds, so recency lifts the named story's newest passages, which deep in
    # a story say 'the fire' (news bench: 'latest' newest-first 0.731 -> 0.769). Not for other questions:
    # there BM25 already weighs the names, and on SQuAD dev (seed 7, 300) the extra weight cost EM 0.597 -> 0.590.
    story_weight: float = 0.2
    # A question naming a day ('… on Friday, Aug. 8?') raises the documents filed that day or the next by this.
    day_weight: float = 0.2
    # "are still" and "remain" ask for the present too ("how many are still missing?"); a past "were still
    # displaced in mid-August" asks for its own day. "final" asks for where a story ended ("under the final
    # plan"; news bench: 'latest' newest-first 25 -> 26 of 26, top 0.929 -> 0.935, SQuAD dev seed 7 unchanged).
    recency_words: tuple[str, ...] = ("latest", "now", "currently", "current", "most recent", "newest",
                                      "as of today", "so far", "to date", "final", "is still", "are still", "remain",
                                      "remains")


@dataclass(frozen=True)
class Calibration:
    """When an answer is confident: its best span's margin over 'no answer' plus the weighted cosine of its
    passage must clear the threshold (fitted by bench/answers.py --calibrate on SQuAD dev seed 11: 2 % of
    answerable questions flagged, off-topic ones from the seeds flagged)."""

    similarity_weight: float  # logits per unit of cosine between question and passage
    null_threshold: float  # below this: low confidence


# Each reader's logits run on their own scale, so each has its own fit. The accurate reader's, fitted on
# seed 11 (`python -m bench.answers --model accurate --calibrate --seed 11 --limit 300`): 2.0 % of
# answerable questions flagged, 100 % of off-topic ones (the fast reader's constants gave it 2.3 / 99.7).
CALIBRATIONS = {"fast": Calibration(40.0, 14.27), "accurate": Calibration(35.0, 14.88)}


@dataclass(frozen=True)
class ReaderConfig:
    """How the trained reader reads passages and turns its scores into answers (bench/answers.py)."""

    model: str = "fast"  # "fast": MiniLM-L6, shipped; "accurate": MPNet-base (qa/reader_accurate)
    folder: str | None = None  # weights from this folder instead of the model's own (a rebuilt or copied reader)
    # One thread per run, `threads` runs at once: a window is ~100 tokens, too small to split well across
    # cores (100k passages, 80 questions: 48/37/57 ms a question against 62/67/55 with two intra-op threads).
    threads: int = 2
    passages: int = 5  # answers are read from at least this many passages, however few are shown
    # A 'latest' question naming its story also reads those of the next this many passages that are its story's
    # and newer than its first answer's sources (qa.pipeline): the closing figure is often one line of a report
    # about something else. Reading 10 passages for every 'latest' question instead lifted other stories' figures.
    further_passages: int = 5
    # Windows as long as the training windows: gold-paragraph F1 0.746 at 128 tokens, 0.710 at 192, 0.691
    # at 256 (400 SQuAD dev questions, seed 11); index passages are 40-120 words.
    max_length: int = 128  # tokens per window: question + passage
    stride: int = 48  # context tokens two windows of one long passage share (32: 0.727, 64: 0.731)
    max_answer_tokens: int = 20  # 30 tokens: 0.746 -> 0.748 at 20, 0.7475 at 15; longer spans are clauses
    spans_per_window: int = 5
    # ... and the best span of up to this many further places in the window that those leave untouched: rivals
    # only, never the first answer nor a 'latest' pick (news bench: "Sources disagree" recall 0.532 -> 0.553,
    # precision 0.625 -> 0.619, top answers unchanged). Until qa/reader.py counted them, every untouched place
    # among the rival_search pairs was added (~9 a window, 3-16): 2 gives the same news bench output byte for
    # byte and the same SQuAD dev seed 7 figures, 1 the same figures with one answer's casing changed ("Two"
    # for "two"); 2 took a warm ask at 100k passages from 95.1 to 90.9 ms p50 (55 questions, interleaved).
    rival_places: int = 2
    rival_search: int = 400  # span pairs looked through for them, best first, after the top spans (of ~2,000)
    # rank = span score - null_weight * window's null score + retrieval_weight * fused score; from the
    # sweep in bench/answers.py on SQuAD dev seed 11 (reported on seed 7), stage-2 reader: top-answer F1
    # 0.714 at (1.0, 8.0) against 0.708 at (1.0, 4.0) and 0.665 at (0.0, 0.0), 5 passages read.
    null_weight: float = 1.0
    retrieval_weight: float = 8.0
    similarity_weight: float = CALIBRATIONS["fast"].similarity_weight  # (see Calibration; `using` switches)
    null_threshold: float = CALIBRATIONS["fast"].null_threshold
    # A statement is worded by its longest span scoring within this of its best (logits). 0: its best span;
    # widening by 1 logit cost 5 EM points (0.607 -> 0.527, seed 11): SQuAD's answers are the short span.
    widen: float = 0.0
    alternative_share: float = 0.0  # a share floor for a second figure; the margin below decides (support concentrates belief)
    alternative_share_words: float = 0.05  # ... for a second name or phrase (bench/news_answers.py, stories 1-4)
    # ... and whose best span ranks within this many logits of the first answer's: a rival the reader weighs
    # about as much, not the fifth figure of a passage (bench/news_answers.py, --set reader.alternative_gap=...)
    alternative_gap: float = 99.0
    alternative_margin: float = 4.0  # ... and only where the reader itself prefers it to "no answer" by this much (e^4 = 55:1)
    contested_margin: float = -99.0  # ... or by this much for a figure a sentence sets against another (qa.contest)
    # For a 'latest' question, any figure the reader prefers to "no answer" may go first if its source is the
    # newest: the final figure is often stated once, beside the older one it replaces ("17,420 acres, up
    # from the 17,300 reported"), where the reader's belief and the sources' support favour the older.
    latest_margin: float = 0.0
    # ... but only from a passage matching the question's words at least this share as well (BM25) as the
    # best answer's: recency lifts other stories' newer passages into those read ('how many customers …
    # so far' read a later data-breach story beside the recall it asked about).
    latest_lexical_share: float = 0.5
    support: float = 0.3  # log-belief bonus per doubling of independent sources stating an answer
    max_answers: int = 5
    # Two answers whose sources were published within this many days of each other (or undated) disagree;
    # further apart, the later one updates the earlier (bench/news_answers.py: a wire count revised next day).
    same_days: int = 1

    def using(self, model: str) -> ReaderConfig:
        """This configuration for another reader, with that reader's own confidence calibration."""
        fit = CALIBRATIONS[model]
        return replace(self, model=model, similarity_weight=fit.similarity_weight, null_threshold=fit.null_threshold)


@dataclass(frozen=True)
class ServiceConfig:
    """What `qa mcp` and `qa serve` accept and how long they wait (qa/service.py)."""

    max_question_chars: int = 1_000  # a question is a sentence; a pasted article is a mistake or an attack
    max_k: int = 50  # passages per request: the retriever takes 50 candidates from each search
    max_citation_chars: int = 4_096  # a citation is a path and two offsets
    documents_page: int = 100  # documents per page of the `documents` listing unless asked for more
    max_documents: int = 500  # ... and at most (MCP's resources/list names this many, newest first)
    max_outlets: int = 20  # outlet names per request
    max_filter_chars: int = 200  # a date or an outlet's name
    timeout_s: float = 30.0  # per HTTP request, waiting in line included (a warm ask takes ~0.1 s)
    max_connections: int = 256  # uvicorn's limit_concurrency: beyond it, 503 at once rather than a queue
    # `qa serve` gathers /ask requests arriving within this window and reads them in one reader run
    # (qa/batcher.py); those that queue while a batch runs join the next without waiting. Waiting buys no
    # throughput: the int8 reader runs each window alone (see SpanReader.read_many), so a batch saves only
    # the windows its questions share. bench/serve.py, 10k passages, 10 clients, 150 requests, 2 busy cores:
    # 0 / 5 / 20 ms gave 9.2 / 6.4 / 4.9 requests/s (tracking the machine's load, 2.2 / 2.6 / 3.7, not the
    # window), while a lone client pays the window in full; 2 ms catches near-simultaneous arrivals.
    batch_window_s: float = 0.002
    max_batch: int = 64  # questions per reader run: at 50 clients a batch takes all that are waiting
    max_queued: int = 128  # asks waiting for the reader; beyond it, 503 at once rather than a longer line
    # Answers `qa serve` and `qa mcp` keep, by question, k and filters, while the index's generation stays the
    # live one (qa/answer_cache.py): a question asked again is answered without waiting for the reader. Kept as
    # `ask --json`'s line, this many characters in all: an answer at k=5 is ~4.4 KB (~19 KB as objects), so
    # ~470 of them; at k=50 ~40. bench/serve.py, 100k passages, 50 clients, 2,000 requests over 64 questions:
    # 201.3 requests/s and p95 190 ms against 10.8/s and 5.30 s with none kept, in the same run.
    answer_cache_chars: int = 2 * 2**20
    # `qa serve` hands the allocator's free pages back after each /ask batch (glibc's malloc_trim, 0.2-0.9 ms
    # against a batch's 100+ ms): freed windows, logits and loading buffers otherwise stay resident in the
    # arenas. 10k passages, 50 clients, 150 requests: server peak RSS 218.7 MB as was, 213.6 with the bearer
    # check async (qa/http_api.py), 204.6 with this too; bench/serve.py --passages 10000 --requests 300
    # --baseline-requests 150: 218.0 -> 202.5 MB batched, 207.2 -> 194.7 MB unbatched.
    trim_after_batch: bool = True
    # glibc arenas `qa serve` allows (0: glibc's default, 8 a core). With the bearer check async only ~5 threads
    # allocate, so this buys little (same bench: 202.5 -> 201.5 MB) but bounds arenas if threads are added.
    malloc_arenas: int = 2
    port: int = 8765
    min_token_chars: int = 16  # a bearer token anyone may try against: long enough not to be guessed


@dataclass(frozen=True)
class WordsConfig:
    """How far the answer rules look around a name or a figure, in words (qa/fit.py, group.py, measure.py, role.py)."""

    name_words_before: int = 2  # first name and title: "Pike" -> "Dr. Samuel Pike", never a whole headline of capitals
    name_words: int = 4  # the longest answer read as a person's name: 'Dr. Samuel J. Pike'
    noun_window: int = 4  # words after a figure that may name what it counts ('4,000 North Korean workers')
    # how far a title may stand from the name: 'the state's emergency management director, Curtis Bowman'
    title_distance: int = 5


@dataclass(frozen=True)
class DisplayConfig:
    """How much of a document's own metadata is shown (`ask`, `qa docs`, `qa show`, the app, exports)."""

    # Characters of a title, outlet or author shown, the cut marked by an ellipsis: a feed's 200 MB <title>
    # must not fill the screen. JSON gives them whole: a program can cut for itself.
    max_field: int = 200


@dataclass(frozen=True)
class Config:
    """The whole pipeline's settings."""

    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    reader: ReaderConfig = field(default_factory=ReaderConfig)
    words: WordsConfig = field(default_factory=WordsConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)


DEFAULT = Config()
