package mechanism

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang/geo/s2"

	"concord"
	"concord/internal/ceasefire"
	"concord/internal/geo"
	"concord/internal/store"
)

// Incidents (SPEC §2, issue 5) are records of type "incident": ID the
// domain's ceasefire.IncidentID ("inc-" and the ID of its earliest report),
// Kind the category, Status the verification state (or "merged" once the ID
// has ceased to exist), Start and End the first and last observed_at, Cells
// the index cells of the disc holding every member. They are kept equal, at
// every commit, to ceasefire.Cluster over every stored report (latest
// versions) with every observer decision in force: each write that adds or
// amends reports, or records a merge or split, re-clusters the reports whose
// incidents it can change (see recluster) in its own transaction. So the
// incidents are a function of the set of reports and decisions, whatever
// order they came in, on one node or many.
//
// Verification: the state is the system's (reported, or corroborated once two
// independent reporters or sources back it) until an observer records a
// verdict; from then on it is the latest verdict's, whatever reports join
// later. A verdict stays with the incident ID: when incidents merge, the
// surviving (earliest) incident keeps its verdicts and the absorbed one is
// marked merged, its history kept. An incident's areas are the ceasefire
// areas holding its centroid when it last changed (summaries and filters
// test the centroid against the areas of the moment instead).
//
// Visibility (SPEC §1): observers and the coordinator see every incident in
// full. A party or aid organisation sees the incidents that concern it (it is
// alleged in them, or wrote one of their reports), coarsened: no coordinates
// and no radius, only the token of the S2 cell at the deployment's level
// (CellLevel) holding the centroid, and no names of the other reporters. The
// rule is uniform, so it needs no look-up of protected sites and cannot be
// probed: an incident at a protected site reaches an armed party as no more
// than one cell of the site's coarse cover.
const (
	IncidentActive = "active" // the ID names a current incident
	IncidentMerged = "merged" // the ID ceased to exist: see merged_into
)

// liveStates are the Status values of current incidents.
var liveStates = func() []string {
	out := make([]string, len(ceasefire.States))
	for i, s := range ceasefire.States {
		out[i] = string(s)
	}
	return out
}()

// IncidentDoc is one version of an incident record, as observers see it.
type IncidentDoc struct {
	ceasefire.Incident
	Version    int               `json:"version"`
	Status     string            `json:"status"`                // active or merged
	MergedInto string            `json:"merged_into,omitempty"` // when merged: the incident holding its earliest report
	Reporters  []string          `json:"reporters"`             // distinct authors of the member reports, sorted
	Verdicts   []IncidentVerdict `json:"verdicts,omitempty"`    // observers' verdicts, oldest first
	UpdatedAt  time.Time         `json:"updated_at"`
}

// IncidentVerdict is an observer's verdict on an incident.
type IncidentVerdict struct {
	Verdict ceasefire.Event `json:"verdict"`
	State   ceasefire.State `json:"state"`
	By      string          `json:"by"`
	At      time.Time       `json:"at"`
	Reason  string          `json:"reason,omitempty"`
}

// CoarseIncident is what a party or aid organisation sees of an incident
// that concerns it: no coordinates, no radius, no member or reporter IDs.
type CoarseIncident struct {
	ID         ceasefire.IncidentID `json:"id"`
	Version    int                  `json:"version"`
	Category   ceasefire.Category   `json:"category"`
	Start      time.Time            `json:"start"`
	End        time.Time            `json:"end"`
	State      ceasefire.State      `json:"state"`
	Status     string               `json:"status"`
	MergedInto string               `json:"merged_into,omitempty"`
	ceasefire.Casualties
	AllegedParties []string          `json:"alleged_parties,omitempty"`
	Areas          []string          `json:"areas,omitempty"`
	Authors        int               `json:"authors"`
	Sources        int               `json:"sources"`
	ReportCount    int               `json:"report_count"`
	Verdicts       []IncidentVerdict `json:"verdicts,omitempty"`
	Coarse         bool              `json:"coarse"` // always true
	CellLevel      int               `json:"cell_level"`
	Cell           string            `json:"cell"` // S2 cell token holding the centroid
	UpdatedAt      time.Time         `json:"updated_at"`
}

func init() {
	registerType("incident", RecordType{
		InFull: func(_ *Mechanism, a concord.Actor, _ store.Record) bool { return seesAllCeasefire(a) },
		View: func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error) {
			d, err := decodeIncident(r)
			if err != nil {
				return nil, false, err
			}
			v, ok := m.incidentView(a, d)
			return v, ok, nil
		},
	})
	registerType("rfi", RecordType{InFull: func(_ *Mechanism, a concord.Actor, r store.Record) bool {
		return seesAllCeasefire(a) || a.Party == r.Owner
	}})
	registerType("override", RecordType{InFull: func(_ *Mechanism, a concord.Actor, _ store.Record) bool { return seesAllCeasefire(a) }})
}

func decodeIncident(r store.Record) (IncidentDoc, error) {
	var d IncidentDoc
	err := json.Unmarshal(r.Body, &d)
	return d, err
}

// concerns reports whether the incident concerns party: alleged in it, or
// the author of one of its reports.
func (d *IncidentDoc) concerns(party string) bool {
	return slices.Contains(d.AllegedParties, party) || slices.Contains(d.Reporters, party)
}

// incidentView is what a sees of d, and whether it sees it at all.
func (m *Mechanism) incidentView(a concord.Actor, d IncidentDoc) (any, bool) {
	switch {
	case a.Role == concord.RoleAuditor:
		return nil, false
	case seesAllCeasefire(a):
		return d, true
	case d.concerns(a.Party):
		return m.coarseIncident(d), true
	}
	return nil, false
}

