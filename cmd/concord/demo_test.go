package main

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"concord/internal/access"
	"concord/internal/mechanism"
)

// TestDemoHeadless runs `concord demo --headless --duration 2h --speed 120
// --seed 1` in process, twice, and checks the summary: alerts of every kind
// occurred; every alert past its deadline was acknowledged by every party
// or escalated; the convoys went through every state a movement can be in;
// observers verified incidents; the journal verifies; no request met an
// unexpected answer; and the second run's summary equals the first's.
func TestDemoHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("the headless demo takes tens of seconds")
	}
	o, err := parseDemo([]string{"--headless", "--duration", "2h", "--speed", "120", "--seed", "1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	first, err := demoHeadless(ctx, o, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var out bytes.Buffer
	first.print(&out)
	t.Logf("first run:\n%s", out.String())
	checkDemoSummary(t, first, log.String())

	second, err := demoHeadless(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.Summary, second.Summary) {
		out.Reset()
		second.print(&out)
		t.Errorf("the same seed gave another summary:\n%s", out.String())
	}
	t.Logf("two runs in %.1f s and %.1f s", first.Wall.Seconds(), second.Wall.Seconds())
}

func checkDemoSummary(t *testing.T, r *demoResult, log string) {
	t.Helper()
	s := r.Summary
	guarded := func(feature string) bool { return slices.Contains(s.Guarded, feature) }
	kinds := []string{mechanism.AlertSeparation, mechanism.AlertNoFly, mechanism.AlertEscalation}
	if !guarded("operation notices") {
		kinds = append(kinds, mechanism.AlertProtection)
	}
	if !guarded("movements") {
		kinds = append(kinds, mechanism.AlertMovement)
	}
	for _, k := range kinds {
		if s.Alerts[k] == 0 {
			t.Errorf("no %s alert", k)
		}
	}
	if s.Unanswered != 0 {
		t.Errorf("%d alerts past their deadline were neither acknowledged by every party nor escalated", s.Unanswered)
	}
	if s.Escalated != s.Alerts[mechanism.AlertEscalation] {
		t.Errorf("%d alerts escalated, but %d escalation alerts", s.Escalated, s.Alerts[mechanism.AlertEscalation])
	}
	if !guarded("movements") {
		for _, st := range access.States {
			if s.Reached[string(st)] == 0 {
				t.Errorf("no movement was ever %s", st)
			}
		}
	}
	if !guarded("verdicts") && s.Incidents["verified"] == 0 {
		t.Errorf("no incident was verified: %v", s.Incidents)
	}
	if s.Errors != 0 {
		t.Errorf("%d unexpected answers:\n%s", s.Errors, log)
	}
	if want := "journal verified"; !strings.Contains(r.Verified, want) {
		t.Errorf("verification said %q, want %q", r.Verified, want)
	}
	if s.Journal == 0 || !strings.Contains(r.Verified, "→ "+strconv.FormatInt(s.Journal, 10)+" leaves") {
		t.Errorf("the journal followed has %d leaves; verification said %q", s.Journal, r.Verified)
	}
}
