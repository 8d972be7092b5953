package readcache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// modelSeeds is how many random runs TestCache_model makes, each a subtest of its own.
const modelSeeds = 300

// The model test: random runs of Reads (of objects present, absent, changed outside the process),
// writes (a join or role change recorded, a leave forgotten, a link created, updated or deleted, a
// membership replaced: a leave, its creation guard's read, a join),
// cancelled Reads and failed page fetches, against a fake API with a random latency per request,
// under synctest's clock. Two kinds of listing run side by side: numbered pages (sub-organizations)
// and pages linked by a token (invite links), each of two organizations, one of which Reads and
// writes also name by its shorthand c. After each run:
//
//   - every Read returned (synctest fails a run whose goroutines are all blocked);
//   - no Read that began after this process's last write of its object returned an older copy;
//   - per listing, requests <= Reads + 1;
//   - a lone Read (no other Read of its listing under way at any moment of it) made no page
//     request, at most one GET, and took exactly that GET's time: it never waited.
func TestCache_model(t *testing.T) {
	for seed := range uint64(modelSeeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) { newModelRun(seed).run(t) })
		})
	}
}

// modelKind is one kind of object in a model run: its fake API and its cache.
type modelKind struct {
	name  string
	api   *fakeAPI
	cache *Cache[obj]
	// deletable objects can be deleted (links); the others only change (sub-organizations).
	deletable bool
	// locks serialize the writes of one object, as one resource writes it: by object ID, each a
	// channel of one slot, since synctest's clock stands still while a goroutine waits on a mutex.
	locks sync.Map
}

// modelRun is one seed's run.
type modelRun struct {
	seed  uint64
	kinds []*modelKind
	orgs  []string // as written: the shorthand c names the first

	events atomic.Int64 // orders the starts and ends of Reads and the ends of writes

	mu     sync.Mutex
	reads  []*modelRead
	writes map[string][]modelWrite // by kind, resolved organization and object ID
}

// modelRead is one Read (or Latest) and what it returned.
type modelRead struct {
	n          int
	latest     bool
	kind       *modelKind
	org, id    string // org resolved
	start, end int64
	elapsed    time.Duration
	got        obj
	err        error
}

// modelWrite is one write of this process, once recorded in the cache.
type modelWrite struct {
	done    int64
	version int
	present bool
}

const modelOrgA, modelOrgB = "org_a", "org_b"

func newModelRun(seed uint64) *modelRun {
	rng := rand.New(rand.NewPCG(seed, 18))
	r := &modelRun{seed: seed, orgs: []string{"c", modelOrgA, modelOrgB}, writes: map[string][]modelWrite{}}
	batch := rng.IntN(10) > 0
	failPage := []float64{0, 0, 0.1, 0.4}[rng.IntN(4)]
	for _, k := range []struct {
		name      string
		numbered  bool
		pageSize  int
		deletable bool
	}{{"sub-organizations", true, 10, false}, {"links", false, 25, true}} {
		api := newFakeAPI(k.numbered, k.pageSize, 0)
		api.aliases["c"] = modelOrgA
		api.rng = rand.New(rand.NewPCG(seed, 19))
		api.latency = func(rng *rand.Rand) time.Duration { return time.Duration(1+rng.IntN(8)) * 5 * time.Millisecond }
		api.failPage = failPage
		api.addObjects(modelOrgA, rng.IntN(300))
		api.addObjects(modelOrgB, rng.IntN(60))
		r.kinds = append(r.kinds, &modelKind{name: k.name, api: api, cache: New(api.source(), batch, time.Minute), deletable: k.deletable})
	}
	return r
}

func (r *modelRun) run(t *testing.T) {
	rng := rand.New(rand.NewPCG(r.seed, 20))
	workers := 1 + rng.IntN(16)
	var wg sync.WaitGroup
	for w := range workers {
		ops := 1 + rng.IntN(40)
		wg.Go(func() {
			wrng := rand.New(rand.NewPCG(r.seed, uint64(100+w)))
			for range ops {
				r.step(t, wrng)
			}
		})
	}
	wg.Wait()
	// A page fetch outlives the cancelled Reads that started it: let it land before the bubble ends.
	time.Sleep(time.Second)
	r.check(t)
}

