#!/usr/bin/env python3
"""Kill-9 audit of Jangkau's multi-step writes (session 9, helper "crash").

Not a CI test (it is random and slow): a tool to look for writes that a
SIGKILL leaves half-done. For each operation it copies a demo data dir,
starts the real binary, runs the operation over HTTP (or the real command),
kills the process with SIGKILL after a random delay, restarts it and checks
the invariants below. The defects it found have deterministic Go tests.

    make build && ./jangkau demo --dir /tmp/crash/base --http 127.0.0.1:18190
    python3 tests/crash/chaos.py --base /tmp/crash/base --runs 20 [op ...]

Invariants, after every kill and restart:
  - PRAGMA integrity_check is ok; `jangkau audit verify` passes;
  - every record of a synced collection has its live feed row, and every
    live feed row its record;
  - every record of an audited collection has an audit entry (create);
  - report_stats_* equal a recount (`jangkau rebuild-reports` on a copy);
  - every stored file belongs to a row's file field (or its thumbs), and
    every file a row names exists;
  - every review decision (reviewed_at after the start) has its notice;
  - the operation's own check (all of it there, or none of it).
"""
import argparse, json, os, random, shutil, signal, sqlite3, subprocess, sys, threading, time
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "jangkau")
PW = "jangkau-demo-2026"
PORT = 18291
BASE_URL = f"http://127.0.0.1:{PORT}"
PHOTO = os.path.join(ROOT, "media/testdata/decode/base444.jpg")


class Server:
    def __init__(self, d):
        self.dir = d
        self.p = None

    def start(self):
        try:
            requests.get(BASE_URL + "/api/health", timeout=1)
            raise SystemExit(f"port {PORT} is taken: another server is running")
        except requests.ConnectionError:
            pass
        log = open(os.path.join(os.path.dirname(self.dir), "serve.log"), "a")
        self.p = subprocess.Popen([BIN, "serve", "--dir", self.dir, "--http", f"127.0.0.1:{PORT}"], stdout=log, stderr=log)
        for _ in range(400):
            try:
                if requests.get(BASE_URL + "/api/health", timeout=1).status_code == 200:
                    return
            except Exception:
                pass
            time.sleep(0.05)
        raise SystemExit("server did not start")

    def kill(self):
        if self.p and self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
        if self.p:
            self.p.wait()

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(20)


def auth(email):
    r = requests.post(BASE_URL + "/api/collections/users/auth-with-password", json={"identity": email, "password": PW}, timeout=10)
    r.raise_for_status()
    return r.json()


def su_auth():
    r = requests.post(BASE_URL + "/api/collections/_superusers/auth-with-password",
                      json={"identity": "admin@demo.jangkau.id", "password": PW}, timeout=10)
    r.raise_for_status()
    return r.json()


LOG = []
_send = requests.sessions.Session.send


def _logged_send(self, req, **kw):
    r = _send(self, req, **kw)
    if "/api/health" not in req.url and "auth-with-password" not in req.url:
        LOG.append(f"{req.method} {req.url.replace(BASE_URL, '').split('?')[0][-40:]} {r.status_code}")
    return r


requests.sessions.Session.send = _logged_send


def H(tok):
    return {"Authorization": tok["token"]}


def q(d, sql, args=()):
    c = sqlite3.connect(f"file:{d}/data.db?mode=ro", uri=True)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


# ---------------------------------------------------------------- operations
# Each op: prepare(server, ctx) (server running, before the clock starts),
# run(ctx) (killed at a random moment), check(dir, ctx) -> list of problems.

def submitted(d, n):
    """Creates n submitted outreach logs of desa@'s village (one batch, before the clock starts)."""
    tok = auth("desa@demo.jangkau.id")
    ids = ["crasho" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(9)) for _ in range(n)]
    reqs = [{"method": "POST", "url": "/api/collections/outreach_logs/records",
             "body": {"id": i, "village": "18.01.04.2001", "date": "2026-11-20 08:00:00.000Z", "outreach_type": "migrant_consultation",
                      "female_adult": 2, "male_adult": 1, "status": "submitted"}} for i in ids]
    r = requests.post(BASE_URL + "/api/batch", json={"requests": reqs}, headers=H(tok), timeout=60)
    if r.status_code != 200:
        raise SystemExit("could not create submitted logs: " + r.text[:400])
    return ids


