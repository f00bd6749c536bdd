"""Topics at scale: full-fit time and peak memory at 10k, 50k and 100k posts, and a window update.

The corpus (``bench.topics.corpus``) is ``max(--sizes)`` distinct enriched posts over 30
days plus ``--update`` more on one new day, with real USE vectors, cached under
``bench/.cache/`` so later runs skip the embedding (``--rebuild`` re-enriches).

Each size N is fitted in a fresh process (``--one N``), so its peak RSS (getrusage's
maxrss, read right after the fit) is that fit's alone: a full fit (``build_trends`` with
nothing known) over the first N posts in the corpus's random order, sorted by time, so every
size spans the 30 days. After the largest fit the same process passes that fit's topics as
``known`` with its posts (``topic_id`` set) plus the ``--update`` new ones and times the
window update (``update_s_5k``: numba already compiled by the fit). A production update is
a fresh ``siang topics`` process, so the update is also timed alone in a new process from
the saved fit (``update_s_5k_fresh_process``). Loading posts and importing BERTopic are
timed apart.

Times are split by clocks put on the call sites from outside (``bench.topics.clocks``):
``stages_*`` map a call path (``fit/_full_fit/cluster_documents/_fit_bertopic/umap``) to
seconds, ``…/(rest)`` being a parent's time outside its wrapped children; numba compile
time is summed per function. ``--profile DIR`` also writes a cProfile dump of each fit and
update (which slows Python-heavy stages). A fit still running after ``--fit-limit`` seconds
is stopped and the stages it finished are reported. Writes ``bench/results/topics.json``::

    python -m bench.topics.scale [--sizes 10000 50000 100000] [--update 5000] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench.topics.clocks import CompileClock, StageTimer, install_timers, profiled
from bench.topics.corpus import ROOT, by_time, corpus_dir, load_posts, say
from domain.models import BANGKOK
from domain.settings import load_settings

RESULTS = ROOT / "bench" / "results" / "topics.json"
_FIT_TARGET_S = 600.0
_RSS_TARGET_MB = 6 * 1024.0
_UPDATE_TARGET_SHARE = 0.10
_BANGKOK = ZoneInfo(BANGKOK)
_HEADLINE = ("fit_s", "peak_rss_mb", "update_s", "failed")
_DETAIL = ("runs", "update_fresh_process", "corpus")


# --- one size, in a fresh process ----------------------------------------------------------


def _maxrss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _topics_source() -> str:
    """A hash of the topics package's source as this process imported it (others edit it)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "topics").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _code() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_in": sorted(
            {line[3:].split("/")[0] for line in git("status", "--porcelain").splitlines()}
            & {"topics", "domain", "enrich"}
        ),
    }


def _summary(report: Any) -> dict[str, Any]:
    live = [t for t in report.topics if t.merged_into is None]
    return {
        "mode": report.mode,
        "windows": report.windows,
        "n_topics": len(live),
        "n_topic_records": len(report.topics),
        "outliers": report.outliers,
        "events": dict(Counter(e.kind for e in report.events)),
        "emergences": len(report.emergences),
    }