func (m *Mechanism) coarseIncident(d IncidentDoc) CoarseIncident {
	return CoarseIncident{
		ID: d.ID, Version: d.Version, Category: d.Category, Start: d.Start, End: d.End, State: d.State,
		Status: d.Status, MergedInto: d.MergedInto, Casualties: d.Casualties, AllegedParties: d.AllegedParties,
		Areas: d.Areas, Authors: d.Authors, Sources: d.Sources, ReportCount: len(d.Reports), Verdicts: d.Verdicts,
		Coarse: true, CellLevel: m.level, Cell: cellToken(d.Centroid, m.level), UpdatedAt: d.UpdatedAt,
	}
}

// cellToken is the token of the S2 cell at level holding p.
func cellToken(p ceasefire.Point, level int) string {
	return s2.CellIDFromLatLng(s2.LatLngFromDegrees(p.Lat, p.Lon)).Parent(level).ToToken()
}

func incidentRecord(d IncidentDoc) *store.Record {
	end := d.End.Add(time.Millisecond)
	status := string(d.State)
	if d.Status == IncidentMerged {
		status = IncidentMerged
	}
	return &store.Record{Type: "incident", ID: string(d.ID), Version: d.Version, Kind: string(d.Category),
		Status: status, Start: d.Start, End: &end, Cells: append(discCells(d.Centroid, d.RadiusM), dayKeys(d.Start, d.End)...)}
}

// stateOf is the state of an incident: its latest verdict's, else the
// system's (auto) state.
func stateOf(auto ceasefire.State, verdicts []IncidentVerdict) ceasefire.State {
	if len(verdicts) > 0 {
		return verdicts[len(verdicts)-1].State
	}
	return auto
}

// clusterChange is what a write changed that incidents depend on.
type clusterChange struct {
	areas    []ceasefire.Area    // the ceasefire areas, if already loaded
	reports  []ceasefire.Report  // report versions written in this transaction
	times    []time.Time         // earlier observed_at of amended reports
	seeds    []string            // reports named by a new observer decision
	override *ceasefire.Override // that decision (not yet visible outside the transaction)
}

// recluster brings the stored incidents up to date after ch, in wt, and
// returns the IDs of the incidents it wrote (new, changed or merged away),
// sorted. See reclusterer.
func (wt *writeTx) recluster(ctx context.Context, ch clusterChange) ([]string, error) {
	out, err := wt.reclusterOf(ctx, ch)
	return out.touched, err
}

// reclusterResult is what recluster wrote, and the incident each report of
// the re-clustered incidents is now in.
type reclusterResult struct {
	touched    []string
	incidentOf map[string]ceasefire.IncidentID
}

func (wt *writeTx) reclusterOf(ctx context.Context, ch clusterChange) (reclusterResult, error) {
	rc, err := wt.newReclusterer(ctx, ch)
	if err != nil {
		return reclusterResult{}, err
	}
	need := rc.initialNeeds(ch)
	for {
		if err := rc.load(ctx, need); err != nil {
			return reclusterResult{}, err
		}
		incs, err := ceasefire.Cluster(slices.Collect(maps.Values(rc.reports)), rc.params, rc.overrides)
		if err != nil {
			return reclusterResult{}, err
		}
		affected := rc.affected(incs)
		var exact bool
		need, exact, err = rc.needs(ctx, affected)
		if err != nil {
			return reclusterResult{}, err
		}
		if exact {
			return rc.write(ctx, affected)
		}
	}
}

// reclusterer re-clusters the part of the reports a change can affect. An
// incident computed by ceasefire.Cluster over the reports of some time spans
// is exact when, for each of its members, every report within the clustering
// window of it is loaded (nothing outside can link to it) and so is every
// report named with it in a merge decision. The reclusterer starts from the
// changed reports (seeds), loads the spans around them, clusters, and widens
// the spans around every member of the incidents holding a seed, and around
// the stored incidents those members were in (whose members all become
// seeds: an amendment or a split can break them up), until nothing more is
// needed. Then it writes the incidents holding seeds, and marks merged the
// stored incidents whose IDs no longer exist. Reads go to the store's
// committed state, which the write lock keeps still; the reports written in
// this transaction are overlaid.
type reclusterer struct {
	wt        *writeTx
	params    ceasefire.Params
	overrides ceasefire.Overrides
	named     map[string][]string // report → the other reports merge decisions name with it
	written   map[string]bool     // reports written in this transaction
	reports   map[string]ceasefire.Report
	loaded    timeSpans
	old       map[ceasefire.IncidentID]IncidentDoc // stored current incidents met
	oldOf     map[string]ceasefire.IncidentID      // report → its stored current incident
	seeds     map[string]bool
}

func (wt *writeTx) newReclusterer(ctx context.Context, ch clusterChange) (*reclusterer, error) {
	areas := ch.areas
	if areas == nil {
		var err error
		if areas, err = wt.m.ceasefireAreas(ctx); err != nil {
			return nil, err
		}
	}
	o, err := wt.m.overrides(ctx)
	if err != nil {
		return nil, err
	}
	if ch.override != nil {
		o = append(o, *ch.override)
	}
	rc := &reclusterer{wt: wt, params: ceasefire.Params{Areas: areas}, overrides: o, named: map[string][]string{},
		written: map[string]bool{}, reports: map[string]ceasefire.Report{}, old: map[ceasefire.IncidentID]IncidentDoc{},
		oldOf: map[string]ceasefire.IncidentID{}, seeds: map[string]bool{}}
	for _, d := range o {
		for _, id := range d.Merge {
			rc.named[id] = append(rc.named[id], d.Merge...)
		}
	}
	for _, r := range ch.reports {
		rc.written[r.ID], rc.reports[r.ID], rc.seeds[r.ID] = true, r, true
	}
	for _, id := range ch.seeds {
		if err := rc.fetch(ctx, id); err != nil {
			return nil, err
		}
		rc.seeds[id] = true
	}
	return rc, nil
}