class Review:
    """A verifier's decisions, one PATCH each."""
    name = "review"

    def prepare(self, d, ctx):
        ctx["tok"] = auth("verifikator@demo.jangkau.id")
        ctx["ids"] = submitted(d, 6)

    def run(self, ctx):
        for i, rid in enumerate(ctx["ids"]):
            body = {"status": "approved"} if i % 2 == 0 else {"status": "returned", "review_note": "Lengkapi daftar hadir"}
            requests.patch(f"{BASE_URL}/api/collections/outreach_logs/records/{rid}", json=body, headers=H(ctx["tok"]), timeout=30)

    def check(self, d, ctx):
        return []


class BulkReview:
    """The console's "approve several": one /api/batch, all or nothing."""
    name = "bulk"

    def prepare(self, d, ctx):
        ctx["tok"] = auth("verifikator@demo.jangkau.id")
        ctx["ids"] = submitted(d, 14)

    def run(self, ctx):
        reqs = [{"method": "PATCH", "url": f"/api/collections/outreach_logs/records/{i}", "body": {"status": "approved"}} for i in ctx["ids"]]
        requests.post(BASE_URL + "/api/batch", json={"requests": reqs}, headers=H(ctx["tok"]), timeout=60)

    def check(self, d, ctx):
        ids = ctx["ids"]
        st = q(d, f"SELECT status FROM outreach_logs WHERE id IN ({','.join('?' * len(ids))})", ids)
        s = {r[0] for r in st}
        return [] if len(s) == 1 else [f"bulk approval half-written: {sorted(r[0] for r in st)}"]


class PhotoUpload:
    """A new activity with two photos, then a third photo added, then the draft deleted."""
    name = "photo"

    def prepare(self, d, ctx):
        ctx["tok"] = auth("desa@demo.jangkau.id")
        ctx["id"] = "crash" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))

    def run(self, ctx):
        data = {"id": ctx["id"], "village": "18.01.04.2001", "title": "Sosialisasi migrasi aman", "start_date": "2026-11-10 08:00:00.000Z",
                "type": "sosialisasi", "status": "draft", "photo_consent": "true"}
        with open(PHOTO, "rb") as f:
            b = f.read()
        r = requests.post(BASE_URL + "/api/collections/activities/records", data=data,
                          files=[("photos", ("a.jpg", b, "image/jpeg")), ("photos", ("b.jpg", b[:-1] + b"\xd9", "image/jpeg"))], headers=H(ctx["tok"]), timeout=30)
        if r.status_code != 200:
            ctx["err"] = r.text
            return
        rec = r.json()
        requests.get(f"{BASE_URL}/api/files/activities/{ctx['id']}/{rec['photos'][0]}?thumb=320x320f&token=" +
                     requests.post(BASE_URL + "/api/files/token", headers=H(ctx["tok"]), timeout=10).json()["token"], timeout=30)
        requests.patch(f"{BASE_URL}/api/collections/activities/records/{ctx['id']}", files=[("photos+", ("c.jpg", b + b"\x00", "image/jpeg"))],
                       headers=H(ctx["tok"]), timeout=30)
        requests.patch(f"{BASE_URL}/api/collections/activities/records/{ctx['id']}", json={"photos-": [rec["photos"][0]]}, headers=H(ctx["tok"]), timeout=30)
        requests.delete(f"{BASE_URL}/api/collections/activities/records/{ctx['id']}", headers=H(ctx["tok"]), timeout=30)

    def check(self, d, ctx):
        return []


