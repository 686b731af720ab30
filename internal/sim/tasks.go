package sim

import (
	"context"
	"slices"
	"time"
)

// task is something an actor will do at a simulated time. Key orders tasks
// due at the same time, so that a step's requests go out in the same order
// in every run: it names the actor and what the task is about in stable
// terms (never a server-assigned ID, which is random).
type task struct {
	At  time.Time
	Key string
	Do  func(ctx context.Context, now time.Time) error
}

// agenda holds the tasks not yet done.
type agenda struct{ tasks []task }

func (a *agenda) add(at time.Time, key string, do func(ctx context.Context, now time.Time) error) {
	a.tasks = append(a.tasks, task{at, key, do})
}

// due removes and returns the tasks due at now, in order of time, then key.
func (a *agenda) due(now time.Time) []task {
	var out, rest []task
	for _, t := range a.tasks {
		if t.At.After(now) {
			rest = append(rest, t)
		} else {
			out = append(out, t)
		}
	}
	a.tasks = rest
	slices.SortStableFunc(out, func(x, y task) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return cmpStrings(x.Key, y.Key)
	})
	return out
}
