package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"concord/internal/access"
	"concord/internal/ceasefire"
	"concord/internal/mechanism"
)

// Stats are what the simulator counts of its own requests.
type Stats struct {
	aircraft           map[string]bool // party/callsign that reported
	TrackReports       int
	Plans              int
	PlansWithConflicts int
	Notices            int // operation notices accepted
	NoticesRefused     int // refused at first, for want of acknowledgements
	Reports            map[string]int
	Errors             int      // unexpected answers
	Guarded            []string // features the server lacks
}

func newStats() Stats { return Stats{aircraft: map[string]bool{}, Reports: map[string]int{}} }

// Summary is what a run did, as the journal records it (through the
// follower) and as the simulator counted its requests. It depends on the
// seed, start, duration and speed only: never on how fast the run went.
type Summary struct {
	Seed     uint64
	Start    time.Time
	Duration time.Duration
	Speed    float64
	Step     time.Duration

	Aircraft           map[string]int // by party
	TrackReports       int
	Plans              int
	PlansWithConflicts int
	Notices            int
	NoticesRefused     int

	Alerts        map[string]int // by kind
	Acks          int            // acknowledgements recorded
	FullyAcked    int            // alerts every involved party acknowledged
	AckedLate     int            // of those, some acknowledgement after the deadline
	Escalated     int            // alerts escalated to the coordinator
	Unanswered    int            // neither acknowledged by all nor escalated, though open past the deadline or raised over reactTime before the end
	AwaitingAtEnd int            // not yet acknowledged by all at the end, but raised within reactTime of it and not open past the deadline
	Movements     int
	Reached       map[string]int // movements that were ever in each state
	Now           map[string]int // movements by state at the end
	Incidents     map[string]int // current incidents by state
	RFIs          int
	RFIsAnswered  int
	RFIsLate      int
	Reports       map[string]int // by author
	Journal       int64          // leaves
	JournalKinds  map[string]int // leaves by kind
	Errors        int
	Guarded       []string
}

// Summary summarises the run so far (call after Run).
func (s *Sim) Summary() Summary {
	sum := Summary{Seed: s.o.Seed, Start: s.o.Start, Duration: s.o.Duration, Speed: s.o.Speed, Step: s.step,
		Aircraft: map[string]int{}, TrackReports: s.stats.TrackReports, Plans: s.stats.Plans,
		PlansWithConflicts: s.stats.PlansWithConflicts, Notices: s.stats.Notices, NoticesRefused: s.stats.NoticesRefused,
		Alerts: map[string]int{}, Reached: map[string]int{}, Now: map[string]int{}, Incidents: map[string]int{},
		Reports: s.stats.Reports, Journal: s.f.next, JournalKinds: s.f.kinds, Errors: s.stats.Errors,
		Guarded: slices.Clone(s.stats.Guarded)}
	for k := range s.stats.aircraft {
		party, _, _ := strings.Cut(k, "/")
		sum.Aircraft[party]++
	}
	end := s.o.Start.Add(s.o.Duration)
	for _, id := range sortedKeys(s.f.alerts) {
		sum.countAlert(s.f.alerts[id], end)
	}
	for _, id := range sortedKeys(s.f.movements) {
		sum.Movements++
		sum.Now[string(s.f.movements[id].State)]++
		for st := range s.f.reached[id] {
			sum.Reached[string(st)]++
		}
	}
	for _, id := range sortedKeys(s.f.incidents) {
		if d := s.f.incidents[id]; d.Status != mechanism.IncidentMerged {
			sum.Incidents[string(d.State)]++
		}
	}
	for _, id := range sortedKeys(s.f.rfis) {
		q := s.f.rfis[id]
		sum.RFIs++
		if q.Response != nil {
			sum.RFIsAnswered++
		}
		if q.Late {
			sum.RFIsLate++
		}
	}
	return sum
}

// reactTime bounds how long any actor takes to acknowledge an alert
// (ackDelay), with a margin: an alert raised earlier than this before the
// end of a run has had every acknowledgement it will get.
const reactTime = 15 * time.Minute

func (sum *Summary) countAlert(al *mechanism.Alert, end time.Time) {
	sum.Alerts[al.Kind]++
	sum.Acks += len(al.Acks)
	late := false
	for _, at := range al.Acks {
		late = late || at.After(al.Deadline)
	}
	full := len(al.Acks) == len(al.Parties)
	escalated := al.EscalatedAt != nil
	openPastDeadline := !al.Deadline.After(end) && (al.EndedAt == nil || al.EndedAt.After(al.Deadline))
	switch {
	case full:
		sum.FullyAcked++
		if late {
			sum.AckedLate++
		}
	case escalated:
	case openPastDeadline || !al.CreatedAt.After(end.Add(-reactTime)):
		sum.Unanswered++
	default:
		sum.AwaitingAtEnd++
	}
	if escalated {
		sum.Escalated++
	}
}

// String is the summary on one screen.
func (sum Summary) String() string {
	var b strings.Builder
	w := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-11s %s\n", label, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(&b, "concord demo: %s to %s UTC simulated (%s), seed %d, %g× real time (%s steps)\n",
		sum.Start.Format("2006-01-02 15:04"), sum.Start.Add(sum.Duration).Format("2006-01-02 15:04"), sum.Duration, sum.Seed, sum.Speed, sum.Step)
	w("aircraft", "%d flown (%s); %d track reports; %d flight plans filed, %d with conflicts reported",
		total(sum.Aircraft), counts(sum.Aircraft, []string{"A", "B", "C"}), sum.TrackReports, sum.Plans, sum.PlansWithConflicts)
	w("alerts", "%d: %s", total(sum.Alerts), counts(sum.Alerts, []string{mechanism.AlertSeparation, mechanism.AlertNoFly,
		mechanism.AlertProtection, mechanism.AlertMovement, mechanism.AlertEscalation}))
	w("", "%d acknowledgements; %d alerts acknowledged by every party (%d late), %d escalated, %d unanswered, %d awaiting at the end",
		sum.Acks, sum.FullyAcked, sum.AckedLate, sum.Escalated, sum.Unanswered, sum.AwaitingAtEnd)
	w("operations", "%d notices accepted, %d of them refused first until the party acknowledged what they overlap", sum.Notices, sum.NoticesRefused)
	w("movements", "%d; reached: %s", sum.Movements, counts(sum.Reached, stateNames(access.States)))
	w("", "now: %s", counts(sum.Now, stateNames(access.States)))
	w("incidents", "%d: %s; %d requests for information, %d answered (%d late)", total(sum.Incidents),
		counts(sum.Incidents, stateNames(ceasefire.States)), sum.RFIs, sum.RFIsAnswered, sum.RFIsLate)
	w("reports", "%d: %s", total(sum.Reports), counts(sum.Reports, []string{"O", "H", "A", "B", "C"}))
	w("journal", "%d leaves", sum.Journal)
	if len(sum.Guarded) > 0 {
		w("left out", "not on this server: %s", strings.Join(sum.Guarded, ", "))
	}
	if sum.Errors > 0 {
		w("errors", "%d unexpected answers (see the log)", sum.Errors)
	}
	return b.String()
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// counts lists m's counts in the order of names, then any others sorted.
func counts(m map[string]int, names []string) string {
	var parts []string
	for _, k := range names {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(names, k) && m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func stateNames[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
