-- Schema of the embedded (SQLite) store. Idempotent: run at every open.
CREATE TABLE IF NOT EXISTS posts (
  id TEXT PRIMARY KEY,
  content_hash TEXT NOT NULL,
  doc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  platform TEXT NOT NULL,
  enriched INTEGER NOT NULL DEFAULT 0,
  province TEXT,
  sentiment TEXT,
  category TEXT,
  is_grievance INTEGER,
  topic_id INTEGER
);
CREATE INDEX IF NOT EXISTS posts_created ON posts(created_at);
CREATE INDEX IF NOT EXISTS posts_topic ON posts(topic_id, created_at);
CREATE INDEX IF NOT EXISTS posts_province ON posts(province, created_at);
CREATE INDEX IF NOT EXISTS posts_category ON posts(category, created_at);
CREATE INDEX IF NOT EXISTS posts_enriched ON posts(enriched);
-- Siang tokenises Thai itself; FTS5 only splits the space-separated terms of
-- storage/fulltext.py: every character but a separator (Z*) is part of a term, as in
-- Elasticsearch's whitespace analyzer (the default splits Thai at vowel and tone marks).
CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(
  id UNINDEXED, body, tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* C*'"
);
CREATE TABLE IF NOT EXISTS post_vectors (id TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL);
-- Each post whose vector was written (inserted, replaced, deleted), at the seq of its latest
-- write: every store open on this file catches its in-memory kNN matrix up from here
-- (storage/embedded_vectors.py). AUTOINCREMENT: a seq is never handed out twice.
CREATE TABLE IF NOT EXISTS post_vector_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE
);
CREATE TRIGGER IF NOT EXISTS post_vectors_logged_insert AFTER INSERT ON post_vectors BEGIN
  DELETE FROM post_vector_log WHERE id = NEW.id;
  INSERT INTO post_vector_log(id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS post_vectors_logged_update AFTER UPDATE ON post_vectors BEGIN
  DELETE FROM post_vector_log WHERE id IN (OLD.id, NEW.id);
  INSERT INTO post_vector_log(id) SELECT OLD.id WHERE OLD.id <> NEW.id;
  INSERT INTO post_vector_log(id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS post_vectors_logged_delete AFTER DELETE ON post_vectors BEGIN
  DELETE FROM post_vector_log WHERE id = OLD.id;
  INSERT INTO post_vector_log(id) VALUES (OLD.id);
END;
-- A post that goes takes its vector with it, so kNN never answers with it.
CREATE TRIGGER IF NOT EXISTS posts_deleted_vector AFTER DELETE ON posts BEGIN
  DELETE FROM post_vectors WHERE id = OLD.id;
END;
CREATE TABLE IF NOT EXISTS complaints (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, filed_at INTEGER NOT NULL,
  province TEXT, category TEXT, status TEXT
);
CREATE TABLE IF NOT EXISTS complaint_vectors (id TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS topics (
  id INTEGER PRIMARY KEY, doc TEXT NOT NULL, status TEXT NOT NULL,
  spike_score REAL NOT NULL, size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
  post_id TEXT NOT NULL, complaint_id TEXT NOT NULL, score REAL NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (post_id, complaint_id)
);
CREATE INDEX IF NOT EXISTS links_complaint ON links(complaint_id, score);
CREATE TABLE IF NOT EXISTS link_decisions (
  id TEXT PRIMARY KEY, post_id TEXT NOT NULL, complaint_id TEXT NOT NULL, at INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS link_decisions_complaint ON link_decisions(complaint_id, at);
CREATE INDEX IF NOT EXISTS link_decisions_post ON link_decisions(post_id, at);
CREATE TABLE IF NOT EXISTS follow_ups (
  complaint_id TEXT PRIMARY KEY, reopen INTEGER NOT NULL, still_broken INTEGER NOT NULL,
  agency TEXT, province TEXT, category TEXT NOT NULL, label TEXT NOT NULL,
  resolved_at INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS follow_ups_order ON follow_ups(reopen, still_broken, resolved_at);
CREATE TABLE IF NOT EXISTS reopen_decisions (
  id TEXT PRIMARY KEY, complaint_id TEXT NOT NULL, at INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reopen_decisions_complaint ON reopen_decisions(complaint_id, at);
CREATE TABLE IF NOT EXISTS survey_responses (
  complaint_id TEXT PRIMARY KEY, score INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, triggered_at INTEGER NOT NULL, status TEXT NOT NULL
);
-- reason_class: domain.quarantine.reason_class; a file from before it gains the column (and
-- its index) in storage/embedded_operations.py.
CREATE TABLE IF NOT EXISTS quarantine (
  id TEXT PRIMARY KEY, stage TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL, doc TEXT NOT NULL,
  reason_class TEXT NOT NULL DEFAULT 'other'
);
CREATE TABLE IF NOT EXISTS source_stats (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stage_stats (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, resource TEXT NOT NULL,
  key_id TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_resource ON audit(resource, at);
CREATE TABLE IF NOT EXISTS alert_rules (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS emergences (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, detected_at INTEGER NOT NULL, score REAL NOT NULL,
  kind TEXT NOT NULL, category TEXT, province TEXT, topic_id INTEGER
);
CREATE INDEX IF NOT EXISTS emergences_detected ON emergences(detected_at);
CREATE TABLE IF NOT EXISTS detector_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS campaigns (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, start INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_start ON campaigns(start);
CREATE TABLE IF NOT EXISTS source_profiles (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, platform TEXT, reach INTEGER NOT NULL,
  grievances INTEGER NOT NULL, link_rate REAL, posts INTEGER NOT NULL, doc TEXT NOT NULL
);