// step is one random operation of a worker.
func (r *modelRun) step(t *testing.T, rng *rand.Rand) {
	k := r.kinds[rng.IntN(len(r.kinds))]
	org := r.orgs[rng.IntN(len(r.orgs))]
	switch p := rng.IntN(100); {
	case p < 55:
		r.read(t, k, org, r.pickID(k, org, rng), rng.IntN(3) == 0, rng)
	case p < 65:
		// Changed outside the process: another admin, another run of Terraform.
		if id := r.pickExisting(k, org, rng); id != "" {
			k.api.change(org, id, !k.deletable || rng.IntN(3) > 0)
		}
	case p < 85:
		r.write(t, k, org, rng)
	default:
		time.Sleep(time.Duration(rng.IntN(12)) * 5 * time.Millisecond)
	}
}

// pickID is an object to read: mostly one the organization holds or held, else one that never was.
func (r *modelRun) pickID(k *modelKind, org string, rng *rand.Rand) string {
	if rng.IntN(10) == 0 {
		return fmt.Sprintf("never_%d", rng.IntN(5))
	}
	if id := r.pickExisting(k, org, rng); id != "" {
		return id
	}
	return "never_0"
}

// pickExisting is an object the organization holds or held, "" when it never held one.
func (r *modelRun) pickExisting(k *modelKind, org string, rng *rand.Rand) string {
	k.api.mu.Lock()
	defer k.api.mu.Unlock()
	o := k.api.org(org)
	if len(o.objects) == 0 {
		return ""
	}
	ids := make([]string, 0, len(o.objects))
	for id := range o.objects {
		ids = append(ids, id)
	}
	// Map order is random; sorting would cost more than it is worth, but the pick must follow the
	// seed: take the smallest of a few random candidates by ID.
	best := ""
	for range 3 {
		if id := ids[rng.IntN(len(ids))]; best == "" || id < best {
			best = id
		}
	}
	return best
}

// read is one Read (a refresh) or, with latest, one Latest (a check or a guard), maybe with a
// context cancelled part-way.
func (r *modelRun) read(t *testing.T, k *modelKind, org, id string, latest bool, rng *rand.Rand) {
	r.mu.Lock()
	rd := &modelRead{n: len(r.reads), kind: k, org: k.api.resolvedName(org), id: id, latest: latest}
	r.reads = append(r.reads, rd)
	r.mu.Unlock()
	ctx := context.WithValue(t.Context(), readKey{}, rd.n)
	if rng.IntN(7) == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(rng.IntN(10))*5*time.Millisecond)
		defer cancel()
	}
	rd.start = r.events.Add(1)
	began := time.Now()
	read := k.cache.Read
	if rd.latest {
		read = k.cache.Latest
	}
	rd.got, rd.err = read(ctx, org, id)
	rd.elapsed = time.Since(began)
	rd.end = r.events.Add(1)
}

// write is one write of this process through the fake API, then recorded in the cache, as the
// resources do.
func (r *modelRun) write(t *testing.T, k *modelKind, org string, rng *rand.Rand) {
	if k.deletable && rng.IntN(3) == 0 {
		created := k.api.create(org)
		k.cache.Record(t.Context(), org, created)
		r.wrote(k, org, created.ID, created.Version, true)
		return
	}
	id := r.pickExisting(k, org, rng)
	if id == "" {
		return
	}
	lock, _ := k.locks.LoadOrStore(id, make(chan struct{}, 1))
	lock.(chan struct{}) <- struct{}{}
	defer func() { <-lock.(chan struct{}) }()
	switch rng.IntN(3) {
	case 0: // a join or role change, a link update: the API answers the object
		if k.deletable && !k.api.present(org, id) {
			return // a link deleted meanwhile cannot be updated
		}
		r.record(t, k, org, id)
	case 1: // a leave, a link deletion: nothing to keep
		r.forget(t, k, org, id)
	default: // a membership's replacement: a leave, the creation guard's read, a join
		if k.deletable {
			return
		}
		r.forget(t, k, org, id)
		r.read(t, k, org, id, true, rng)
		r.record(t, k, org, id)
	}
}