// overrides returns the observers' decisions in the order the journal
// recorded them.
func (m *Mechanism) overrides(ctx context.Context) (ceasefire.Overrides, error) {
	rs, err := m.listAll(ctx, store.Query{Type: "override"})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rs, func(a, b store.Record) int { return cmp.Compare(a.Leaf, b.Leaf) })
	out := make(ceasefire.Overrides, 0, len(rs))
	for _, r := range rs {
		var d OverrideDoc
		if err := json.Unmarshal(r.Body, &d); err != nil {
			return nil, err
		}
		out = append(out, d.Override)
	}
	return out, nil
}

// fetch loads one report by ID (a report named in a decision, wherever it is
// in time).
func (rc *reclusterer) fetch(ctx context.Context, id string) error {
	if _, ok := rc.reports[id]; ok {
		return nil
	}
	rec, err := rc.wt.Get(ctx, id)
	if concord.ErrorCode(err) == concord.ENOTFOUND {
		return nil // decisions may name reports that are not (or no longer) there
	}
	if err != nil || rec.Type != "report" {
		return err
	}
	r, err := decodeReport(rec)
	rc.reports[id] = r
	return err
}

func (rc *reclusterer) window(t time.Time) timeSpan {
	w := ceasefire.DefaultWindow
	if rc.params.Window > 0 {
		w = rc.params.Window
	}
	return timeSpan{t.Add(-w), t.Add(w + time.Millisecond)}
}

func (rc *reclusterer) initialNeeds(ch clusterChange) []timeSpan {
	var need []timeSpan
	for _, r := range rc.reports {
		need = append(need, rc.window(r.ObservedAt))
	}
	for _, t := range ch.times {
		need = append(need, rc.window(t))
	}
	return need
}

// load reads the reports and current incidents of the parts of need not
// yet loaded.
func (rc *reclusterer) load(ctx context.Context, need []timeSpan) error {
	for _, s := range coalesceSpans(need) {
		for _, gap := range rc.loaded.missing(s) {
			if err := rc.loadSpan(ctx, gap); err != nil {
				return err
			}
			rc.loaded = rc.loaded.add(gap)
		}
	}
	return nil
}

func (rc *reclusterer) loadSpan(ctx context.Context, s timeSpan) error {
	m := rc.wt.m
	rs, err := m.listAll(ctx, inDays(store.Query{Type: "report"}, s.lo, s.hi))
	if err != nil {
		return err
	}
	for _, rec := range rs {
		if rc.written[rec.ID] {
			continue
		}
		r, err := decodeReport(rec)
		if err != nil {
			return err
		}
		rc.reports[r.ID] = r
	}
	is, err := m.listAll(ctx, inDays(store.Query{Type: "incident", Statuses: liveStates}, s.lo, s.hi))
	if err != nil {
		return err
	}
	for _, rec := range is {
		if _, ok := rc.old[ceasefire.IncidentID(rec.ID)]; ok {
			continue
		}
		d, err := decodeIncident(rec)
		if err != nil {
			return err
		}
		rc.old[d.ID] = d
		for _, id := range d.Reports {
			rc.oldOf[id] = d.ID
		}
	}
	return nil
}

// affected returns the incidents holding a seed.
func (rc *reclusterer) affected(incs []ceasefire.Incident) []ceasefire.Incident {
	var out []ceasefire.Incident
	for _, inc := range incs {
		if slices.ContainsFunc(inc.Reports, func(id string) bool { return rc.seeds[id] }) {
			out = append(out, inc)
		}
	}
	return out
}

// needs returns the spans still to load for the affected incidents to be
// exact, fetching reports named with their members in merge decisions and
// adding the members of their members' stored incidents to the seeds; exact
// when nothing was missing and nothing was added.
func (rc *reclusterer) needs(ctx context.Context, affected []ceasefire.Incident) ([]timeSpan, bool, error) {
	var need []timeSpan
	grew := false
	for _, inc := range affected {
		for _, id := range inc.Reports {
			need = append(need, rc.window(rc.reports[id].ObservedAt))
			if old, ok := rc.old[rc.oldOf[id]]; ok {
				need = append(need, timeSpan{rc.window(old.Start).lo, rc.window(old.End).hi})
				for _, m := range old.Reports {
					grew = grew || !rc.seeds[m]
					rc.seeds[m] = true
				}
			}
			for _, n := range rc.named[id] {
				if _, ok := rc.reports[n]; !ok {
					if err := rc.fetch(ctx, n); err != nil {
						return nil, false, err
					}
					grew = grew || rc.reports[n].ID != ""
				}
			}
		}
	}
	var missing []timeSpan
	for _, s := range need {
		missing = append(missing, rc.loaded.missing(s)...)
	}
	return missing, len(missing) == 0 && !grew, nil
}

// write stores the affected incidents that changed and marks merged the
// stored incidents that ceased to exist.
func (rc *reclusterer) write(ctx context.Context, affected []ceasefire.Incident) (reclusterResult, error) {
	res := reclusterResult{incidentOf: map[string]ceasefire.IncidentID{}}
	for _, inc := range affected {
		for _, id := range inc.Reports {
			res.incidentOf[id] = inc.ID
		}
	}
	for _, inc := range affected {
		changed, err := rc.putIncident(ctx, inc)
		if err != nil {
			return res, err
		}
		if changed {
			res.touched = append(res.touched, string(inc.ID))
		}
	}
	for _, id := range rc.ceased(res.incidentOf) {
		anchor := strings.TrimPrefix(string(id), ceasefire.IncidentPrefix)
		if err := rc.markMerged(ctx, id, res.incidentOf[anchor]); err != nil {
			return res, err
		}
		res.touched = append(res.touched, string(id))
	}
	slices.Sort(res.touched)
	return res, nil
}

