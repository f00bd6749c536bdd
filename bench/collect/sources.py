"""The synthetic sources of the collect benchmark, served on 127.0.0.1 in their own process.

A Pantip-style room (topic pages with Thai comment threads, in the HTML/JSON shape
``crawlers.spiders.pantip`` parses) and an X API v2 recent-search stream; see
``bench.collect.throughput``.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOM = "/forum/siang"
_TOPICS_PER_ROOM_PAGE = 25
COMMENTS_PER_PAGE = 10
TWEETS_PER_PAGE = 100
_FIRST_TOPIC = 43_000_001
_FIRST_TWEET = 1_900_000_000_000_000_000
TOKEN = "bench-bearer-token"
SCRAPY_OVERRIDES = {"LOG_LEVEL": "WARNING"}
_START_TIMEOUT_S = 60.0
_HTML = "text/html; charset=utf-8"
_JSON = "application/json; charset=utf-8"

_SUBJECTS = ("ถนน", "ไฟฟ้า", "น้ำประปา", "ขยะ", "รถเมล์", "ท่อระบายน้ำ", "ทางเท้า", "ไฟส่องทาง")
_PROBLEMS = (
    "พังเป็นหลุมใหญ่",
    "ดับมาสามวันแล้ว",
    "ไม่ไหลตั้งแต่เมื่อวาน",
    "ไม่มีใครมาเก็บเลย",
    "ไม่มาเลยชั่วโมงนึง",
    "อุดตันน้ำท่วมขัง",
    "แตกเดินไม่ได้",
    "เสียทั้งซอยมืดมาก",
)
_PLACES = ("บางนา", "ลาดพร้าว", "พระราม 2", "รังสิต", "บางกะปิ", "หาดใหญ่", "โคราช", "เชียงใหม่")
_REPLIES = (
    "เจอเหมือนกันครับ",
    "แจ้ง 1555 แล้ว<br>ยังเงียบ",
    "<p>ของบ้านผมก็เป็น</p>",
    "แจ้งเขตไปหลายรอบแล้วค่ะ",
    "ขอให้รีบแก้ไขด้วยนะครับ",
    "ผ่านทุกวัน อันตรายมาก",
)


# --- the synthetic sources ----------------------------------------------------------------


def _complaint(n: int) -> str:
    subject = _SUBJECTS[n % len(_SUBJECTS)]
    problem = _PROBLEMS[(n // len(_SUBJECTS)) % len(_PROBLEMS)]
    place = _PLACES[(n // 7) % len(_PLACES)]
    return f"{subject}แถว{place} ซอย {n % 97 + 1} {problem}"


def _n_comments(index: int) -> int:
    return 3 + index % 9  # 3..11: topics with more than 10 take two comment pages


def _pantip_utime(moment: datetime) -> str:
    return moment.strftime("%m/%d/%Y %H:%M:%S")  # Pantip prints M/D/YYYY


def _topic_html(tid: int, index: int, when: datetime) -> str:
    title = _complaint(index)
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{title} - Pantip</title></head>
<body>
  <div class="display-post-wrapper main-post" id="topic-{tid}">
    <h2 class="display-post-title">{title}</h2>
    <div class="display-post-story"><p>{_complaint(index + 3)}</p><p>แจ้งหน่วยงานแล้วแต่ยังไม่มีใครมาดู\
 เป็นแบบนี้มา {index % 12 + 1} วัน</p></div>
    <div class="display-post-status-leftside">
      <a class="display-post-name owner" href="/profile/{tid}">สมาชิกหมายเลข {100000 + index}</a>
      <span class="display-post-timestamp"><abbr class="timeago" data-utime="{_pantip_utime(when)}"\
 title="{_pantip_utime(when)}"></abbr></span>
    </div>
    <span class="like-score">๑๒</span>
    <span class="view-count">{1000 + index:,}</span>
    <span class="comment-count">{_n_comments(index)}</span>
  </div>
</body></html>
"""


def _room_html(page: int, tids: list[int], *, last: bool) -> str:
    items = "\n".join(
        f'      <li class="pt-list-item"><div class="pt-list-item__title">'
        f'<a href="/topic/{tid}">กระทู้ {_complaint(tid - _FIRST_TOPIC)}</a></div></li>'
        for tid in tids
    )
    nxt = (
        "" if last else f'    <a class="next" rel="next" href="{ROOM}?page={page + 1}">หน้าถัดไป</a>'
    )
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>ห้องสยาม - Pantip</title></head>
<body>
  <div class="post-list-wrapper">
    <ul class="pt-list">
{items}
    </ul>
{nxt}
  </div>