class _Child:
    """What one child process holds: its posts, settings and the clocks on the call sites."""

    def __init__(self, directory: Path, n: int, *, update: int, progress: Path | None) -> None:
        self.n = n
        self.settings = load_settings()
        self.load_avg_before = os.getloadavg()[0]
        started = time.perf_counter()
        self.old, self.old_vectors, self.new, self.new_vectors = load_posts(
            directory, n, new=update
        )
        self.load_s = time.perf_counter() - started
        self.rss_after_load = _rss_mb()
        self.timer = StageTimer(progress)
        started = time.perf_counter()
        install_timers(self.timer)  # imports BERTopic, UMAP, HDBSCAN, numba
        self.compiles = CompileClock()
        self.import_s = time.perf_counter() - started
        self.rss_after_import = _rss_mb()
        self.topics_source = _topics_source()
        self.timer.note(stage="loaded", load_s=round(self.load_s, 2))

    def context(self) -> dict[str, Any]:
        return {
            "n_posts": self.n,
            "load_s": round(self.load_s, 2),
            "import_s": round(self.import_s, 2),
            "rss_after_load_mb": self.rss_after_load,
            "rss_after_import_mb": self.rss_after_import,
            "load_avg_1m_before": round(self.load_avg_before, 2),
            "topics_source_sha256": self.topics_source,
        }

    def fit(self, *, profile: Path | None) -> tuple[Any, dict[str, Any]]:
        import topics.service
        from topics.modeling import cluster_sizes

        config = self.settings.models.topics
        rss_before = _rss_mb()
        started = time.perf_counter()
        with profiled(profile, f"fit-{_label(self.n)}"), self.timer.stage("fit"):
            fitted = topics.service.build_trends(
                self.old, self.old_vectors, self.settings, known=None
            )
        fit_s = time.perf_counter() - started
        peak = _maxrss_mb()
        sampled = min(self.n, config.fit_sample)
        cluster_size, min_samples = cluster_sizes(sampled, config)
        self.timer.note(stage="fit done", fit_s=round(fit_s, 2), peak_rss_mb=peak)
        return fitted, {
            "fit_s": round(fit_s, 2),
            "peak_rss_mb": peak,
            "rss_before_fit_mb": rss_before,
            "fit": _summary(fitted)
            | {"fit_sample": sampled, "min_cluster_size": cluster_size, "min_samples": min_samples},
            "numba_compile_s_in_fit": round(self.compiles.seconds, 2),
            "numba_compile_top_fit": self.compiles.top(),
            "stages_fit": self.timer.tree("fit"),
            "calls_fit": self.timer.call_counts("fit"),
        }

    def update(self, known: dict[int, Any], *, profile: Path | None, name: str) -> dict[str, Any]:
        """Time the window update: the old posts carry topic ids, the new ones do not."""
        import topics.service

        posts, vectors = by_time(
            self.old + self.new, np.vstack([self.old_vectors, self.new_vectors])
        )
        compiled = dict(self.compiles.by_function)
        # The new posts share one day window; earlier outliers this recent join its pool.
        window = min(p.created_at for p in self.new).astimezone(_BANGKOK)
        window = window.replace(hour=0, minute=0, second=0, microsecond=0)
        since = window - timedelta(days=self.settings.models.topics.lookback_days)
        retried = sum(1 for p in self.old if p.topic_id == -1 and p.created_at >= since)
        started = time.perf_counter()
        with profiled(profile, f"{name}-{_label(len(self.new))}"), self.timer.stage(name):
            updated = topics.service.build_trends(posts, vectors, self.settings, known=known)
        update_s = time.perf_counter() - started
        return {
            "update_posts": len(self.new),
            "update_pool": len(self.new) + retried,
            "update_s": round(update_s, 2),
            "update": _summary(updated)
            | {
                "new_posts_placed": sum(1 for p in self.new if p.topic_id not in (None, -1)),
                "new_posts_outliers": sum(1 for p in self.new if p.topic_id == -1),
            },
            "numba_compile_s_in_update": round(sum(self.compiles.since(compiled).values()), 2),
            "numba_compile_top_update": self.compiles.top(compiled),
            "stages_update": self.timer.tree(name),
            "calls_update": self.timer.call_counts(name),
            "peak_rss_mb_with_update": _maxrss_mb(),
        }

    def finish(self, result: dict[str, Any]) -> dict[str, Any]:
        result["untimed_call_sites"] = self.timer.missing
        result["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
        return result


def run_one(
    directory: Path,
    n: int,
    *,
    update: int,
    progress: Path | None,
    profile: Path | None = None,
    save_fit: Path | None = None,
) -> dict[str, Any]:
    """Fit ``n`` posts from scratch, then optionally update with ``update`` new posts.

    With ``save_fit``, the fit's topic ids and topics are written there (before the update)
    for ``run_update_only``.
    """
    child = _Child(directory, n, update=update, progress=progress)
    fitted, result = child.fit(profile=profile)
    result = child.context() | result
    if update:
        if save_fit is not None:
            state = {
                "topic_ids": {p.id: p.topic_id for p in child.old},
                "topics": [t.model_dump(mode="json") for t in fitted.topics],
            }
            save_fit.write_text(json.dumps(state), encoding="utf-8")
        known = {t.topic_id: t for t in fitted.topics}  # the old posts now carry topic ids
        result |= child.update(known, profile=profile, name="update")
    return child.finish(result)


def run_update_only(
    directory: Path,
    n: int,
    *,
    update: int,
    fitted: Path,
    progress: Path | None,
    profile: Path | None = None,
) -> dict[str, Any]:
    """The update alone in a fresh process (numba compiles again), from a saved fit."""
    from domain.models import Topic

    child = _Child(directory, n, update=update, progress=progress)
    state = json.loads(fitted.read_text(encoding="utf-8"))
    for post in child.old:
        post.topic_id = state["topic_ids"][post.id]
    known = {t.topic_id: t for t in (Topic.model_validate(x) for x in state["topics"])}
    child.timer.note(stage="fit done", fit_s=0.0)  # nothing to fit: the limit covers the update
    result = child.context() | child.update(known, profile=profile, name="update_fresh")
    return child.finish(result)


# --- the driver ----------------------------------------------------------------------------


def _label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _child(
    directory: Path,
    n: int,
    *,
    update: int,
    fit_limit: float,
    scratch: Path,
    name: str,
    options: list[str],
) -> dict[str, Any]:
    """Run ``--one n`` in a fresh interpreter; stop it if the fit or the update overruns."""
    out, progress = scratch / f"{name}.json", scratch / f"{name}.progress.jsonl"
    command = [sys.executable, "-m", "bench.topics.scale", "--one", str(n), "--update"]
    command += [str(update), "--cache-dir", str(directory), "--out", str(out)]
    command += ["--progress", str(progress), *options]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT)
    deadline = started + fit_limit
    stopped = None
    while child.poll() is None:
        time.sleep(1.0)
        fitted_at = [note["at_s"] for note in _notes(progress) if note["stage"] == "fit done"]
        if fitted_at:  # the update gets as long again as the fit was allowed
            deadline = started + fitted_at[0] + fit_limit
        if time.perf_counter() > deadline:
            child.kill()
            child.wait()
            stopped = f"stopped after {time.perf_counter() - started:.0f} s (limit {fit_limit} s)"
    if out.exists():
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result | {"wall_s": round(time.perf_counter() - started, 2)}
    return {
        "n_posts": n,
        "failed": stopped or f"exit status {child.returncode}",
        "finished_stages": _notes(progress),
    }


