package sim

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"concord/internal/client"
)

// Options configure a run of the scenario.
type Options struct {
	Seed     uint64
	Start    time.Time
	Duration time.Duration // 0: until the context is done
	Speed    float64       // simulated seconds per wall second; sets the step (StepFor)
	// Paced keeps the run to Speed against the wall clock (the live demo).
	// Unpaced, it steps as fast as the server answers, each step waiting for
	// the last, so that what happens depends on the seed alone (headless).
	Paced bool
	// Clock is the server's clock: the run sets it to each step's time.
	Clock *Clock
	// Tick, if set, is the server's periodic work (escalation, expiry of
	// silent tracks), run after each step's reports. The live server also
	// does it on its own timer; the headless demo only here.
	Tick  func(ctx context.Context, now time.Time) error
	Scale float64      // air traffic multiplier (0: 1, the demo's)
	Log   *slog.Logger // nil: discard
}

// Sim is one run of the scenario against a concord server, through its HTTP
// API, as the parties' own clients.
type Sim struct {
	o       Options
	step    time.Duration
	as      map[string]*client.Client // by party ID, with "coordinator"
	zoneIDs map[string]string
	caps    map[string]bool
	fleet   *Fleet
	f       *follower
	agenda  agenda
	convoys []*convoy
	byMove  map[string]*convoy // by movement ID
	days    int
	done    map[string]bool // reactions already scheduled, by stable key
	stats   Stats
}

// New prepares a run over the world Seed made, acting as coord and the
// world's members.
func New(coord *client.Client, w *World, o Options) (*Sim, error) {
	if o.Clock == nil || o.Speed <= 0 {
		return nil, errors.New("sim: a clock and a positive speed are required")
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Sim{o: o, step: StepFor(o.Speed), as: map[string]*client.Client{"coordinator": coord}, zoneIDs: w.ZoneIDs,
		f: newFollower(coord), byMove: map[string]*convoy{}, done: map[string]bool{}, stats: newStats()}
	for id, m := range w.Members {
		s.as[id] = m.Client
	}
	s.fleet = NewFleet(o.Seed, o.Start, o.Start, o.Scale)
	s.schedule(s.fleet.Flights)
	events, err := ucdpEvents()
	if err != nil {
		return nil, err
	}
	var end time.Time
	if o.Duration > 0 {
		end = o.Start.Add(o.Duration)
	}
	for _, pr := range planReports(o.Seed, events, o.Start, end) {
		s.agenda.add(pr.At, "report/"+pr.Key, s.submitReport(pr))
	}
	return s, nil
}

// Step is the simulator's step.
func (s *Sim) Step() time.Duration { return s.step }

// Run steps the scenario from Options.Start for Options.Duration (or until
// ctx is done) and then reads the journal to its end, for the summary.
func (s *Sim) Run(ctx context.Context) error {
	if err := s.discover(ctx); err != nil {
		return err
	}
	s.policies(ctx)
	wall0 := time.Now()
	end := s.o.Start.Add(s.o.Duration)
	for t := s.o.Start; s.o.Duration == 0 || t.Before(end); t = t.Add(s.step) {
		if s.o.Paced && !sleepUntil(ctx, wall0.Add(time.Duration(float64(t.Sub(s.o.Start))/s.o.Speed))) {
			return nil
		}
		if err := s.stepAt(ctx, t); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	return s.learn(ctx)
}

// stepAt is one step at simulated time t: set the server's clock; learn what
// happened since the last step; do what is due (acknowledgements, consents,
// reports, verdicts, plans, notices); move the convoys; send every
// aircraft's report; let the server do its periodic work.
func (s *Sim) stepAt(ctx context.Context, t time.Time) error {
	s.o.Clock.Set(t)
	s.extend(t)
	if err := s.learn(ctx); err != nil {
		return err
	}
	for round := 0; round < 3; round++ {
		due := s.agenda.due(t)
		if len(due) == 0 {
			break
		}
		for _, tk := range due {
			if err := tk.Do(ctx, t); err != nil {
				s.fail(tk.Key, err)
			}
		}
	}
	s.driveConvoys(ctx, t)
	s.postTracks(ctx, t)
	if s.o.Tick != nil {
		if err := s.o.Tick(ctx, t); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func sleepUntil(ctx context.Context, at time.Time) bool {
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// extend draws the scenario ahead of t: flights taking off in the next two
// hours (with their plans and notices), and each new day's convoys and
// ground operations.
func (s *Sim) extend(t time.Time) {
	s.schedule(s.fleet.Until(t.Add(2 * time.Hour)))
	for ; !s.o.Start.Add(time.Duration(s.days) * 24 * time.Hour).After(t); s.days++ {
		day := s.o.Start.Add(time.Duration(s.days) * 24 * time.Hour)
		s.convoys = append(s.convoys, convoyWaves(s.o.Seed, day, s.days+1)...)
		for _, n := range dailyGroundOps(rngFor(s.o.Seed, "ground/"+day.Format(time.RFC3339)), day) {
			s.agenda.add(n.FileAt, "notice/"+n.Key, s.fileNotice(n))
		}
	}
}

// schedule adds flights' plans and notices to the agenda.
func (s *Sim) schedule(fls []*Flight) {
	for _, fl := range fls {
		if fl.Plan != nil {
			s.agenda.add(fl.PlanAt, "plan/"+fl.Party+"/"+fl.Callsign, s.filePlan(fl))
		}
		if fl.notice != nil {
			s.agenda.add(fl.notice.FileAt, "notice/"+fl.notice.Key, s.fileNotice(fl.notice))
		}
	}
}

// postTracks sends each armed party's reports of t as one batch.
func (s *Sim) postTracks(ctx context.Context, t time.Time) {
	for _, b := range s.fleet.Reports(t) {
		err := s.send(ctx, b.Party, "tracks", "POST", "/v1/tracks", b.Tracks, nil)
		if err != nil {
			s.fail("tracks/"+b.Party, err)
			continue
		}
		s.stats.TrackReports += len(b.Tracks)
		for _, tr := range b.Tracks {
			s.stats.aircraft[b.Party+"/"+tr.ID] = true
		}
	}
}
