// Package dbconn opens Jangkau's SQLite connections for PocketBase (its
// DBConnect setting): as PocketBase's own, except that transactions on the
// write pool begin IMMEDIATE and its page cache is smaller (WriteCacheKiB).
//
// Why: PocketBase keeps two pools per database, a read pool and a write
// pool of one connection (NonconcurrentDB), where every transaction runs.
// A transaction that begins DEFERRED and reads before it writes holds a
// read snapshot; when another process (Litestream, which keeps its
// bookkeeping in the database, or a `jangkau` command) has written
// meanwhile, SQLite cannot upgrade that snapshot to a write and answers
// SQLITE_BUSY at once, without waiting out the busy timeout: under
// Litestream about one push in ten failed with a 500. A transaction that
// begins IMMEDIATE takes the write lock first, waiting for it under the
// busy timeout, so it never has to upgrade. Within this process the write
// pool has one connection, so IMMEDIATE costs nothing there. The read pool
// keeps DEFERRED: its transactions must not take the write lock.
package dbconn

import (
	"strconv"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Pragmas is the connection string PocketBase v0.40's DefaultDBConnect
// appends to a database path (core/db_connect.go): the write pool must
// open like the read pool apart from its transactions' lock.
// TestSameConnectionsAsPocketBase compares the two after an upgrade.
const Pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
	"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_defensive=1"

// immediate makes modernc.org/sqlite begin read-write transactions with
// BEGIN IMMEDIATE (read-only ones stay deferred).
const immediate = "&_txlock=immediate"

// WriteCacheKiB is the page cache of the write pool's one connection (KiB).
// PocketBase gives every connection 32 MB: the writer, which touches every
// page a burst of pushes writes (records, their indexes, the feed, the
// audit chain, the statistics), filled all of it, a fifth of the server's
// peak memory when 500 phones push at once (make bench: peak 154-157 MB
// with 32 MB, 123-126 with 4-8 MB; CPU per record unchanged). 8 MB keeps
// the interior pages of every index of a million-record store and a
// 500-record push's changed pages (a transaction's dirty pages above the
// cache spill to the WAL early); reads are served by the read pool.
const WriteCacheKiB = 8000

// writePragmas is Pragmas with the write pool's page cache.
var writePragmas = strings.Replace(Pragmas, "cache_size(-32000)", "cache_size(-"+strconv.Itoa(WriteCacheKiB)+")", 1)

// Connect returns a DBConnect function for one app (core.BaseAppConfig,
// pocketbase.Config). PocketBase opens each database twice, the read pool
// first and then the write pool (BaseApp.initDataDB and initAuxDB): the
// second opening of a path, and every second one after a reload, is the
// write pool. TestWritePoolBeginsImmediate fails if PocketBase changes
// that order.
func Connect() core.DBConnectFunc {
	var mu sync.Mutex
	opened := map[string]int{}
	return func(path string) (*dbx.DB, error) {
		mu.Lock()
		opened[path]++
		writePool := opened[path]%2 == 0
		mu.Unlock()
		if !writePool {
			return core.DefaultDBConnect(path)
		}
		return dbx.Open("sqlite", path+writePragmas+immediate)
	}
}