class Enroll:
    """A verifier enrols a phone, the phone activates, the verifier revokes it."""
    name = "enroll"

    def prepare(self, d, ctx):
        ctx["tok"] = auth("verifikator@demo.jangkau.id")
        ctx["user"] = q(d, "SELECT id FROM users WHERE email='desa@demo.jangkau.id'")[0][0]
        ctx["cid"] = "c" + str(random.randrange(10**9))

    def run(self, ctx):
        r = requests.post(BASE_URL + "/api/devices/enrollments", json={"user": ctx["user"]}, headers=H(ctx["tok"]), timeout=30)
        if r.status_code != 200:
            ctx["err"] = r.text
            return
        code = r.json().get("code")
        r = requests.post(BASE_URL + "/api/devices/activate", json={"code": code, "clientId": ctx["cid"], "name": "HP uji", "platform": "android", "appVersion": "1.0"}, timeout=30)
        if r.status_code != 200:
            ctx["err"] = r.text
            return
        dev = r.json().get("device", {}).get("id") or r.json().get("deviceId")
        requests.post(f"{BASE_URL}/api/devices/{dev}/revoke", json={"wipe": False}, headers=H(ctx["tok"]), timeout=30)

    def check(self, d, ctx):
        p = []
        # an enrollment used has its device; a device enrolled has its used enrollment
        for enr, dev in q(d, "SELECT id, device FROM device_enrollments WHERE used_at != ''"):
            if not q(d, "SELECT 1 FROM devices WHERE id=?", (dev,)):
                p.append(f"enrollment {enr} used by a missing device {dev}")
        for dev, enr in q(d, "SELECT id, enrollment FROM devices WHERE enrolled = 1"):
            if not q(d, "SELECT 1 FROM device_enrollments WHERE id=? AND device=? AND used_at != ''", (enr, dev)):
                p.append(f"device {dev} enrolled without its used enrollment {enr}")
        # an enrolled device has its notice (the owner's)
        for dev, user in q(d, "SELECT id, user FROM devices WHERE enrolled = 1"):
            if not q(d, "SELECT 1 FROM notices WHERE record_id=? AND kind='enrollment'", (dev,)):
                p.append(f"device {dev} enrolled, no enrollment notice")
        return p


class Password:
    """A manager's one-time-password reset, then the user's own change."""
    name = "password"

    def prepare(self, d, ctx):
        ctx["tok"] = auth("verifikator@demo.jangkau.id")
        ctx["user"] = q(d, "SELECT id FROM users WHERE email='desa@demo.jangkau.id'")[0][0]
        ctx["start"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())

    def run(self, ctx):
        r = requests.post(f"{BASE_URL}/api/accounts/{ctx['user']}/reset-password", headers=H(ctx["tok"]), timeout=30)
        if r.status_code != 200:
            ctx["err"] = r.text
            return
        one = r.json()["password"]
        tok = requests.post(BASE_URL + "/api/collections/users/auth-with-password", json={"identity": "desa@demo.jangkau.id", "password": one}, timeout=10).json()
        requests.post(BASE_URL + "/api/accounts/password", json={"oldPassword": one, "password": PW, "passwordConfirm": PW}, headers=H(tok), timeout=30)

    def check(self, d, ctx):
        p = []
        n_changes = q(d, "SELECT COUNT(*) FROM audit_log WHERE target_collection='users' AND record=? AND action='update' AND server_time >= ?", (ctx["user"], ctx["start"]))[0][0]
        n_notices = q(d, "SELECT COUNT(*) FROM notices WHERE user=? AND kind='password' AND created >= ?", (ctx["user"], ctx["start"]))[0][0]
        if n_changes != n_notices:
            p.append(f"{n_changes} password changes in the audit trail, {n_notices} password notices")
        return p


class Vocab:
    """The secretariat relabels a vocabulary entry and adds one."""
    name = "vocab"

    def prepare(self, d, ctx):
        ctx["tok"] = auth("sekretariat@demo.jangkau.id")
        ctx["id"] = q(d, "SELECT id FROM vocabularies ORDER BY id LIMIT 1")[0][0]
        ctx["code"] = "uji_" + str(random.randrange(10**6))

    def run(self, ctx):
        requests.patch(f"{BASE_URL}/api/collections/vocabularies/records/{ctx['id']}", json={"label_en": "Relabelled " + ctx["code"]}, headers=H(ctx["tok"]), timeout=30)
        r = requests.post(f"{BASE_URL}/api/collections/vocabularies/records", json={"kind": "topics", "code": ctx["code"], "label_id": "Uji", "label_en": "Test", "active": True, "order": 990},
                          headers=H(ctx["tok"]), timeout=30)
        if r.status_code != 200:
            ctx["err"] = r.text

    def check(self, d, ctx):
        return []