def _notes(progress: Path) -> list[dict[str, Any]]:
    if not progress.exists():
        return []
    lines = progress.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _machine(load_before: tuple[float, float, float]) -> dict[str, Any]:
    from threadpoolctl import threadpool_info

    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout
    return {
        "arch": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "blas": sorted({f"{i['internal_api']} {i['version']}" for i in threadpool_info()}),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "uptime_after": uptime.strip(),
        "note": "2 cores shared with other jobs; read the load averages with the times",
    }


def run(
    sizes: list[int],
    update: int,
    *,
    rebuild: bool = False,
    fit_limit: float = 660.0,
    output: Path = RESULTS,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Build or reuse the corpus, fit each size in a child, time the update; write results.

    ``profile``: a directory for cProfile dumps of every fit and update (slows them down).
    """
    settings = load_settings()
    load_before = os.getloadavg()
    directory = corpus_dir(settings, max(sizes), update, rebuild=rebuild)
    corpus = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    runs: dict[str, dict[str, Any]] = {}
    profiling = ["--profile", str(profile)] if profile else []
    with tempfile.TemporaryDirectory(prefix="bench-topics-") as temporary:
        scratch, saved = Path(temporary), Path(temporary) / "fitted.json"
        for n in sorted(sizes):
            extra = update if n == max(sizes) else 0
            say(f"full fit over {n} posts" + (f", then an update of {extra}" if extra else ""))
            options = [*profiling, "--save-fit", str(saved)] if extra else profiling
            one = _child(
                directory,
                n,
                update=extra,
                fit_limit=fit_limit,
                scratch=scratch,
                name=_label(n),
                options=options,
            )
            runs[_label(n)] = one
            say(f"{n}: " + json.dumps({k: one.get(k) for k in _HEADLINE if k in one}))
        fresh = None
        if update and saved.exists():
            say(f"the update of {update} alone, in a fresh process")
            fresh = _child(
                directory,
                max(sizes),
                update=update,
                fit_limit=fit_limit,
                scratch=scratch,
                name="update-fresh",
                options=[*profiling, "--from-fit", str(saved)],
            )
            say("fresh update: " + json.dumps({k: fresh.get(k) for k in _HEADLINE if k in fresh}))
    sources: set[str] = {
        r["topics_source_sha256"]
        for r in [*runs.values(), fresh or {}]
        if "topics_source_sha256" in r
    }
    largest = runs[_label(max(sizes))]
    fit_s, update_s = largest.get("fit_s"), largest.get("update_s")
    share = round(update_s / fit_s, 3) if fit_s and update_s is not None else None
    fresh_s = (fresh or {}).get("update_s")
    fresh_share = round(fresh_s / fit_s, 3) if fit_s and fresh_s is not None else None
    peak = largest.get("peak_rss_mb")
    result: dict[str, Any] = {f"fit_s_{_label(n)}": runs[_label(n)].get("fit_s") for n in sizes}
    result |= {
        f"peak_rss_mb_{_label(max(sizes))}": peak,
        f"update_s_{_label(update)}": update_s,
        "update_share_of_fit": share,
        f"update_s_{_label(update)}_fresh_process": fresh_s,
        "update_share_of_fit_fresh_process": fresh_share,
        "targets": {
            "fit_under_600_s": fit_s is not None and fit_s < _FIT_TARGET_S,
            "peak_rss_under_6_gib": peak is not None and peak < _RSS_TARGET_MB,
            "update_under_10pct_of_fit": share is not None and share < _UPDATE_TARGET_SHARE,
            "update_fresh_process_under_10pct_of_fit": (
                fresh_share is not None and fresh_share < _UPDATE_TARGET_SHARE
            ),
            "at_n_posts": max(sizes),
        },
        "peak_rss_mb": {k: r.get("peak_rss_mb") for k, r in runs.items()},
        "n_topics": {k: r.get("fit", {}).get("n_topics") for k, r in runs.items()},
        "outliers": {k: r.get("fit", {}).get("outliers") for k, r in runs.items()},
        "fit_sample": settings.models.topics.fit_sample,
        "window": settings.models.topics.window,
        "corpus": corpus | {"cache": str(directory.relative_to(ROOT))},
        "runs": runs,
        "update_fresh_process": fresh,
        "profiled": bool(profile),
        "code": _code()
        | {
            "topics_source_sha256": sorted(sources),
            "topics_changed_during_run": len(sources) > 1,
        },
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(load_before),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--update", type=int, default=5_000)
    parser.add_argument("--rebuild", action="store_true", help="re-enrich, ignoring the cache")
    parser.add_argument("--fit-limit", type=float, default=660.0, help="seconds before a stop")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--profile", type=Path, help="write cProfile dumps here (slower runs)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one child run
    parser.add_argument("--cache-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--progress", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--save-fit", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--from-fit", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        if args.from_fit is not None:
            one = run_update_only(
                args.cache_dir,
                args.one,
                update=args.update,
                fitted=args.from_fit,
                progress=args.progress,
                profile=args.profile,
            )
        else:
            one = run_one(
                args.cache_dir,
                args.one,
                update=args.update,
                progress=args.progress,
                profile=args.profile,
                save_fit=args.save_fit,
            )
        args.out.write_text(json.dumps(one, indent=2) + "\n", encoding="utf-8")
        return
    summary = run(
        args.sizes,
        args.update,
        rebuild=args.rebuild,
        fit_limit=args.fit_limit,
        output=args.output,
        profile=args.profile,
    )
    json.dump({k: v for k, v in summary.items() if k not in _DETAIL}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    _main()