// ceased returns the stored current incidents of re-clustered reports whose
// IDs are no longer incidents, sorted.
func (rc *reclusterer) ceased(incidentOf map[string]ceasefire.IncidentID) []ceasefire.IncidentID {
	live := map[ceasefire.IncidentID]bool{}
	for _, id := range incidentOf {
		live[id] = true
	}
	set := map[ceasefire.IncidentID]bool{}
	for r := range incidentOf {
		if old, ok := rc.oldOf[r]; ok && !live[old] {
			set[old] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// putIncident writes inc as its record's next version, keeping the verdicts,
// unless nothing changed.
func (rc *reclusterer) putIncident(ctx context.Context, inc ceasefire.Incident) (bool, error) {
	wt := rc.wt
	d := IncidentDoc{Incident: inc, Status: IncidentActive, Reporters: rc.reporters(inc), Version: 1}
	kind := "incident.create"
	rec, err := wt.Get(ctx, string(inc.ID))
	var prev IncidentDoc
	switch {
	case err == nil:
		if prev, err = decodeIncident(rec); err != nil {
			return false, err
		}
		d.Verdicts, d.Version, kind = prev.Verdicts, prev.Version+1, "incident.update"
	case concord.ErrorCode(err) != concord.ENOTFOUND:
		return false, err
	}
	d.State = stateOf(inc.State, d.Verdicts)
	if err == nil && sameIncident(prev, d) {
		return false, nil
	}
	d.UpdatedAt = wt.now
	return true, wt.put(ctx, incidentRecord(d), kind, d)
}

func (rc *reclusterer) reporters(inc ceasefire.Incident) []string {
	var out []string
	for _, id := range inc.Reports {
		if a := rc.reports[id].Author; !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// sameIncident reports whether two versions differ only in version and time.
func sameIncident(a, b IncidentDoc) bool {
	a.Version, b.Version = 0, 0
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func (rc *reclusterer) markMerged(ctx context.Context, id, into ceasefire.IncidentID) error {
	wt := rc.wt
	rec, err := wt.Get(ctx, string(id))
	if err != nil {
		return err
	}
	d, err := decodeIncident(rec)
	if err != nil {
		return err
	}
	d.Version, d.Status, d.MergedInto, d.UpdatedAt = d.Version+1, IncidentMerged, string(into), wt.now
	return wt.put(ctx, incidentRecord(d), "incident.merge", d)
}

// timeSpan is the half-open time interval [lo, hi).
type timeSpan struct{ lo, hi time.Time }

// timeSpans is a sorted list of disjoint spans.
type timeSpans []timeSpan

// missing returns the parts of s that ss does not cover.
func (ss timeSpans) missing(s timeSpan) []timeSpan {
	var out []timeSpan
	cur := s.lo
	for _, x := range ss {
		if !x.hi.After(cur) {
			continue
		}
		if !x.lo.Before(s.hi) {
			break
		}
		if x.lo.After(cur) {
			out = append(out, timeSpan{cur, x.lo})
		}
		cur = x.hi
		if !cur.Before(s.hi) {
			return out
		}
	}
	if cur.Before(s.hi) {
		out = append(out, timeSpan{cur, s.hi})
	}
	return out
}

// add returns ss with s added, kept sorted and disjoint.
func (ss timeSpans) add(s timeSpan) timeSpans {
	return coalesceGap(append(slices.Clone(ss), s), 0)
}

// coalesceSpans sorts spans and joins those less than two hours apart: loading a
// little more in one query costs less than many small queries.
func coalesceSpans(ss []timeSpan) []timeSpan { return coalesceGap(ss, 2*time.Hour) }

func coalesceGap(ss []timeSpan, gap time.Duration) []timeSpan {
	slices.SortFunc(ss, func(a, b timeSpan) int { return a.lo.Compare(b.lo) })
	var out []timeSpan
	for _, s := range ss {
		if n := len(out); n > 0 && !s.lo.After(out[n-1].hi.Add(gap)) {
			if s.hi.After(out[n-1].hi) {
				out[n-1].hi = s.hi
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// liveIncident loads a current incident for update.
func (wt *writeTx) liveIncident(ctx context.Context, id string) (IncidentDoc, error) {
	rec, err := wt.Get(ctx, id)
	if err != nil || rec.Type != "incident" {
		return IncidentDoc{}, concord.Errorf(concord.ENOTFOUND, "no incident %q", id)
	}
	d, err := decodeIncident(rec)
	if err == nil && d.Status == IncidentMerged {
		err = concord.Errorf(concord.ECONFLICT, "incident %s was merged into %s", id, d.MergedInto)
	}
	return d, err
}

// VerdictInput is an observer's verdict: verify, dispute or reject.
type VerdictInput struct {
	Verdict ceasefire.Event `json:"verdict"`
	Reason  string          `json:"reason,omitempty"`
}

// RecordVerdict records an observer's verdict on a current incident, moving
// it by ceasefire.Transition (verify needs corroboration; repeating the
// current verdict is ECONFLICT).
func (m *Mechanism) RecordVerdict(ctx context.Context, req Request, id string, in VerdictInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleObserver); err != nil {
		return Result{}, err
	}
	if !in.Verdict.Verdict() {
		return Result{}, concord.Invalid("verdict", "must be verify, dispute or reject")
	}
	if err := checkFreeText("reason", in.Reason, ceasefire.MaxQuestion); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		d, err := wt.liveIncident(ctx, id)
		if err != nil {
			return nil, err
		}
		next, err := ceasefire.Transition(d.State, in.Verdict)
		if err != nil {
			return nil, err
		}
		d.Verdicts = append(d.Verdicts, IncidentVerdict{Verdict: in.Verdict, State: next, By: req.Actor.Party, At: wt.now, Reason: in.Reason})
		d.State, d.Version, d.UpdatedAt = next, d.Version+1, wt.now
		return map[string]any{"incident": d}, wt.put(ctx, incidentRecord(d), "incident.verdict", d)
	})
}

// checkFreeText bounds an optional text: valid UTF-8, at most max characters.
func checkFreeText(field, s string, max int) error {
	switch {
	case !utf8.ValidString(s):
		return concord.Invalid(field, "not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		return concord.Invalid(field, "at most %d characters", max)
	}
	return nil
}

// RFIDoc is one version of a request for information: the observer's
// question to the alleged party and, once given, its response.
type RFIDoc struct {
	ceasefire.RFI
	Version int    `json:"version"`
	From    string `json:"from"` // the observer who sent it
	Late    bool   `json:"late"` // answered after the deadline
	Overdue bool   `json:"overdue,omitempty"`
}

// RFIInput is an observer's request for information about an incident.
type RFIInput struct {
	Party    string    `json:"party,omitempty"` // default: the incident's one alleged party
	Question string    `json:"question"`
	Deadline time.Time `json:"deadline"`
}

// SendRFI sends a request for information about a current incident to one
// of its alleged parties, with a deadline at most 30 days ahead.
func (m *Mechanism) SendRFI(ctx context.Context, req Request, id string, in RFIInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleObserver); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		d, err := wt.liveIncident(ctx, id)
		if err != nil {
			return nil, err
		}
		party, err := addressee(d, in.Party)
		if err != nil {
			return nil, err
		}
		q := RFIDoc{RFI: ceasefire.RFI{ID: newID("rfi", wt.now), Incident: d.ID, Party: party, Question: in.Question,
			SentAt: wt.now, Deadline: in.Deadline.UTC()}, Version: 1, From: req.Actor.Party}
		if err := q.Validate(); err != nil {
			return nil, err
		}
		return map[string]any{"rfi": q}, wt.put(ctx, rfiRecord(q), "rfi.send", q)
	})
}

func addressee(d IncidentDoc, party string) (string, error) {
	switch {
	case party == "" && len(d.AllegedParties) == 1:
		return d.AllegedParties[0], nil
	case party == "":
		return "", concord.Invalid("party", "name one of the incident's alleged parties %v", d.AllegedParties)
	case !slices.Contains(d.AllegedParties, party):
		return "", concord.Invalid("party", "%q is not alleged in incident %s %v", party, d.ID, d.AllegedParties)
	}
	return party, nil
}

func rfiRecord(q RFIDoc) *store.Record {
	status := "open"
	if q.Response != nil {
		status = "answered"
	}
	deadline := q.Deadline
	return &store.Record{Type: "rfi", ID: q.ID, Version: q.Version, Owner: q.Party, Kind: string(q.Incident),
		Status: status, Start: q.SentAt, End: &deadline}
}

func decodeRFI(r store.Record) (RFIDoc, error) {
	var q RFIDoc
	err := json.Unmarshal(r.Body, &q)
	return q, err
}

// ResponseInput is an alleged party's answer to a request for information.
type ResponseInput struct {
	RFI     string `json:"rfi,omitempty"` // default: its oldest open request about the incident
	Text    string `json:"text"`
	Accepts *bool  `json:"accepts,omitempty"`
}

// RespondRFI records the caller's answer to a request for information about
// an incident, addressed to it. An RFI is answered once; a late answer is
// recorded and marked late.
func (m *Mechanism) RespondRFI(ctx context.Context, req Request, id string, in ResponseInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		q, err := wt.rfiFor(ctx, id, in.RFI)
		if err != nil {
			return nil, err
		}
		answered, err := ceasefire.Answer(q.RFI, ceasefire.Response{Text: in.Text, Accepts: in.Accepts, At: wt.now})
		if err != nil {
			return nil, err
		}
		q.RFI, q.Version, q.Late = answered, q.Version+1, answered.Late()
		return map[string]any{"rfi": q}, wt.put(ctx, rfiRecord(q), "rfi.response", q)
	})
}

// rfiFor finds the request the caller answers: the one named, or its oldest
// open one about the incident.
func (wt *writeTx) rfiFor(ctx context.Context, incident, id string) (RFIDoc, error) {
	me := wt.req.Actor.Party
	if id == "" {
		rs, err := wt.m.listAll(ctx, store.Query{Type: "rfi", Kinds: []string{incident}, Owner: me, Statuses: []string{"open"}})
		if err != nil {
			return RFIDoc{}, err
		}
		if len(rs) == 0 {
			return RFIDoc{}, wt.noOpenRFI(ctx, incident)
		}
		id = rs[0].ID // IDs sort by the time they were sent
	}
	rec, err := wt.Get(ctx, id)
	if err != nil || rec.Type != "rfi" || rec.Owner != me {
		return RFIDoc{}, &concord.Error{Code: concord.ENOTFOUND, Field: "rfi", Message: fmt.Sprintf("no request for information %q to %s", id, me)}
	}
	if rec.Kind != incident {
		return RFIDoc{}, concord.Invalid("rfi", "request %s is about incident %s", id, rec.Kind)
	}
	return decodeRFI(rec)
}

func (wt *writeTx) noOpenRFI(ctx context.Context, incident string) error {
	rec, err := wt.Get(ctx, incident)
	if err == nil && rec.Type == "incident" {
		if d, err := decodeIncident(rec); err == nil && d.concerns(wt.req.Actor.Party) {
			return concord.Errorf(concord.ECONFLICT, "no open request for information to %s about incident %s", wt.req.Actor.Party, incident)
		}
	}
	return concord.Errorf(concord.ENOTFOUND, "no incident %q", incident)
}

// OverrideDoc is an observer's merge or split decision as stored.
type OverrideDoc struct {
	ceasefire.Override
	ID        string    `json:"id"`
	Incidents []string  `json:"incidents"` // the incidents it was made about
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason,omitempty"`
}

// MergeInput names the incidents to merge.
type MergeInput struct {
	Incidents []string `json:"incidents"`
	Reason    string   `json:"reason,omitempty"`
}

// MergeIncidents records an observer's decision that current incidents are
// one: their earliest reports are merged (ceasefire.Override), so the
// decision sticks whatever reports come later.
func (m *Mechanism) MergeIncidents(ctx context.Context, req Request, in MergeInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleObserver); err != nil {
		return Result{}, err
	}
	if err := checkMerge(in); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		var anchors []string
		for i, id := range in.Incidents {
			if _, err := wt.liveIncident(ctx, id); err != nil {
				return nil, concord.Prefix(fmt.Sprintf("incidents[%d]", i), asField(err))
			}
			anchors = append(anchors, strings.TrimPrefix(id, ceasefire.IncidentPrefix))
		}
		o := ceasefire.Override{Merge: anchors}
		res, err := wt.decide(ctx, o, in.Incidents, in.Reason)
		if err != nil {
			return nil, err
		}
		d, err := wt.liveIncident(ctx, string(res.incidentOf[anchors[0]]))
		return map[string]any{"incident": d, "incidents": res.touched}, err
	})
}

