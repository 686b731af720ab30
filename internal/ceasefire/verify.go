package ceasefire

import (
	"cmp"
	"slices"
	"time"

	"concord"
)

// State is the verification state of an incident (SPEC §2).
type State string

// The states of SPEC §2.
const (
	Reported     State = "reported"     // one reporter, one source
	Corroborated State = "corroborated" // two or more independent reporters or sources
	Verified     State = "verified"     // an observer found that it happened as alleged
	Disputed     State = "disputed"     // an observer found the evidence in conflict
	Rejected     State = "rejected"     // an observer found that it did not happen as alleged
)

// States lists every state in the order of the procedure.
var States = []State{Reported, Corroborated, Verified, Disputed, Rejected}

// Event moves an incident between states.
type Event string

// Events: Corroborate is the system's, when a second independent reporter or
// source joins; the others are an observer's verdicts.
const (
	Corroborate Event = "corroborate"
	Verify      Event = "verify"
	Dispute     Event = "dispute"
	Reject      Event = "reject"
)

// Events lists every event.
var Events = []Event{Corroborate, Verify, Dispute, Reject}

// transitions is the table of legal moves. Decisions:
//   - verify needs corroboration: one uncorroborated report is never verified;
//   - dispute and reject are open from reported too, since a lone report can be
//     shown false;
//   - a verdict can be revised by a different verdict (new evidence, an RFI
//     answered late); the journal keeps every verdict. Repeating the current
//     verdict is a conflict, as is corroborating after a verdict.
var transitions = map[State]map[Event]State{
	Reported:     {Corroborate: Corroborated, Dispute: Disputed, Reject: Rejected},
	Corroborated: {Verify: Verified, Dispute: Disputed, Reject: Rejected},
	Verified:     {Dispute: Disputed, Reject: Rejected},
	Disputed:     {Verify: Verified, Reject: Rejected},
	Rejected:     {Verify: Verified, Dispute: Disputed},
}

// Transition returns the state event moves s to. Unknown states or events are
// EINVALID; a known event that is not legal from s is ECONFLICT.
func Transition(s State, e Event) (State, error) {
	moves, ok := transitions[s]
	if !ok {
		return s, concord.Invalid("state", "unknown state %q", s)
	}
	if !slices.Contains(Events, e) {
		return s, concord.Invalid("event", "unknown event %q", e)
	}
	next, ok := moves[e]
	if !ok {
		return s, concord.Errorf(concord.ECONFLICT, "cannot %s an incident that is %s", e, s)
	}
	return next, nil
}

// Verdict reports whether e is an observer's verdict rather than the system's.
func (e Event) Verdict() bool { return e == Verify || e == Dispute || e == Reject }

// RFI is a request for information about an incident, sent by an observer to
// the party alleged to be responsible, which should answer by Deadline.
type RFI struct {
	ID       string     `json:"id"`
	Incident IncidentID `json:"incident"`
	Party    string     `json:"party"`
	Question string     `json:"question"`
	SentAt   time.Time  `json:"sent_at"`
	Deadline time.Time  `json:"deadline"`
	Response *Response  `json:"response,omitempty"`
}

// Response is a party's answer to an RFI. Accepts, when given, says whether the
// party accepts the allegation.
type Response struct {
	Text    string    `json:"text"`
	Accepts *bool     `json:"accepts,omitempty"`
	At      time.Time `json:"at"`
}

// Bounds on requests for information.
const (
	MaxQuestion    = 5_000  // characters
	MaxResponse    = 10_000 // characters
	MaxRFIDeadline = 30 * 24 * time.Hour
)

// Validate checks an RFI as sent: IDs well-formed, a question, and a deadline
// after SentAt and at most MaxRFIDeadline later.
func (q *RFI) Validate() error {
	switch {
	case q.ID != "" && !validID(q.ID):
		return invalidID("id")
	case !validID(string(q.Incident)):
		return invalidID("incident")
	case !validID(q.Party):
		return invalidID("party")
	case q.SentAt.IsZero():
		return concord.Invalid("sent_at", "required")
	case !q.Deadline.After(q.SentAt) || q.Deadline.Sub(q.SentAt) > MaxRFIDeadline:
		return concord.Invalid("deadline", "must be after sent_at and within %s", MaxRFIDeadline)
	case q.Response != nil:
		return concord.Prefix("response", q.Response.validate())
	}
	return checkQuestion(q.Question)
}

func checkQuestion(s string) error {
	if len(s) == 0 {
		return concord.Invalid("question", "required")
	}
	return checkText("question", s, MaxQuestion, true)
}

func (r *Response) validate() error {
	switch {
	case r.Text == "":
		return concord.Invalid("text", "required")
	case r.At.IsZero():
		return concord.Invalid("at", "required")
	}
	return checkText("text", r.Text, MaxResponse, true)
}

// Answer records resp as q's response. An RFI is answered once: a second
// answer is ECONFLICT. A late answer is recorded; Late tells.
func Answer(q RFI, resp Response) (RFI, error) {
	if q.Response != nil {
		return q, concord.Errorf(concord.ECONFLICT, "request %s already answered", q.ID)
	}
	if err := resp.validate(); err != nil {
		return q, concord.Prefix("response", err)
	}
	q.Response = &resp
	return q, nil
}

// Late reports whether q was answered after its deadline.
func (q RFI) Late() bool { return q.Response != nil && q.Response.At.After(q.Deadline) }

// Overdue returns the unanswered requests whose deadline is before now, the
// most overdue first. A request is not overdue at its deadline instant.
func Overdue(rfis []RFI, now time.Time) []RFI {
	var out []RFI
	for _, q := range rfis {
		if q.Response == nil && q.Deadline.Before(now) {
			out = append(out, q)
		}
	}
	slices.SortStableFunc(out, func(a, b RFI) int {
		return cmp.Or(a.Deadline.Compare(b.Deadline), cmp.Compare(a.ID, b.ID))
	})
	return out
}
