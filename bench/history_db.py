"""A large conversation history for the history benchmarks of `bench/run.py`.

Owns: filling a history database that the app itself created (so the schema, indexes
and triggers are the app's own, whatever its version) with a deterministic, realistic
load: 10,000 threads and 100,000 messages (~50 MB), a tenth of the threads side by side
in comparisons, a few messages in scripts written without spaces and with emoji, one
rare search word (`RARE_WORD`) in a few hundred messages, and one thread of 10,000
messages updated last (the one `--resume` reopens). Does not own: measuring (run.py).

Python 3 standard library only (`sqlite3`, with FTS5, as Python builds it).
"""

import json
import random
import sqlite3

# A word found in about one message in 300: what a search looks for.
RARE_WORD = "zanzibar"
# Only in the last answer of the longest thread: on screen once it is reopened.
LAST_WORD = "quokkafinale"

WORDS = ("price plan margin customers value risk growth the a of to is and budget quarter "
         "retention churn brand trust market segment forecast pricing onboarding renewal "
         "discount premium loyalty launch campaign audience message tone clarity offer "
         "subscription monthly annual trial upgrade support feature roadmap competitor").split()
OTHER_SCRIPTS = ["価格設定は分かりやすいですか", "这个定价页面很清楚", "ราคานี้เหมาะสมไหม", "Цена кажется честной", "🚀 launch 🎉"]
PERSONAS = [("cgenz", "Gen Z Consumer"), ("ccfo", "CFO"), ("cb2b", "B2B Decision Maker"),
            ("cboomer", "Baby Boomer Retiree"), ("cdev", "Software Engineer"), ("cfarm", "Rural Farmer")]


def _text(rng, sentences):
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        if rng.random() < 0.003:
            words[rng.randrange(len(words))] = RARE_WORD
        s = " ".join(words)
        out.append(s[0].upper() + s[1:] + ".")
    if rng.random() < 0.01:
        out.append(rng.choice(OTHER_SCRIPTS))
    return " ".join(out)


def _answer(rng):
    paragraphs = [_text(rng, rng.randint(2, 4)) for _ in range(rng.randint(2, 3))]
    paragraphs.insert(1, "\n".join(f"- {_text(rng, 1)}" for _ in range(3)))
    return "\n\n".join(paragraphs)


def fill(path, threads=10_000, messages=100_000, long_thread=10_000, seed=7):
    """Adds the load to the history database at `path` (created by the app, empty)."""
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    t0 = 1_700_000_000_000
    per_thread = max(2, (messages - long_thread) // max(1, threads - 1))
    with db:
        thread_rows, message_rows = [], []
        mid = 0
        for t in range(1, threads + 1):
            pid, name = PERSONAS[t % len(PERSONAS)]
            n = long_thread if t == threads else per_thread
            created = t0 + t * 60_000
            first = _text(rng, 1)
            for seq in range(n):
                mid += 1
                user = seq % 2 == 0
                text = (first if seq == 0 else _text(rng, 1)) if user else _answer(rng)
                if t == threads and seq == n - 1:
                    text += f" {LAST_WORD}."
                usage = None if user else json.dumps(
                    {"input_tokens": 40, "output_tokens": 300, "total_tokens": 340, "credits_used": 2})
                message_rows.append((mid, t, seq, "user" if user else "assistant", text, "complete",
                                     usage, None if user else 2.0, None if user else f"resp_{mid}",
                                     created + seq * 1000, created + seq * 1000))
            thread_rows.append((t, pid, name, first[:200], created, created + n * 1000))
        db.executemany(
            "INSERT INTO threads (id, persona_id, persona_name, title, created_ms, updated_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)", thread_rows)
        db.executemany(
            "INSERT INTO messages (id, thread_id, seq, role, text, status, usage, credits, "
            "response_id, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            message_rows)
        # A tenth of the threads (not the long one) side by side, three at a time.
        comparisons, links = [], []
        for c, first in enumerate(range(1, threads // 10, 3), start=1):
            comparisons.append((c, thread_rows[first - 1][3], thread_rows[first - 1][4]))
            links += [(c, first + k, k) for k in range(3)]
        db.executemany("INSERT INTO comparisons (id, title, created_ms) VALUES (?, ?, ?)", comparisons)
        db.executemany(
            "INSERT INTO comparison_threads (comparison_id, thread_id, position) VALUES (?, ?, ?)", links)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return mid