func asField(err error) error {
	if e, ok := err.(*concord.Error); ok && e.Field == "" {
		return &concord.Error{Code: e.Code, Message: e.Message}
	}
	return err
}

func checkMerge(in MergeInput) error {
	if len(in.Incidents) < 2 || len(in.Incidents) > ceasefire.MaxMerge {
		return concord.Invalid("incidents", "name 2 to %d incidents", ceasefire.MaxMerge)
	}
	for i, id := range in.Incidents {
		if slices.Contains(in.Incidents[:i], id) {
			return concord.Invalid(fmt.Sprintf("incidents[%d]", i), "%s named twice", id)
		}
	}
	return checkFreeText("reason", in.Reason, ceasefire.MaxQuestion)
}

// SplitInput names the report to take out of an incident.
type SplitInput struct {
	Report string `json:"report"`
	Reason string `json:"reason,omitempty"`
}

// SplitIncident records an observer's decision that a report is not part of
// its incident: it stands alone from then on unless a later merge names it.
func (m *Mechanism) SplitIncident(ctx context.Context, req Request, id string, in SplitInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleObserver); err != nil {
		return Result{}, err
	}
	if err := checkFreeText("reason", in.Reason, ceasefire.MaxQuestion); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		d, err := wt.liveIncident(ctx, id)
		switch {
		case err != nil:
			return nil, err
		case !slices.Contains(d.Reports, in.Report):
			return nil, concord.Invalid("report", "%q is not a report of incident %s", in.Report, id)
		case len(d.Reports) == 1:
			return nil, concord.Errorf(concord.ECONFLICT, "incident %s has one report: nothing to split", id)
		}
		res, err := wt.decide(ctx, ceasefire.Override{Split: in.Report}, []string{id}, in.Reason)
		if err != nil {
			return nil, err
		}
		var out []IncidentDoc
		for _, r := range d.Reports {
			inc, err := wt.liveIncident(ctx, string(res.incidentOf[r]))
			if err == nil && !slices.ContainsFunc(out, func(x IncidentDoc) bool { return x.ID == inc.ID }) {
				out = append(out, inc)
			}
		}
		return map[string]any{"incidents": out, "touched": res.touched}, nil
	})
}

