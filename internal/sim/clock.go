package sim

import (
	"sync"
	"time"
)

// Clock is simulated time (a concord.Clock). The simulator sets it at each
// step, before it acts, so that every write the mechanism accepts during the
// step is stamped with the step's simulated time, and the mechanism's
// deadlines (alert escalation, requests for information) run on simulated
// time too. It never moves by itself.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

// StepFor is the simulator's step at a speed (simulated seconds per wall
// second): 4 s of simulated time, or a tenth of a wall second's worth when
// that is longer, so that faster runs send proportionally fewer, not more,
// requests per wall second (at 120× a step is 12 s). Each aircraft reports
// once per step.
func StepFor(speed float64) time.Duration {
	step := time.Duration(speed * float64(100*time.Millisecond)).Round(time.Second)
	return max(step, 4*time.Second)
}