class Programme:
    """A village programme edited (its history), a RAD indicator edited (its versions)."""
    name = "programme"

    def prepare(self, d, ctx):
        ctx["tok"] = auth(q(d, "SELECT u.email FROM users u JOIN village_programs p ON p.village = u.area WHERE u.role='village_officer' LIMIT 1")[0][0])
        ctx["sek"] = auth("sekretariat@demo.jangkau.id")
        ctx["prog"] = q(d, "SELECT p.id FROM village_programs p JOIN users u ON p.village = u.area WHERE u.email=?", (ctx["tok"]["record"]["email"],))[0][0]
        ctx["rad"] = q(d, "SELECT id FROM rad_indicators LIMIT 1")[0][0]
        ctx["n"] = str(random.randrange(10**6))

    def run(self, ctx):
        for path, body, tok in [(f"village_programs/records/{ctx['prog']}", {"notes": "catatan " + ctx["n"]}, ctx["tok"]),
                                (f"rad_indicators/records/{ctx['rad']}", {"target_note": "uji " + ctx["n"]}, ctx["sek"])]:
            r = requests.patch(f"{BASE_URL}/api/collections/{path}", json=body, headers=H(tok), timeout=30)
            if r.status_code != 200:
                ctx["err"] = r.text

    def check(self, d, ctx):
        p = []
        # every indicator's current definition has its version row
        for rid, upd in q(d, "SELECT id, updated FROM rad_indicators"):
            if not q(d, "SELECT 1 FROM rad_indicator_versions WHERE indicator=?", (rid,)):
                p.append(f"rad indicator {rid} without a version row")
        return p


class Command:
    """A console command killed while it runs."""

    def __init__(self, name, args, check=None):
        self.name, self.args, self._check = name, args, check

    def prepare(self, d, ctx):
        ctx["dir"] = d

    def check(self, d, ctx):
        return self._check(d, ctx) if self._check else []


def restore_check(d, ctx):
    p = []
    if not os.path.exists(os.path.join(d, "data.db")):
        p.append("no data.db in the data directory after the killed restore")
    return p


OPS = {o.name: o for o in [Review(), BulkReview(), PhotoUpload(), Enroll(), Password(), Vocab(), Programme(),
                            Command("rebuild", ["rebuild-reports"]),
                            Command("archive", ["audit", "archive"]),
                            Command("backup", ["backup", "BACKUP"]),
                            Command("restore", ["restore", "BACKUP"], restore_check)]}


# ---------------------------------------------------------------- invariants

def storage_files(d):
    out = set()
    root = os.path.join(d, "storage")
    for dp, _, fs in os.walk(root):
        for f in fs:
            out.add(os.path.relpath(os.path.join(dp, f), root))
    return out


def invariants(d, start):
    p = []
    if q(d, "PRAGMA integrity_check")[0][0] != "ok":
        p.append("integrity_check failed")
    r = subprocess.run([BIN, "audit", "verify", "--dir", d], capture_output=True, text=True)
    if r.returncode != 0:
        p.append("audit verify: " + (r.stdout + r.stderr)[-400:])
    synced = [c for (c,) in q(d, "SELECT DISTINCT collection FROM sync_changes")]
    for c in ["activities", "outreach_logs", "village_programs", "rad_indicators", "vocabularies"]:
        n = q(d, f"SELECT COUNT(*) FROM {c} r WHERE NOT EXISTS (SELECT 1 FROM sync_changes s WHERE s.collection=? AND s.record_id=r.id AND s.deleted=0)", (c,))[0][0]
        if n:
            p.append(f"{n} {c} without a live feed row")
        n = q(d, f"SELECT COUNT(*) FROM sync_changes s WHERE s.collection=? AND s.deleted=0 AND NOT EXISTS (SELECT 1 FROM {c} r WHERE r.id=s.record_id)", (c,))[0][0]
        if n:
            p.append(f"{n} live feed rows of {c} without a record")
    for c in ["activities", "outreach_logs", "village_programs", "rad_indicators", "case_aggregates", "users", "devices"]:
        n = q(d, f"SELECT COUNT(*) FROM {c} r WHERE r.created >= ? AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.target_collection=? AND a.record=r.id)", (start, c))[0][0]
        if n:
            p.append(f"{n} {c} created without an audit entry")
    # statistics = recount
    cp = d + ".recount"
    shutil.rmtree(cp, ignore_errors=True)
    os.makedirs(cp)
    for f in ["data.db", "data.db-wal", "auxiliary.db", "auxiliary.db-wal"]:
        if os.path.exists(os.path.join(d, f)):
            shutil.copy(os.path.join(d, f), cp)
    subprocess.run([BIN, "rebuild-reports", "--dir", cp], capture_output=True, check=True)
    for t in ["report_stats_activities", "report_stats_outreach"]:
        a = q(d, f"SELECT * FROM {t} ORDER BY 1,2,3,4,5,6")
        b = q(cp, f"SELECT * FROM {t} ORDER BY 1,2,3,4,5,6")
        if a != b:
            p.append(f"{t} differs from a recount ({len(a)} vs {len(b)} rows)")
    shutil.rmtree(cp, ignore_errors=True)
    # files and rows
    files = storage_files(d)
    named = set()
    for cid, cname in q(d, "SELECT id, name FROM _collections WHERE fields LIKE '%\"type\":\"file\"%'"):
        fields = [f["name"] for f in json.loads(q(d, "SELECT fields FROM _collections WHERE id=?", (cid,))[0][0]) if f["type"] == "file"]
        for row in q(d, f"SELECT id, {', '.join(fields)} FROM {cname}"):
            for v in row[1:]:
                names = json.loads(v) if v and v.startswith("[") else ([v] if v else [])
                for n in names:
                    named.add(f"{cid}/{row[0]}/{n}")
    kept = {f for f in files if f in named or f.removesuffix(".attrs") in files - {f} or any(f.startswith(x.rsplit('/', 1)[0] + "/thumbs_" + x.rsplit('/', 1)[1] + "/") for x in named)}
    orphans = sorted(f for f in files - kept if not f.startswith("audit"))
    if orphans:
        p.append(f"{len(orphans)} stored files without a row: {orphans[:3]}")
    missing = sorted(named - files)
    if missing:
        p.append(f"{len(missing)} files named by rows but missing: {missing[:3]}")
    # review decisions and their notices
    for c in ["activities", "outreach_logs"]:
        n = q(d, f"SELECT COUNT(*) FROM {c} r WHERE r.reviewed_at >= ? AND r.status IN ('approved','returned') AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.record_id=r.id)", (start,))[0][0]
        if n:
            p.append(f"{n} {c} decided without a notice")
    return p