// decide stores an observer decision and re-clusters the reports it names.
func (wt *writeTx) decide(ctx context.Context, o ceasefire.Override, incidents []string, reason string) (reclusterResult, error) {
	if err := (ceasefire.Overrides{o}).Validate(); err != nil {
		return reclusterResult{}, err
	}
	kind := "merge"
	seeds := o.Merge
	if o.Split != "" {
		kind, seeds = "split", []string{o.Split}
	}
	d := OverrideDoc{Override: o, ID: newID("ov", wt.now), Incidents: incidents, By: wt.req.Actor.Party, At: wt.now, Reason: reason}
	r := &store.Record{Type: "override", ID: d.ID, Version: 1, Owner: d.By, Kind: kind, Status: "active", Start: wt.now}
	if err := wt.put(ctx, r, "incident."+kind, d); err != nil {
		return reclusterResult{}, err
	}
	return wt.reclusterOf(ctx, clusterChange{seeds: seeds, override: &o})
}

// IncidentQuery selects incidents. Zero fields do not filter.
type IncidentQuery struct {
	From, To     time.Time // the incident's [start, end] overlaps [From, To)
	Categories   []ceasefire.Category
	States       []ceasefire.State
	Area         string    // ID of a ceasefire-area zone holding the centroid
	AllegedParty string    // "-": incidents naming no party
	BBox         *geo.Rect // full views: the centroid in the box; coarse views: the cell meets it
	Merged       bool      // include IDs merged away
	After        string
	Limit        int
}

// IncidentList is one page of incidents as the caller may see them.
type IncidentList struct {
	Incidents []any  `json:"incidents"`
	Next      string `json:"next"`
}

