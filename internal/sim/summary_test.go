package sim

import (
	"testing"
	"time"

	"concord/internal/mechanism"
)

// TestCountAlert: an alert is answered when every involved party
// acknowledged it or it was escalated; one still open past its deadline, or
// raised long enough before the end for every acknowledgement to be in, is
// unanswered; the rest are awaiting.
func TestCountAlert(t *testing.T) {
	end := day.Add(2 * time.Hour)
	at := func(d time.Duration) *time.Time { t := end.Add(d); return &t }
	alert := func(created time.Duration, acks int, escalated bool, ended *time.Time) *mechanism.Alert {
		al := &mechanism.Alert{Kind: mechanism.AlertSeparation, Parties: []string{"A", "B"}, CreatedAt: *at(created),
			Deadline: *at(created + time.Minute), EndedAt: ended, Acks: map[string]time.Time{}}
		for i := 0; i < acks; i++ {
			al.Acks[al.Parties[i]] = *at(created + time.Duration(i+1)*10*time.Second)
		}
		if escalated {
			al.EscalatedAt = &al.Deadline
		}
		return al
	}
	for _, c := range []struct {
		name                        string
		al                          *mechanism.Alert
		full, esc, unanswered, wait int
	}{
		{"acknowledged by both", alert(-time.Hour, 2, false, nil), 1, 0, 0, 0},
		{"escalated, one acknowledgement", alert(-time.Hour, 1, true, nil), 0, 1, 0, 0},
		{"open past its deadline", alert(-time.Hour, 1, false, nil), 0, 0, 1, 0},
		{"ended in time, long ago, unacknowledged", alert(-time.Hour, 0, false, at(-time.Hour+30*time.Second)), 0, 0, 1, 0},
		{"ended in time, just before the end", alert(-5*time.Minute, 0, false, at(-5*time.Minute+30*time.Second)), 0, 0, 0, 1},
		{"within its deadline at the end", alert(-30*time.Second, 1, false, nil), 0, 0, 0, 1},
		{"ended after its deadline", alert(-5*time.Minute, 0, false, at(-2*time.Minute)), 0, 0, 1, 0},
	} {
		var sum Summary
		sum.Alerts = map[string]int{}
		sum.countAlert(c.al, end)
		if sum.FullyAcked != c.full || sum.Escalated != c.esc || sum.Unanswered != c.unanswered || sum.AwaitingAtEnd != c.wait {
			t.Errorf("%s: full %d, escalated %d, unanswered %d, awaiting %d; want %d, %d, %d, %d", c.name,
				sum.FullyAcked, sum.Escalated, sum.Unanswered, sum.AwaitingAtEnd, c.full, c.esc, c.unanswered, c.wait)
		}
	}
}
