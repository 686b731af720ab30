package api

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"concord"
)

// Admission bounds the work a node takes on. Writes are admitted to at most
// InFlight concurrent transactions with at most Queue more waiting; past
// that a write is refused at once with 429 and Retry-After (tessera's
// ErrPushback), before anything is applied — so an accepted write, which is
// durable before it is answered, is never dropped. Each token is also held
// to Rate requests per second with bursts of Burst (buckets are kept by the
// token's hash, never the token).
type Admission struct {
	InFlight int     // concurrent writes (default 32)
	Queue    int     // writes waiting for a slot (default 256)
	Rate     float64 // requests per second per token (0: unlimited)
	Burst    int     // bucket size (default 2 × Rate)
}

type admission struct {
	cfg     Admission
	slots   chan struct{}
	waiting atomic.Int64
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newAdmission(c Admission) *admission {
	if c.InFlight <= 0 {
		c.InFlight = 32
	}
	if c.Queue <= 0 {
		c.Queue = 256
	}
	if c.Burst <= 0 {
		c.Burst = int(math.Ceil(2 * c.Rate))
	}
	return &admission{cfg: c, slots: make(chan struct{}, c.InFlight), buckets: map[string]*bucket{}, now: time.Now}
}

// overloadError is a refused request (EOVERLOAD) and when to retry it.
type overloadError struct {
	err     *concord.Error
	seconds int
}

func (e *overloadError) Error() string   { return e.err.Error() }
func (e *overloadError) Unwrap() error   { return e.err }
func (e *overloadError) RetryAfter() int { return e.seconds }

func overload(msg string, retryAfter int) error {
	return &overloadError{err: &concord.Error{Code: concord.EOVERLOAD, Message: msg}, seconds: max(retryAfter, 1)}
}

// allow takes one request from the bucket of the token whose hash is key.
func (a *admission) allow(key string) error {
	if a.cfg.Rate <= 0 {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	b, ok := a.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(a.cfg.Burst), at: now}
		a.buckets[key] = b
	}
	b.tokens = math.Min(float64(a.cfg.Burst), b.tokens+now.Sub(b.at).Seconds()*a.cfg.Rate)
	b.at = now
	if b.tokens < 1 {
		wait := (1 - b.tokens) / a.cfg.Rate
		return overload("rate limit: at most "+strconv.FormatFloat(a.cfg.Rate, 'g', -1, 64)+" requests per second per token", int(math.Ceil(wait)))
	}
	b.tokens--
	return nil
}

// acquire admits a write, or refuses it when the queue is full.
func (a *admission) acquire() (release func(), err error) {
	select {
	case a.slots <- struct{}{}:
		return a.release, nil
	default:
	}
	if a.waiting.Add(1) > int64(a.cfg.Queue) {
		a.waiting.Add(-1)
		return nil, overload("the server is at capacity; retry shortly", 1)
	}
	a.slots <- struct{}{}
	a.waiting.Add(-1)
	return a.release, nil
}

func (a *admission) release() { <-a.slots }