// Incidents lists the incidents a may see, ordered by ID.
func (m *Mechanism) Incidents(ctx context.Context, a concord.Actor, q IncidentQuery) (IncidentList, error) {
	out := IncidentList{Incidents: []any{}}
	next, err := m.eachIncident(ctx, a, q, q.Limit, func(d IncidentDoc, v any) {
		out.Incidents = append(out.Incidents, v)
	})
	out.Next = next
	return out, err
}

// eachIncident calls fn with each incident q selects that a may see, and
// what a sees of it, up to limit (< 0: all).
func (m *Mechanism) eachIncident(ctx context.Context, a concord.Actor, q IncidentQuery, limit int, fn func(IncidentDoc, any)) (string, error) {
	if err := readCeasefire(a); err != nil {
		return "", err
	}
	sq := store.Query{Type: "incident", From: q.From, To: q.To, After: q.After, Statuses: liveStates}
	if len(q.States) > 0 {
		sq.Statuses = nil
		for _, s := range q.States {
			sq.Statuses = append(sq.Statuses, string(s))
		}
	}
	if q.Merged {
		sq.Statuses = append(sq.Statuses, IncidentMerged)
	}
	for _, c := range q.Categories {
		sq.Kinds = append(sq.Kinds, string(c))
	}
	switch {
	case !q.From.IsZero() && !q.To.IsZero():
		sq = inDays(sq, q.From, q.To)
	case q.BBox != nil && seesAllCeasefire(a):
		sq.Cells = cellFilters(geo.RectCovering(*q.BBox))
	}
	area, err := m.queryArea(ctx, q.Area)
	if err != nil {
		return "", err
	}
	return m.scanPages(ctx, sq, limit, func(r store.Record) (bool, error) {
		d, err := decodeIncident(r)
		if err != nil {
			return false, err
		}
		v, ok := m.incidentView(a, d)
		if !ok || !m.incidentMatches(a, &q, &d, area) {
			return false, nil
		}
		fn(d, v)
		return true, nil
	})
}

func (m *Mechanism) incidentMatches(a concord.Actor, q *IncidentQuery, d *IncidentDoc, area *ceasefire.Area) bool {
	c := d.Centroid
	switch {
	case q.AllegedParty == "-" && len(d.AllegedParties) > 0:
		return false
	case q.AllegedParty != "" && q.AllegedParty != "-" && !slices.Contains(d.AllegedParties, q.AllegedParty):
		return false
	case area != nil && !area.Contains(c.Lat, c.Lon):
		return false
	case q.BBox == nil:
		return true
	case seesAllCeasefire(a):
		return q.BBox.ContainsPoint(c.Position())
	}
	return cellsIntersect([]string{cellToken(c, m.level)}, *q.BBox)
}

// IncidentDetail is one incident as a caller may see it, with the requests
// for information about it that the caller may see.
type IncidentDetail struct {
	Incident any      `json:"incident"`
	RFIs     []RFIDoc `json:"rfis"`
}

// Incident returns one incident (current or merged away) as a may see it.
func (m *Mechanism) Incident(ctx context.Context, a concord.Actor, id string) (IncidentDetail, error) {
	notFound := concord.Errorf(concord.ENOTFOUND, "no incident %q", id)
	if err := readCeasefire(a); err != nil {
		return IncidentDetail{}, err
	}
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "incident" {
		return IncidentDetail{}, notFound
	}
	d, err := decodeIncident(r)
	if err != nil {
		return IncidentDetail{}, err
	}
	v, ok := m.incidentView(a, d)
	if !ok {
		return IncidentDetail{}, notFound
	}
	rfis, err := m.rfisAbout(ctx, a, id)
	return IncidentDetail{Incident: v, RFIs: rfis}, err
}

func (m *Mechanism) rfisAbout(ctx context.Context, a concord.Actor, id string) ([]RFIDoc, error) {
	sq := store.Query{Type: "rfi", Kinds: []string{id}}
	if !seesAllCeasefire(a) {
		sq.Owner = a.Party
	}
	rs, err := m.listAll(ctx, sq)
	if err != nil {
		return nil, err
	}
	out := []RFIDoc{}
	now := m.clock.Now()
	for _, r := range rs {
		q, err := decodeRFI(r)
		if err != nil {
			return nil, err
		}
		q.Overdue = q.Response == nil && q.Deadline.Before(now)
		out = append(out, q)
	}
	return out, nil
}

// IncidentOfReport returns the current incident holding a report, "" if
// none is stored.
func (m *Mechanism) IncidentOfReport(ctx context.Context, r ceasefire.Report) (string, error) {
	rs, err := m.listAll(ctx, inDays(store.Query{Type: "incident", Statuses: liveStates}, r.ObservedAt, r.ObservedAt.Add(time.Millisecond)))
	if err != nil {
		return "", err
	}
	for _, rec := range rs {
		d, err := decodeIncident(rec)
		if err != nil {
			return "", err
		}
		if slices.Contains(d.Reports, r.ID) {
			return string(d.ID), nil
		}
	}
	return "", nil
}

// DailySummary is the daily picture of one UTC day (ceasefire.Daily): per
// ceasefire area (every active one, or only area) and per alleged party,
// with the day before and the seven before for comparison. Given an area,
// only the reports and incidents whose centre it holds are counted. It
// holds counts only, no place or reporter, so every member role may read it.
func (m *Mechanism) DailySummary(ctx context.Context, a concord.Actor, day time.Time, areaID string) (ceasefire.Summary, error) {
	if err := readCeasefire(a); err != nil {
		return ceasefire.Summary{}, err
	}
	y, mo, dd := day.Date()
	day = time.Date(y, mo, dd, 0, 0, 0, 0, time.UTC)
	areas, err := m.summaryAreas(ctx, areaID)
	if err != nil {
		return ceasefire.Summary{}, err
	}
	from, to := day.AddDate(0, 0, -7), day.AddDate(0, 0, 1)
	rs, err := m.reportsIn(ctx, from, to)
	if err != nil {
		return ceasefire.Summary{}, err
	}
	incs, err := m.incidentsStarting(ctx, from, to)
	if err != nil {
		return ceasefire.Summary{}, err
	}
	if areaID != "" {
		rs, incs = inArea(rs, incs, &areas[0])
	}
	return ceasefire.Daily(rs, incs, day, areas), nil
}

