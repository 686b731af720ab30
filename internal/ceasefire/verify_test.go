package ceasefire

import (
	"slices"
	"testing"
	"time"

	"concord"
)

// TestTransitionTable checks every state against every event. "-" is a
// conflict.
func TestTransitionTable(t *testing.T) {
	table := map[State][4]string{ //   corroborate     verify      dispute     reject
		Reported:     {"corroborated", "-", "disputed", "rejected"},
		Corroborated: {"-", "verified", "disputed", "rejected"},
		Verified:     {"-", "-", "disputed", "rejected"},
		Disputed:     {"-", "verified", "-", "rejected"},
		Rejected:     {"-", "verified", "disputed", "-"},
	}
	for _, s := range States {
		for i, e := range Events {
			got, err := Transition(s, e)
			want := table[s][i]
			switch {
			case want == "-" && concord.ErrorCode(err) != concord.ECONFLICT:
				t.Errorf("%s + %s: want ECONFLICT, got %s, %v", s, e, got, err)
			case want == "-" && got != s:
				t.Errorf("%s + %s: a refused move changed the state to %s", s, e, got)
			case want != "-" && (err != nil || got != State(want)):
				t.Errorf("%s + %s = %s, %v; want %s", s, e, got, err, want)
			}
		}
	}
}

func TestTransitionUnknown(t *testing.T) {
	if _, err := Transition("lost", Verify); concord.ErrorField(err) != "state" {
		t.Errorf("unknown state: %v", err)
	}
	if _, err := Transition(Reported, "forget"); concord.ErrorField(err) != "event" {
		t.Errorf("unknown event: %v", err)
	}
}

// The whole path of issue 5: reported, corroborated, an RFI, a verdict, a
// revised verdict.
func TestVerificationPath(t *testing.T) {
	s := Reported
	for _, e := range []Event{Corroborate, Verify, Dispute} {
		var err error
		if s, err = Transition(s, e); err != nil {
			t.Fatal(err)
		}
	}
	if s != Disputed {
		t.Errorf("ended %s", s)
	}
	if !Verify.Verdict() || Corroborate.Verdict() {
		t.Error("Verdict")
	}
}

func TestRFI(t *testing.T) {
	sent := time.Date(2016, 3, 1, 8, 0, 0, 0, time.UTC)
	q := RFI{ID: "rfi-1", Incident: "inc-r1", Party: "party-a", Question: "Were your units firing at 10:40?", SentAt: sent, Deadline: sent.Add(48 * time.Hour)}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, edit := range map[string]func(*RFI){
		"incident": func(q *RFI) { q.Incident = "" },
		"party":    func(q *RFI) { q.Party = "no spaces" },
		"question": func(q *RFI) { q.Question = "" },
		"sent_at":  func(q *RFI) { q.SentAt = time.Time{} },
		"deadline": func(q *RFI) { q.Deadline = q.SentAt },
	} {
		bad := q
		edit(&bad)
		if err := bad.Validate(); concord.ErrorField(err) != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
	yes := true
	answered, err := Answer(q, Response{Text: "No.", Accepts: &yes, At: sent.Add(50 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !answered.Late() {
		t.Error("an answer after the deadline is late")
	}
	if _, err := Answer(answered, Response{Text: "Again", At: sent}); concord.ErrorCode(err) != concord.ECONFLICT {
		t.Errorf("second answer: %v", err)
	}
	if _, err := Answer(q, Response{At: sent}); concord.ErrorField(err) != "response.text" {
		t.Errorf("empty answer: %v", err)
	}
}

func TestOverdue(t *testing.T) {
	t0 := time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC)
	rfis := []RFI{
		{ID: "a", Deadline: t0.Add(2 * time.Hour)},
		{ID: "b", Deadline: t0.Add(1 * time.Hour)},
		{ID: "c", Deadline: t0.Add(3 * time.Hour)}, // exactly now: not yet overdue
		{ID: "d", Deadline: t0, Response: &Response{Text: "done"}},
		{ID: "e", Deadline: t0.Add(4 * time.Hour)},
	}
	var ids []string
	for _, q := range Overdue(rfis, t0.Add(3*time.Hour)) {
		ids = append(ids, q.ID)
	}
	if want := []string{"b", "a"}; !slices.Equal(ids, want) {
		t.Errorf("overdue %v, want %v", ids, want)
	}
}