def one(op, base, work, delay_max):
    d = os.path.join(work, "pb_data")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(base, d)
    s = Server(d)
    try:
        return _one(op, s, d, work, delay_max)
    finally:
        s.kill()


def _one(op, s, d, work, delay_max):
    s.start()
    ctx = {}
    LOG.clear()
    start = q(d, "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")[0][0] + "Z"
    op.prepare(d, ctx)
    delay = random.uniform(0, max(delay_max, 0))
    if isinstance(op, Command):
        s.stop()
        if op.name == "restore":
            subprocess.run([BIN, "backup", os.path.join(work, "b.zip"), "--dir", d], capture_output=True, check=True)
        args = [a.replace("BACKUP", os.path.join(work, "b.zip")) for a in op.args]
        env = dict(os.environ, JANGKAU_AUDIT_ARCHIVE_DAYS="1")
        p = subprocess.Popen([BIN] + args + ["--dir", d], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
        ctx["rc"] = p.returncode
        if op.name == "restore":
            ctx["probs"] = restore_check(d, ctx)  # before a start could make an empty one
        s.start()
    else:
        t = threading.Thread(target=lambda: _safe(op.run, ctx))
        t.start()
        if delay_max < 0:
            t.join()  # --delay -1: no kill while the operation runs (a dry run of the operation and the checks)
            delay = 0
        else:
            time.sleep(delay)
        s.kill()
        t.join()
        s.start()
    s.stop()
    probs = ctx.get("probs", []) + invariants(d, start) + op.check(d, ctx)
    # what a killed backup or restore left beside the data or the zip, after the restart's sweep
    left = [f for f in os.listdir(work) if f.startswith(".jangkau-") or f.endswith(".partial")]
    if left:
        probs.append(f"left in {work}: {left}")
    ctx["log"] = list(LOG)
    return delay, probs, ctx


def _safe(f, ctx):
    try:
        f(ctx)
    except Exception as e:
        ctx["exc"] = repr(e)[:200]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="/tmp/crash/base")
    ap.add_argument("--work", default="/tmp/crash/run")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("ops", nargs="*")
    a = ap.parse_args()
    bad = 0
    for name in a.ops or list(OPS):
        op = OPS[name]
        for i in range(a.runs):
            delay, probs, ctx = one(op, a.base, a.work, a.delay)
            status = "OK " if not probs else "BAD"
            bad += bool(probs)
            print(f"{status} {name:10s} run {i:2d} killed after {delay*1000:6.0f} ms  {ctx.get('err', '')[:120]} {ctx.get('exc', '')[:80]} rc={ctx.get('rc', '')}")
            if a.verbose:
                print("     ", "; ".join(ctx["log"]))
            for pr in probs:
                print("     -", pr)
            sys.stdout.flush()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