func (m *Mechanism) summaryAreas(ctx context.Context, id string) ([]ceasefire.Area, error) {
	if id == "" {
		return m.ceasefireAreas(ctx)
	}
	a, err := m.queryArea(ctx, id)
	if err != nil {
		return nil, err
	}
	return []ceasefire.Area{*a}, nil
}

// reportsIn returns every report observed in [from, to).
func (m *Mechanism) reportsIn(ctx context.Context, from, to time.Time) ([]ceasefire.Report, error) {
	recs, err := m.listAll(ctx, inDays(store.Query{Type: "report"}, from, to))
	if err != nil {
		return nil, err
	}
	out := make([]ceasefire.Report, len(recs))
	for i, r := range recs {
		if out[i], err = decodeReport(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// incidentsStarting returns every current incident that started in [from, to).
func (m *Mechanism) incidentsStarting(ctx context.Context, from, to time.Time) ([]ceasefire.Incident, error) {
	recs, err := m.listAll(ctx, inDays(store.Query{Type: "incident", Statuses: liveStates}, from, to))
	if err != nil {
		return nil, err
	}
	var out []ceasefire.Incident
	for _, r := range recs {
		d, err := decodeIncident(r)
		if err != nil {
			return nil, err
		}
		if !d.Start.Before(from) && d.Start.Before(to) {
			out = append(out, d.Incident)
		}
	}
	return out, nil
}

func inArea(rs []ceasefire.Report, incs []ceasefire.Incident, a *ceasefire.Area) ([]ceasefire.Report, []ceasefire.Incident) {
	rs = slices.DeleteFunc(rs, func(r ceasefire.Report) bool {
		c, _ := r.Disc()
		return !a.Contains(c.Lat, c.Lon)
	})
	incs = slices.DeleteFunc(incs, func(i ceasefire.Incident) bool { return !a.Contains(i.Centroid.Lat, i.Centroid.Lon) })
	return rs, incs
}

// Export formats of incidents.
const (
	FormatCSV     = "csv"
	FormatGeoJSON = "geojson"
)

// ExportIncidents writes the incidents q selects (all of them, whatever
// q.Limit) that a may see, sorted by start, as CSV with an HXL row
// (ceasefire.IncidentsCSV) or as GeoJSON. admin1 is the name of the first
// ceasefire area holding the centroid (the governorate, where governorates
// are the areas). Only the member reports a may see contribute weapons and
// sources. For coarse viewers (see IncidentDoc) the coordinates, precision
// and uncertainty are withheld and location is "s2:" and the cell token.
func (m *Mechanism) ExportIncidents(ctx context.Context, a concord.Actor, q IncidentQuery, format string, w io.Writer) error {
	if format != FormatCSV && format != FormatGeoJSON {
		return concord.Invalid("format", "must be csv or geojson")
	}
	var incs []ceasefire.Incident
	from, to := time.Time{}, time.Time{}
	_, err := m.eachIncident(ctx, a, q, -1, func(d IncidentDoc, _ any) {
		incs = append(incs, d.Incident)
		if from.IsZero() || d.Start.Before(from) {
			from = d.Start
		}
		if d.End.After(to) {
			to = d.End
		}
	})
	if err != nil {
		return err
	}
	slices.SortFunc(incs, func(x, y ceasefire.Incident) int {
		return cmp.Or(x.Start.Compare(y.Start), strings.Compare(string(x.ID), string(y.ID)))
	})
	opt, reports, err := m.exportOptions(ctx, a, from, to, len(incs) > 0)
	if err != nil {
		return err
	}
	if format == FormatCSV {
		return ceasefire.IncidentsCSV(incs, reports, w, opt)
	}
	return ceasefire.IncidentsGeoJSON(incs, reports, w, opt)
}

func (m *Mechanism) exportOptions(ctx context.Context, a concord.Actor, from, to time.Time, some bool) (ceasefire.ExportOptions, map[string]ceasefire.Report, error) {
	areas, err := m.ceasefireAreas(ctx)
	if err != nil {
		return ceasefire.ExportOptions{}, nil, err
	}
	opt := ceasefire.ExportOptions{Admin1: func(lat, lon float64) string {
		for i := range areas {
			if areas[i].Contains(lat, lon) {
				return areas[i].Name
			}
		}
		return ""
	}}
	if !seesAllCeasefire(a) {
		level := m.level
		opt.Redact = func(inc ceasefire.Incident, r *ceasefire.Record) {
			ceasefire.RedactLocation(inc, r)
			r.Location = "s2:" + cellToken(inc.Centroid, level)
		}
	}
	reports := map[string]ceasefire.Report{}
	if !some {
		return opt, reports, nil
	}
	sq := inDays(store.Query{Type: "report"}, from, to.Add(time.Millisecond))
	if !seesAllCeasefire(a) {
		sq.Owner = a.Party
	}
	recs, err := m.listAll(ctx, sq)
	for _, r := range recs {
		rep, err := decodeReport(r)
		if err != nil {
			return opt, nil, err
		}
		reports[rep.ID] = rep
	}
	return opt, reports, err
}