// record changes object id as a write of this process that the API answers, and records it.
func (r *modelRun) record(t *testing.T, k *modelKind, org, id string) {
	version := k.api.change(org, id, true)
	k.cache.Record(t.Context(), org, obj{ID: id, Version: version})
	r.wrote(k, org, id, version, true)
}

// forget changes object id as a write of this process that answers nothing to keep (a leave keeps
// a sub-organization, a deletion removes a link), and forgets it.
func (r *modelRun) forget(t *testing.T, k *modelKind, org, id string) {
	present := !k.deletable
	version := k.api.change(org, id, present)
	k.cache.Forget(t.Context(), org, id)
	r.wrote(k, org, id, version, present)
}

func (r *modelRun) wrote(k *modelKind, org, id string, version int, present bool) {
	done := r.events.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	key := objectKey(k, k.api.resolvedName(org), id)
	r.writes[key] = append(r.writes[key], modelWrite{done: done, version: version, present: present})
}

func objectKey(k *modelKind, org, id string) string { return k.name + "/" + org + "/" + id }

func (r *modelRun) check(t *testing.T) {
	type listingKey struct {
		kind *modelKind
		org  string
	}
	byListing := map[listingKey][]*modelRead{}
	for _, rd := range r.reads {
		if rd.end == 0 {
			t.Fatalf("read %d of %s never returned", rd.n, rd.id)
		}
		if rd.err != nil && !errors.Is(rd.err, errNotFound) && !errors.Is(rd.err, context.DeadlineExceeded) {
			t.Errorf("read %d of %s: unexpected error %v", rd.n, rd.id, rd.err)
		}
		r.checkNotOlderThanWrites(t, rd)
		byListing[listingKey{rd.kind, rd.org}] = append(byListing[listingKey{rd.kind, rd.org}], rd)
	}
	for key, reads := range byListing {
		requests, counted := key.kind.api.requestsOf(key.org), 0
		if l := key.kind.cache.listings[key.org]; l != nil {
			counted = l.reads
		}
		if requests > counted+1 || counted > len(reads) {
			t.Errorf("%s of %s: %d requests for %d Reads counted (%d made); want at most one more than the Reads",
				key.kind.name, key.org, requests, counted, len(reads))
		}
		for _, rd := range reads {
			if rd.err == nil || errors.Is(rd.err, errNotFound) {
				r.checkLone(t, rd, reads)
			}
		}
	}
}

// checkNotOlderThanWrites fails when rd began after a write of its object by this process and
// returned a copy older than that write: an older version, or a 404 where the object has been
// there ever since.
func (r *modelRun) checkNotOlderThanWrites(t *testing.T, rd *modelRead) {
	var last *modelWrite
	for i, w := range r.writes[objectKey(rd.kind, rd.org, rd.id)] {
		if w.done < rd.start && (last == nil || w.done > last.done) {
			last = &r.writes[objectKey(rd.kind, rd.org, rd.id)][i]
		}
	}
	switch {
	case last == nil:
	case rd.err == nil && rd.got.Version < last.version:
		t.Errorf("read %d of %s returned version %d, older than this process's write of version %d before it",
			rd.n, rd.id, rd.got.Version, last.version)
	case errors.Is(rd.err, errNotFound) && !rd.kind.api.absentSince(rd.org, rd.id, last.version):
		t.Errorf("read %d of %s returned a 404, but the object has been there since this process wrote version %d",
			rd.n, rd.id, last.version)
	}
}

// checkLone fails when rd had its listing to itself and still requested a page, made more than
// one GET, or took longer than its GET.
func (r *modelRun) checkLone(t *testing.T, rd *modelRead, listing []*modelRead) {
	for _, other := range listing {
		if other != rd && other.start < rd.end && rd.start < other.end {
			return // company
		}
	}
	made := rd.kind.api.madeFor(rd.n)
	if made.pages > 0 || made.gets > 1 || rd.elapsed != made.getTime {
		t.Errorf("lone read %d of %s: %d pages, %d GETs, took %s for %s of GETs; want no page, at most one GET and no wait",
			rd.n, rd.id, made.pages, made.gets, rd.elapsed, made.getTime)
	}
}
