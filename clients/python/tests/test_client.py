"""The client against a real `winnow serve` (WINNOW_BIN, or the checkout's debug build).

    WINNOW_BIN=.build/debug/winnow python3 -m unittest discover -s clients/python/tests -v

`swift test` runs this (ClientLibraryTests), so CI tests the client on every change."""
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))

from winnow_client import AsyncClient, Client, ConnectionLost, RoutedClient, WinnowError, partition  # noqa: E402

WINNOW = os.path.abspath(os.environ.get("WINNOW_BIN") or os.path.join(ROOT, ".build", "debug", "winnow"))


class Sidecar:
    """A `winnow serve` on a socket of its own, with an audit trail, in a temporary folder."""

    def __init__(self, *args):
        self.folder = tempfile.mkdtemp(prefix="winnow-client-")
        self.socket = os.path.join(self.folder, "winnow.sock")
        self.audit = os.path.join(self.folder, "audit.sqlite")
        self.process = subprocess.Popen(
            [WINNOW, "serve", "--socket", self.socket, "--audit", self.audit, "--log-level", "warning", *args],
            cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"winnow serve did not start: {self.process.stderr.read().decode()}")
            time.sleep(0.02)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.process.stderr.close()


class ClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sidecar = Sidecar("--idle-timeout", "1")

    @classmethod
    def tearDownClass(cls):
        cls.sidecar.stop()

    def test_judge_gives_the_verdict_with_the_id_sent_and_made_up_ids_are_unique(self):
        with Client(self.sidecar.socket) as winnow:
            verdict = winnow.judge("alice", "you are a piece of shit", channel="c1", id="msg-1")
            self.assertEqual(verdict["id"], "msg-1")
            self.assertEqual(verdict["action"], "censor")
            self.assertEqual([r["rule"] for r in verdict["reasons"]], ["stopword"])
            a, b = winnow.judge("bob", "hello"), winnow.judge("bob", "hello again")
            self.assertEqual((a["action"], b["action"]), ("allow", "allow"))
            self.assertNotEqual(a["id"], b["id"])
            self.assertTrue(a["id"].startswith(winnow.ids.prefix))

    def test_pipelined_answers_come_in_order(self):
        events = [{"author": f"p{k % 50}", "text": f"comment number {k}", "id": k} for k in range(1000)]
        with Client(self.sidecar.socket, window=128) as winnow:
            verdicts = winnow.judge_many(events)
        self.assertEqual([v["id"] for v in verdicts], list(range(1000)))

    def test_ops_and_their_answers(self):
        with Client(self.sidecar.socket) as winnow:
            health = winnow.health()
            self.assertEqual((health["op"], health["ok"]), ("health", True))
            self.assertIn("events", winnow.stats())
            answer = winnow.timeout("mallory", 600, moderator="ana", note="spam burst")
            self.assertTrue(answer["ok"], answer)
            self.assertEqual(winnow.judge("mallory", "hello")["action"], "timeout")
            self.assertTrue(winnow.unban("mallory", moderator="ana")["ok"])
            self.assertEqual(winnow.judge("mallory", "hello")["action"], "allow")
            refused = winnow.op("timeout", author="mallory", seconds="600")
            self.assertFalse(refused["ok"])
            self.assertIn("error", refused)

    def test_a_connection_closed_for_being_idle_is_reopened(self):
        with Client(self.sidecar.socket) as winnow:
            self.assertEqual(winnow.judge("idle", "first")["action"], "allow")
            first = winnow._sock
            time.sleep(1.6)  # --idle-timeout 1: the server has closed this connection
            self.assertEqual(winnow.judge("idle", "second", id="after-idle")["id"], "after-idle")
            self.assertIsNot(winnow._sock, first)

    def test_a_bad_event_gets_its_error_verdict_and_the_connection_goes_on(self):
        with Client(self.sidecar.socket) as winnow:
            bad = winnow.request({"id": "bad-1", "author": 5, "text": "x"})
            self.assertEqual((bad["id"], bad["action"]), ("bad-1", "error"))
            self.assertEqual(winnow.judge("ok", "fine")["action"], "allow")

    def test_ids_reach_the_audit_trail(self):
        with Client(self.sidecar.socket) as winnow:
            winnow.judge("auditor", "what a shit show", id="audited-7")
        out = subprocess.run([WINNOW, "audit", "explain", "audited-7", "--audit", self.sidecar.audit],
                             capture_output=True, text=True, check=True).stdout
        self.assertIn("audited-7", out)
        self.assertIn("stopword", out)

    def test_async_client_does_the_same(self):
        async def run():
            async with AsyncClient(self.sidecar.socket) as winnow:
                verdict = await winnow.judge("carol", "you are a piece of shit", id="async-1")
                many = await winnow.judge_many([{"author": "d", "text": f"n {k}", "id": k} for k in range(300)])
                together = await asyncio.gather(*(winnow.judge("e", f"c {k}", id=f"g{k}") for k in range(20)))
                health = await winnow.health()
                await asyncio.sleep(1.6)  # idle-closed, then reopened
                after = await winnow.judge("carol", "back", id="async-2")
                return verdict, many, together, health, after
        verdict, many, together, health, after = asyncio.run(run())
        self.assertEqual((verdict["id"], verdict["action"]), ("async-1", "censor"))
        self.assertEqual([v["id"] for v in many], list(range(300)))
        self.assertEqual([v["id"] for v in together], [f"g{k}" for k in range(20)])
        self.assertTrue(health["ok"])
        self.assertEqual(after["id"], "async-2")


    def test_the_review_queue_from_hold_to_the_subscribed_decision(self):
        text = "win a free phone today at bit.ly/phone-giveaway hurry up friends"
        with Client(self.sidecar.socket) as winnow:
            held = [winnow.judge(author, text, id=f"q-{author}") for author in ("qa", "qb")]
            self.assertEqual([v["action"] for v in held], ["hold", "hold"], held)
            case = next(c for c in winnow.queue()["cases"] if c["first_text"] == text)
            self.assertNotIn(case["case"], [c["case"] for c in winnow.queue(older_than=3600)["cases"]])
            self.assertEqual((case["comments"], case["authors"], case["rule"]), (2, 2, "links"))
            seen = []
            subscribed = threading.Event()

            def follow():
                with Client(self.sidecar.socket) as reader:
                    for decision in reader.decisions(after=0):
                        subscribed.set()
                        if decision["case"] == case["case"]:
                            seen.append(decision)
                            return

            follower = threading.Thread(target=follow, daemon=True)
            follower.start()
            decided = winnow.decide(case["case"], "remove", moderator="ana", note="giveaway spam")
            self.assertEqual((decided["ok"], decided["comments"]), (True, ["q-qa", "q-qb"]), decided)
            again = winnow.decide(case["case"], "approve", moderator="bo")
            self.assertFalse(again["ok"])
            self.assertIn(f"case {case['case']} was already decided by ana at ", again["error"])
            follower.join(timeout=10)
            self.assertEqual(len(seen), 1, "the subscribed client did not get the decision")
            self.assertEqual(
                {k: seen[0][k] for k in ("case", "outcome", "moderator", "note", "comments")},
                {"case": case["case"], "outcome": "remove", "moderator": "ana", "note": "giveaway spam",
                 "comments": ["q-qa", "q-qb"]})
            detail = winnow.case(case["case"])
            self.assertEqual(detail["case"]["status"], "removed")
            self.assertEqual([c["id"] for c in detail["comments"]], ["q-qa", "q-qb"])
            self.assertEqual(winnow.decide(999999, "remove")["error"], "no case 999999")

    def test_an_appeal_overturned_and_a_removal_that_times_the_authors_out(self):
        text = "cheap designer watches for sale tinyurl.com/appeal-watches"
        with Client(self.sidecar.socket) as winnow:
            held = winnow.judge("ap", text, id="ap-1")
            self.assertEqual(held["action"], "hold", held)
            case = next(c for c in winnow.queue()["cases"] if c["first_text"] == text)
            removed = winnow.decide(case["case"], "remove", moderator="ana", sanction="timeout", seconds=600)
            self.assertEqual([(c["author"], c["change"]) for c in removed["changes"]], [("ap", "timeout")], removed)
            self.assertEqual(winnow.judge("ap", "hello", id="ap-2")["action"], "timeout")
            appeal = winnow.appeal("ap-1", message="it was a joke")
            self.assertTrue(appeal["ok"], appeal)
            self.assertEqual(appeal["id"], "ap-1")
            self.assertEqual(winnow.appeal("ap-1")["error"], f"an appeal on comment ap-1 is already open: case {appeal['case']}")
            overturned = winnow.decide(appeal["case"], "overturn", moderator="bo")
            self.assertEqual([(c["author"], c["change"]) for c in overturned["changes"]], [("ap", "lifted")], overturned)
            self.assertEqual(winnow.judge("ap", "hello again", id="ap-3")["action"], "allow")

    def test_a_subscribed_connection_answers_further_lines_with_an_error(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
            raw.settimeout(10)
            raw.connect(self.sidecar.socket)
            raw.sendall(b'{"op":"subscribe","to":"decisions","id":1}\n')
            reader = raw.makefile("r", encoding="utf-8")
            answer = json.loads(reader.readline())
            self.assertEqual((answer["op"], answer["ok"], answer["to"]), ("subscribe", True, "decisions"))
            raw.sendall(b'{"author":"x","text":"hello"}\n')
            error = json.loads(reader.readline())
            self.assertEqual(error["action"], "error")
            self.assertIn("subscribed to decisions", error["error"])

    def test_async_client_reads_the_queue(self):
        async def run():
            async with AsyncClient(self.sidecar.socket) as winnow:
                return await winnow.queue(limit=1)

        answer = asyncio.run(run())
        self.assertEqual((answer["op"], answer["ok"]), ("queue", True))
        self.assertLessEqual(len(answer["cases"]), 1)


class RoutedClientTests(unittest.TestCase):
    """Two sidecars without `--shared`, each author always sent to the same one."""

    @classmethod
    def setUpClass(cls):
        cls.sidecars = [Sidecar("--clock", "event"), Sidecar("--clock", "event")]
        cls.alone = Sidecar("--clock", "event")

    @classmethod
    def tearDownClass(cls):
        for sidecar in cls.sidecars + [cls.alone]:
            sidecar.stop()

    def test_the_partition_function_is_route_s_fnv1a_64(self):
        # Published FNV-1a 64 vectors: "" and "a".
        self.assertEqual(partition("", 1 << 63), 0xCBF29CE484222325 % (1 << 63))
        self.assertEqual(partition("a", 1 << 63), 0xAF63DC4C8601EC8C % (1 << 63))

    def test_two_sidecars_by_author_decide_as_one_sidecar_alone_and_answers_keep_their_order(self):
        events = []
        for k in range(60):
            author = f"user{k % 8}"
            word = "".join(chr(97 + (k // 26 ** i) % 26) for i in range(3))
            text = "buy cheap followers at my shop today" if k % 8 == 3 else f"greetings {word} folks"
            events.append({"id": f"e{k}", "author": author, "channel": "c", "ts": 1_700_000_000 + k * 0.2,
                           "text": text})
        with Client(self.alone.socket) as alone:
            expected = alone.judge_many(events)
        with RoutedClient([s.socket for s in self.sidecars]) as winnow:
            answers = winnow.judge_many(events)
            self.assertEqual(answers, expected)
            # Something per author happened: user3's repeats, strikes, a timeout.
            rules = {r["rule"] for a in answers for r in a["reasons"]}
            self.assertTrue({"repeat", "escalation", "timeout"} <= rules, rules)
            # The authors are spread: each sidecar judged some of them.
            judged = [s["events"] for s in winnow.stats()]
            self.assertEqual(sum(judged), 60)
            self.assertTrue(all(count > 0 for count in judged), judged)
            # A ban goes to the author's own sidecar, and holds there.
            self.assertTrue(winnow.ban("user5")["ok"])
            verdict = winnow.judge("user5", "hello again", channel="c", ts=1_700_000_100)
            self.assertEqual(verdict["action"], "ban")


class FailureTests(unittest.TestCase):
    def test_no_server_is_a_clear_error_after_the_retries(self):
        folder = tempfile.mkdtemp()
        started = time.monotonic()
        with self.assertRaises(WinnowError) as caught:
            Client(os.path.join(folder, "none.sock"), connect_attempts=3, backoff=0.01).judge("a", "b")
        self.assertIn("cannot connect to", str(caught.exception))
        self.assertLess(time.monotonic() - started, 5)

    def test_a_server_that_never_answers_times_out_and_the_connection_is_dropped(self):
        path, server = silent_server()
        winnow = Client(path, timeout=0.3)
        with self.assertRaises(TimeoutError):
            winnow.judge("a", "hello")
        self.assertIsNone(winnow._sock)
        server.close()

    def test_a_server_that_dies_mid_request_reports_what_is_unanswered(self):
        path, server = silent_server(close_after_read=True)
        with self.assertRaises(ConnectionLost) as caught:
            Client(path).judge_many([{"author": "a", "text": "x", "id": 1}, {"author": "a", "text": "y", "id": 2}])
        self.assertEqual([r["id"] for r in caught.exception.unanswered], [1, 2])
        server.close()


def silent_server(close_after_read=False):
    """A Unix socket server that reads and never answers (or closes after the first read)."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "silent.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)

    def serve():
        try:
            connection, _ = server.accept()
            connection.recv(65536)
            if close_after_read:
                connection.close()
            else:
                time.sleep(2)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return path, server


if __name__ == "__main__":
    unittest.main()