</body></html>
"""


def _comments_json(index: int, page: int, when: datetime) -> dict[str, Any]:
    total = _n_comments(index)
    max_page = -(-total // COMMENTS_PER_PAGE)
    numbers = range((page - 1) * COMMENTS_PER_PAGE + 1, min(total, page * COMMENTS_PER_PAGE) + 1)
    return {
        "paging": {"page": page, "max_page": max_page, "limit": COMMENTS_PER_PAGE},
        "count": len(numbers),
        "comments": [
            {
                "comment_no": no,
                "user": {"name": f"คนแถว{_PLACES[no % len(_PLACES)]} {index}", "mid": 9000 + no},
                "message": f"{_REPLIES[(index + no) % len(_REPLIES)]} ({_complaint(index + no)})",
                "data_utime": _pantip_utime(when + timedelta(minutes=5 * no)),
                "point": no % 6,
                "reply_count": no % 3,
            }
            for no in numbers
        ],
    }


def pantip_site(n_topics: int) -> tuple[dict[str, tuple[str, bytes]], int, int]:
    """Routes of a room with ``n_topics`` topics; also the number of items and room pages."""
    start = datetime(2026, 11, 8, 8, 0, tzinfo=UTC)
    tids = [_FIRST_TOPIC + i for i in range(n_topics)]
    routes: dict[str, tuple[str, bytes]] = {
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /profile/\n"),
    }
    pages = [tids[i : i + _TOPICS_PER_ROOM_PAGE] for i in range(0, n_topics, _TOPICS_PER_ROOM_PAGE)]
    for page, chunk in enumerate(pages, 1):
        path = ROOM if page == 1 else f"{ROOM}?page={page}"
        routes[path] = (_HTML, _room_html(page, chunk, last=page == len(pages)).encode())
    items = 0
    for index, tid in enumerate(tids):
        when = start - timedelta(minutes=3 * index)
        routes[f"/topic/{tid}"] = (_HTML, _topic_html(tid, index, when).encode())
        max_page = -(-_n_comments(index) // COMMENTS_PER_PAGE)
        for page in range(1, max_page + 1):
            body = json.dumps(_comments_json(index, page, when), ensure_ascii=False).encode()
            routes[f"/forum/topic/render_comments?tid={tid}&page={page}"] = (_JSON, body)
        items += 1 + _n_comments(index)
    return routes, items, len(pages)


def x_api(n_tweets: int) -> tuple[dict[str, tuple[str, bytes]], int]:
    """Routes of a recent-search stream of ``n_tweets`` (newest first); also the page count."""
    start = datetime(2026, 11, 8, 8, 0, tzinfo=UTC)
    n_pages = -(-n_tweets // TWEETS_PER_PAGE)
    routes: dict[str, tuple[str, bytes]] = {}
    for page in range(n_pages):
        numbers = range(page * TWEETS_PER_PAGE, min(n_tweets, (page + 1) * TWEETS_PER_PAGE))
        ids = [str(_FIRST_TWEET + n_tweets - n) for n in numbers]
        data = [
            {
                "id": tweet_id,
                "text": f"{_complaint(n)} #ร้องเรียน {n}",
                "created_at": (start - timedelta(seconds=20 * n))
                .isoformat()
                .replace("+00:00", "Z"),
                "author_id": f"u{n % 50}",
                "lang": "th",
                "public_metrics": {
                    "like_count": n % 17,
                    "reply_count": n % 5,
                    "retweet_count": n % 7,
                    "quote_count": n % 3,
                    "impression_count": 100 + n % 900,
                },
            }
            for n, tweet_id in zip(numbers, ids, strict=True)
        ]
        authors = sorted({t["author_id"] for t in data})
        meta: dict[str, Any] = {"newest_id": ids[0], "oldest_id": ids[-1], "result_count": len(ids)}
        if page + 1 < n_pages:
            meta["next_token"] = f"b{page + 1:06d}"
        body = {
            "data": data,
            "includes": {
                "users": [{"id": a, "username": f"khon_{a}", "name": f"คนไทย {a}"} for a in authors]
            },
            "meta": meta,
        }
        key = "first" if page == 0 else f"b{page:06d}"
        routes[key] = (_JSON, json.dumps(body, ensure_ascii=False).encode())
    return routes, n_pages


# --- the server process --------------------------------------------------------------------


def _serve(kind: str, size: int, ready: Any, stop: Any) -> None:
    """Child process: pre-render the source, serve it on 127.0.0.1 until ``stop`` is set."""
    routes = pantip_site(size)[0] if kind == "pantip" else x_api(size)[0]
    hits = {"n": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real site
        # Headers and body are separate writes: with Nagle on, keep-alive answers would
        # wait ~40 ms for the client's delayed ACK and the bench would time that.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            with lock:
                hits["n"] += 1
            if kind == "pantip":
                found = routes.get(self.path)
            elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                found = None
            else:
                parts = urlsplit(self.path)
                token = parse_qs(parts.query).get("next_token", ["first"])[0]
                on_path = parts.path == "/2/tweets/search/recent"
                found = routes.get(token) if on_path else None
            if found is None:
                self.send_error(404)
                return
            content_type, body = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ready.put(server.server_address[1])
    stop.wait(timeout=3600)  # bounded even if the parent never says stop
    server.shutdown()
    server.server_close()
    ready.put(hits["n"])


@contextmanager
def server(kind: str, size: int) -> Iterator[Callable[[], str]]:
    """Start the server process; yields a function returning its base URL."""
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    child = context.Process(target=_serve, args=(kind, size, ready, stop), name=f"bench-{kind}")
    child.start()
    try:
        port = ready.get(timeout=_START_TIMEOUT_S)
        base = f"http://127.0.0.1:{port}"
        yield lambda: base
    finally:
        stop.set()
        child.join(timeout=15)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)


# --- the runs ------------------------------------------------------------------------------
