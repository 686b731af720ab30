package mechanism

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"concord"
	"concord/internal/ceasefire"
	"concord/internal/geo"
	"concord/internal/store"
	"concord/internal/zones"
)

// Violation reports (SPEC §2, issue 5) are records of type "report": ID stable
// across versions, Owner the author, Kind the category, Start the observed_at
// (kept to the millisecond, UTC), Cells the S2 index cells of the report's disc
// (its point and uncertainty, or its area). An amendment is the next version;
// the earlier one stays in the journal and in the history.
//
// Who sees a report (SPEC §1): its author, the observer mission and the
// coordinator, in full. Nobody else sees it at all: parties and aid
// organisations learn of others' reports only through the incidents that
// concern them (see incidents.go), whose location they get as an S2 cell.
const (
	MaxReportBatch   = 1000     // reports in one submission
	MaxEvidenceBytes = 20 << 20 // bytes of one evidence upload
)

// reportWriters may submit reports (SPEC §2).
var reportWriters = []concord.Role{concord.RoleParty, concord.RoleHumanitarian, concord.RoleObserver}

// areaFlags are the flags the server computes; a client cannot set them.
var areaFlags = []string{ceasefire.FlagOutsideArea, ceasefire.FlagOutsidePeriod, ceasefire.FlagPartyNotCovered}

func init() {
	registerType("report", RecordType{InFull: func(_ *Mechanism, a concord.Actor, r store.Record) bool {
		return seesAllCeasefire(a) || a.Party == r.Owner
	}})
	registerType("evidence", RecordType{InFull: func(_ *Mechanism, a concord.Actor, r store.Record) bool {
		ev, err := decodeEvidence(r)
		return err == nil && ev.visibleTo(a)
	}})
	// The content is addressed by its SHA-256, which the evidence record
	// commits to: it is served by GET /v1/evidence/{sha256} alone, never in
	// event streams or journal listings (it can be 20 MiB).
	registerType("evidence-content", RecordType{
		InFull: func(*Mechanism, concord.Actor, store.Record) bool { return false },
		View:   func(*Mechanism, concord.Actor, store.Record) (any, bool, error) { return nil, false, nil },
	})
}

// seesAllCeasefire reports whether a sees every report and incident in full:
// the observer mission and the coordinator (SPEC §1).
func seesAllCeasefire(a concord.Actor) bool {
	return a.Role == concord.RoleObserver || a.Role == concord.RoleCoordinator
}

// ReportsSubmitted answers a submission: the reports stored (in the order
// given, duplicates left out), the submissions skipped because the author
// already has a report with the same external_id, and the incidents the
// submission created or changed.
type ReportsSubmitted struct {
	Reports    []ceasefire.Report `json:"reports"`
	Duplicates []ReportDuplicate  `json:"duplicates,omitempty"`
	Incidents  []string           `json:"incidents"`
}

// ReportDuplicate is a submission skipped as already held.
type ReportDuplicate struct {
	Index      int    `json:"index"`
	ExternalID string `json:"external_id"`
	Report     string `json:"report"` // the report that holds it
}

// SubmitReports stores new reports, all or none, and brings the incidents up
// to date in the same transaction. Each report is validated first; the
// server assigns id, version and author (a report that sets them is refused)
// and the area flags (see ceasefire.AreaFlags): a report outside every
// ceasefire area or period is accepted and flagged. A report with an
// external_id the author already used is skipped, not stored again, so an
// import can be repeated, in any batching, without adding anything.
func (m *Mechanism) SubmitReports(ctx context.Context, req Request, rs []ceasefire.Report, batch bool) (Result, error) {
	if err := requireRole(req.Actor, reportWriters...); err != nil {
		return Result{}, err
	}
	if err := m.checkReports(rs, batch); err != nil {
		return Result{}, err
	}
	created := m.anyNewReport(ctx, req.Actor.Party, rs)
	return m.write(ctx, req, created, func(ctx context.Context, wt *writeTx) (any, error) {
		areas, err := m.ceasefireAreas(ctx)
		if err != nil {
			return nil, err
		}
		out := ReportsSubmitted{Reports: []ceasefire.Report{}}
		for i := range rs {
			r, dup, err := wt.submitReport(ctx, rs[i], areas)
			if err != nil {
				return nil, prefixReport(batch, i, err)
			}
			if dup != "" {
				out.Duplicates = append(out.Duplicates, ReportDuplicate{Index: i, ExternalID: r.ExternalID, Report: dup})
				continue
			}
			out.Reports = append(out.Reports, r)
		}
		out.Incidents, err = wt.recluster(ctx, clusterChange{areas: areas, reports: out.Reports})
		return out, err
	})
}

func prefixReport(batch bool, i int, err error) error {
	if !batch {
		return err
	}
	return concord.Prefix("reports["+strconv.Itoa(i)+"]", err)
}

// checkReports validates a submission before any transaction.
func (m *Mechanism) checkReports(rs []ceasefire.Report, batch bool) error {
	if len(rs) == 0 {
		return concord.Invalid("reports", "no reports given")
	}
	if len(rs) > MaxReportBatch {
		return &concord.Error{Code: concord.ETOOLARGE, Field: "reports", Message: fmt.Sprintf("at most %d reports per request", MaxReportBatch)}
	}
	now := m.clock.Now()
	external := map[string]int{}
	for i := range rs {
		if err := checkNewReport(&rs[i], now); err != nil {
			return prefixReport(batch, i, err)
		}
		if x := rs[i].ExternalID; x != "" {
			if j, ok := external[x]; ok {
				return prefixReport(batch, i, concord.Invalid("external_id", "%q is also reports[%d]'s", x, j))
			}
			external[x] = i
		}
	}
	return nil
}

// checkNewReport refuses server-assigned fields, normalises the report and
// validates it.
func checkNewReport(r *ceasefire.Report, now time.Time) error {
	switch {
	case r.ID != "":
		return concord.Invalid("id", "assigned by the server")
	case r.Version != 0:
		return concord.Invalid("version", "assigned by the server")
	case r.Author != "":
		return concord.Invalid("author", "the author is the submitting party")
	case r.Amends != 0:
		return concord.Invalid("amends", "amend a report with POST /v1/reports/{id}/amend")
	}
	normalizeReport(r)
	return r.Validate(now)
}

// normalizeReport keeps observed_at in UTC to the millisecond (as the store
// indexes it) and drops the flags only the server sets.
func normalizeReport(r *ceasefire.Report) {
	r.ObservedAt = r.ObservedAt.UTC().Truncate(time.Millisecond)
	r.Flags = slices.DeleteFunc(slices.Clone(r.Flags), func(f string) bool { return slices.Contains(areaFlags, f) })
}

// anyNewReport reports whether some report is not a duplicate (for the
// status code only: the transaction decides what is stored).
func (m *Mechanism) anyNewReport(ctx context.Context, author string, rs []ceasefire.Report) bool {
	for _, r := range rs {
		if r.ExternalID == "" {
			return true
		}
		if _, err := m.store.Get(ctx, externalReportID(author, r.ExternalID)); err != nil {
			return true
		}
	}
	return false
}

// externalReportID is the ID of an author's report with an external ID: a
// function of both, so that the same import twice finds the first, and shaped
// as newID's IDs are ("r_" and 26 Crockford base32 digits).
func externalReportID(author, external string) string {
	sum := sha256.Sum256([]byte("concord-report/v1\x00" + author + "\x00" + external))
	return "r_" + crockford.EncodeToString(sum[:16])
}

var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// submitReport stores one new report; for a duplicate it stores nothing and
// returns the ID of the report already held.
func (wt *writeTx) submitReport(ctx context.Context, r ceasefire.Report, areas []ceasefire.Area) (ceasefire.Report, string, error) {
	r.Author, r.Version = wt.req.Actor.Party, 1
	if r.ExternalID == "" {
		r.ID = newID("r", wt.now)
	} else {
		r.ID = externalReportID(r.Author, r.ExternalID)
		_, err := wt.Get(ctx, r.ID)
		if err == nil {
			return r, r.ID, nil
		}
		if concord.ErrorCode(err) != concord.ENOTFOUND {
			return r, "", err
		}
	}
	if err := wt.finishReport(ctx, &r, areas); err != nil {
		return r, "", err
	}
	return r, "", wt.put(ctx, reportRecord(r), "report.submit", r)
}

// finishReport checks the evidence cited and sets the area flags.
func (wt *writeTx) finishReport(ctx context.Context, r *ceasefire.Report, areas []ceasefire.Area) error {
	for i, e := range r.Evidence {
		if err := wt.checkCited(ctx, e); err != nil {
			return concord.Prefix(fmt.Sprintf("evidence[%d]", i), err)
		}
	}
	for _, f := range ceasefire.AreaFlags(r, areas) {
		if !slices.Contains(r.Flags, f) {
			r.Flags = append(r.Flags, f)
		}
	}
	if len(r.Flags) > ceasefire.MaxFlags {
		return concord.Invalid("flags", "at most %d flags with the server's", ceasefire.MaxFlags-1)
	}
	return nil
}

func reportRecord(r ceasefire.Report) *store.Record {
	end := r.ObservedAt.Add(time.Millisecond)
	c, radius := r.Disc()
	return &store.Record{Type: "report", ID: r.ID, Version: r.Version, Owner: r.Author, Kind: string(r.Category),
		Status: "active", Start: r.ObservedAt, End: &end, Cells: append(discCells(c, radius), dayKeys(r.ObservedAt, r.ObservedAt)...)}
}

// discCells returns the index cells of a disc: at most 4 cells of levels
// geo.IndexMinLevel to geo.IndexMaxLevel (few rows to write; the exact test
// follows every look-up anyway).
func discCells(c ceasefire.Point, radiusM float64) []int64 {
	angle := s1.Angle(min(radiusM, float64(geo.MaxRadius))/ceasefire.EarthRadiusM) + s1.Angle(1e-9)
	rc := &s2.RegionCoverer{MinLevel: geo.IndexMinLevel, MaxLevel: geo.IndexMaxLevel, MaxCells: 4}
	cap := s2.CapFromCenterAngle(s2.PointFromLatLng(s2.LatLngFromDegrees(c.Lat, c.Lon)), angle)
	var keys []int64
	for _, cell := range rc.Covering(cap) {
		keys = append(keys, geo.CellKey(cell))
	}
	return keys
}

// Day keys index reports and incidents by time through the store's cell
// index (SPEC §5: look-ups by plain integer columns), which the time-window
// filter of store.Query lacks. A day key is dayKeyBase plus the UTC day
// number. S2 cell IDs of face 7 do not exist, and dayKeyBase is the
// geo.CellKey of such IDs, above every real cell's key: no spatial look-up
// (a range under a real cell, or a real ancestor) can ever match a day key.
const dayKeyBase = int64(0x7000_0000_0000_0000)

// dayKeys returns the keys of every UTC day from the day of lo to the day
// of hi.
func dayKeys(lo, hi time.Time) []int64 {
	var out []int64
	for d := dayNumber(lo); d <= dayNumber(hi); d++ {
		out = append(out, dayKeyBase+d)
	}
	return out
}

func dayNumber(t time.Time) int64 {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return d
}

// inDays restricts a look-up to records with a day key in [from, to): the
// days of from through the last instant before to. A query cannot also
// filter by space (the store ORs cell filters); callers filter space in Go.
func inDays(sq store.Query, from, to time.Time) store.Query {
	sq.From, sq.To = from, to
	sq.Cells = []store.CellFilter{{Lo: dayKeyBase + dayNumber(from), Hi: dayKeyBase + dayNumber(to.Add(-time.Millisecond))}}
	return sq
}

// AmendReport stores a new version of a report. Only its author may amend it
// (not even the coordinator, whose word it would not be); the earlier version
// stays in the journal. id, author and external_id are kept (a different
// external_id is refused); version and amends are set by the server.
func (m *Mechanism) AmendReport(ctx context.Context, req Request, id string, r ceasefire.Report) (Result, error) {
	if err := requireRole(req.Actor, reportWriters...); err != nil {
		return Result{}, err
	}
	external := r.ExternalID
	r.ExternalID = ""
	if err := checkNewReport(&r, m.clock.Now()); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		old, err := wt.ownReport(ctx, id)
		if err != nil {
			return nil, err
		}
		if external != "" && external != old.ExternalID {
			return nil, concord.Invalid("external_id", "an amendment keeps the report's external_id %q", old.ExternalID)
		}
		r.ID, r.Author, r.ExternalID, r.Version, r.Amends = old.ID, old.Author, old.ExternalID, old.Version+1, old.Version
		areas, err := m.ceasefireAreas(ctx)
		if err != nil {
			return nil, err
		}
		if err := wt.finishReport(ctx, &r, areas); err != nil {
			return nil, err
		}
		if err := wt.put(ctx, reportRecord(r), "report.amend", r); err != nil {
			return nil, err
		}
		incs, err := wt.recluster(ctx, clusterChange{areas: areas, reports: []ceasefire.Report{r}, times: []time.Time{old.ObservedAt}})
		return ReportsSubmitted{Reports: []ceasefire.Report{r}, Incidents: incs}, err
	})
}

// ownReport loads a report its author is about to amend: ENOTFOUND for those
// who may not see it, EFORBIDDEN for those who may but did not write it.
func (wt *writeTx) ownReport(ctx context.Context, id string) (ceasefire.Report, error) {
	rec, err := wt.Get(ctx, id)
	if err != nil || rec.Type != "report" || !wt.m.seesInFull(wt.req.Actor, rec) {
		return ceasefire.Report{}, concord.Errorf(concord.ENOTFOUND, "no report %q", id)
	}
	if rec.Owner != wt.req.Actor.Party {
		return ceasefire.Report{}, concord.Errorf(concord.EFORBIDDEN, "only the report's author may amend it")
	}
	return decodeReport(rec)
}

func decodeReport(r store.Record) (ceasefire.Report, error) {
	var rep ceasefire.Report
	err := json.Unmarshal(r.Body, &rep)
	return rep, err
}

// Report returns the current version of a report, if a may see it.
func (m *Mechanism) Report(ctx context.Context, a concord.Actor, id string) (ceasefire.Report, error) {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "report" || !m.seesInFull(a, r) {
		return ceasefire.Report{}, concord.Errorf(concord.ENOTFOUND, "no report %q", id)
	}
	return decodeReport(r)
}

// ReportHistory returns every version of a report, oldest first, if a may
// see it.
func (m *Mechanism) ReportHistory(ctx context.Context, a concord.Actor, id string) ([]ceasefire.Report, error) {
	if _, err := m.Report(ctx, a, id); err != nil {
		return nil, err
	}
	rs, err := m.store.History(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]ceasefire.Report, len(rs))
	for i, r := range rs {
		if out[i], err = decodeReport(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReportQuery selects reports. Zero fields do not filter.
type ReportQuery struct {
	From, To     time.Time // observed_at in [From, To)
	Categories   []ceasefire.Category
	Area         string    // ID of a ceasefire-area zone holding the report's centre
	AllegedParty string    // "-": reports naming no party
	Author       string    // the reporting party
	BBox         *geo.Rect // the report's centre (location, or the area's centroid) in the box
	After        string    // report ID to continue after
	Limit        int       // at most this many (default and bound: store limits)
}

// ReportList is one page of reports; Next, when set, continues it.
type ReportList struct {
	Reports []ceasefire.Report `json:"reports"`
	Next    string             `json:"next"`
}

// Reports lists the reports a may see (all for observers and the
// coordinator, its own for anyone else), ordered by ID.
func (m *Mechanism) Reports(ctx context.Context, a concord.Actor, q ReportQuery) (ReportList, error) {
	if err := readCeasefire(a); err != nil {
		return ReportList{}, err
	}
	sq := store.Query{Type: "report", From: q.From, To: q.To, Owner: q.Author, After: q.After}
	if !seesAllCeasefire(a) {
		if q.Author != "" && q.Author != a.Party {
			return ReportList{Reports: []ceasefire.Report{}}, nil
		}
		sq.Owner = a.Party
	}
	for _, c := range q.Categories {
		sq.Kinds = append(sq.Kinds, string(c))
	}
	switch {
	case !q.From.IsZero() && !q.To.IsZero():
		sq = inDays(sq, q.From, q.To)
	case q.BBox != nil:
		sq.Cells = cellFilters(geo.RectCovering(*q.BBox))
	}
	area, err := m.queryArea(ctx, q.Area)
	if err != nil {
		return ReportList{}, err
	}
	out := ReportList{Reports: []ceasefire.Report{}}
	keep := func(r store.Record) (bool, error) {
		rep, err := decodeReport(r)
		if err != nil || !q.matches(&rep, area) {
			return false, err
		}
		out.Reports = append(out.Reports, rep)
		return true, nil
	}
	out.Next, err = m.scanPages(ctx, sq, q.Limit, keep)
	return out, err
}

func (q *ReportQuery) matches(r *ceasefire.Report, area *ceasefire.Area) bool {
	c, _ := r.Disc()
	switch {
	case q.AllegedParty == "-" && r.AllegedParty != "":
		return false
	case q.AllegedParty != "" && q.AllegedParty != "-" && r.AllegedParty != q.AllegedParty:
		return false
	case area != nil && !area.Contains(c.Lat, c.Lon):
		return false
	case q.BBox != nil && !q.BBox.ContainsPoint(c.Position()):
		return false
	}
	return true
}

// scanPages pages through the records sq selects, calling keep on each, until
// keep has accepted limit of them (0: store.DefaultLimit; < 0: no bound) or
// the records run out. It returns the ID to continue after ("" at the end).
func (m *Mechanism) scanPages(ctx context.Context, sq store.Query, limit int, keep func(store.Record) (bool, error)) (string, error) {
	switch {
	case limit == 0:
		limit = store.DefaultLimit
	case limit > store.MaxLimit:
		limit = store.MaxLimit
	}
	sq.Limit = store.DefaultLimit
	kept := 0
	for {
		rs, err := m.store.List(ctx, sq)
		if err != nil {
			return "", err
		}
		for _, r := range rs {
			ok, err := keep(r)
			if err != nil {
				return "", err
			}
			if ok {
				kept++
			}
			if kept == limit {
				return r.ID, nil
			}
		}
		if len(rs) < sq.Limit {
			return "", nil
		}
		sq.After = rs[len(rs)-1].ID
	}
}

// listAll returns every record sq selects, paging through the store.
func (m *Mechanism) listAll(ctx context.Context, sq store.Query) ([]store.Record, error) {
	var out []store.Record
	sq.Limit = store.MaxLimit
	for {
		rs, err := m.store.List(ctx, sq)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		if len(rs) < sq.Limit {
			return out, nil
		}
		sq.After = rs[len(rs)-1].ID
	}
}

func readCeasefire(a concord.Actor) error {
	if a.Role == concord.RoleAuditor {
		return concord.Errorf(concord.EFORBIDDEN, "auditors see the journal, not its records")
	}
	return nil
}

// ceasefireAreas returns every active ceasefire-area zone as an Area.
func (m *Mechanism) ceasefireAreas(ctx context.Context) ([]ceasefire.Area, error) {
	rs, err := m.listAll(ctx, store.Query{Type: "zone", Kinds: []string{string(zones.CeasefireArea)}, Statuses: []string{string(zones.Active)}})
	if err != nil {
		return nil, err
	}
	out := make([]ceasefire.Area, 0, len(rs))
	for _, r := range rs {
		z, err := decodeZone(r)
		if err != nil {
			return nil, err
		}
		out = append(out, CeasefireArea(z))
	}
	return out, nil
}

// queryArea loads the ceasefire area a query names ("" names none).
func (m *Mechanism) queryArea(ctx context.Context, id string) (*ceasefire.Area, error) {
	if id == "" {
		return nil, nil
	}
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "zone" || r.Kind != string(zones.CeasefireArea) {
		return nil, &concord.Error{Code: concord.EINVALID, Field: "area", Message: fmt.Sprintf("no ceasefire area %q", id)}
	}
	z, err := decodeZone(r)
	if err != nil {
		return nil, err
	}
	a := CeasefireArea(z)
	return &a, nil
}

// CeasefireArea maps a ceasefire-area zone to the Area monitoring uses: its
// polygons (a Point footprint becomes a 64-gon of its radius; a polygon's
// radius_m buffer is not applied; line footprints are left out), its period
// in force from the earliest volume start to the latest end (open-ended if
// any volume is), and its applies_to as the parties covered.
func CeasefireArea(z zones.Zone) ceasefire.Area {
	a := ceasefire.Area{ID: z.ID, Name: z.Name, Parties: slices.Clone(z.AppliesTo)}
	if a.Name == "" {
		a.Name = z.ID
	}
	open := false
	for i, v := range z.Volumes {
		switch v.Footprint.Type {
		case geo.TypePolygon, geo.TypeMultiPolygon:
			a.Polygons = append(a.Polygons, v.Footprint.Polygons...)
		case geo.TypePoint:
			a.Polygons = append(a.Polygons, [][]geo.Position{circleRing(v.Footprint.Point, v.RadiusM)})
		}
		if i == 0 || v.Start.Before(a.Start) {
			a.Start = v.Start
		}
		switch {
		case v.End == nil:
			open = true
		case a.End == nil || v.End.After(*a.End):
			e := *v.End
			a.End = &e
		}
	}
	if open {
		a.End = nil
	}
	return a
}

// circleRing approximates a circle of radius metres with 64 vertices.
func circleRing(c geo.Position, radiusM float64) []geo.Position {
	const n = 64
	dLat := radiusM / ceasefire.EarthRadiusM * 180 / math.Pi
	dLon := dLat / max(math.Cos(c.Lat()*math.Pi/180), 1e-6)
	ring := make([]geo.Position, n+1)
	for i := range n {
		t := 2 * math.Pi * float64(i) / n
		ring[i] = geo.Position{c.Lon() + dLon*math.Cos(t), c.Lat() + dLat*math.Sin(t)}
	}
	ring[n] = ring[0]
	return ring
}

// EvidenceItem is an uploaded piece of evidence, stored by content: the
// record "sha256:<hex>" holds this description, and a second record the
// content itself. Whoever uploaded the same bytes is among the uploaders.
type EvidenceItem struct {
	SHA256     string    `json:"sha256"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	Uploaders  []string  `json:"uploaders"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// visibleTo: the uploaders, the observer mission and the coordinator.
func (e *EvidenceItem) visibleTo(a concord.Actor) bool {
	return seesAllCeasefire(a) || slices.Contains(e.Uploaders, a.Party)
}

func decodeEvidence(r store.Record) (EvidenceItem, error) {
	var e EvidenceItem
	err := json.Unmarshal(r.Body, &e)
	return e, err
}

func evidenceID(sum string) string { return "sha256:" + sum }

// UploadEvidence stores content by its SHA-256 (media type one of
// ceasefire.MediaTypes, at most MaxEvidenceBytes). Uploading bytes already
// stored adds the caller to the uploaders (201 the first time, 200 after);
// the same bytes under another media type are ECONFLICT.
func (m *Mechanism) UploadEvidence(ctx context.Context, req Request, mediaType string, content []byte) (Result, error) {
	if err := requireRole(req.Actor, reportWriters...); err != nil {
		return Result{}, err
	}
	switch {
	case !slices.Contains(ceasefire.MediaTypes, mediaType):
		return Result{}, concord.Invalid("Content-Type", "%q is not an accepted evidence type", mediaType)
	case len(content) == 0:
		return Result{}, concord.Invalid("body", "no content")
	case len(content) > MaxEvidenceBytes:
		return Result{}, &concord.Error{Code: concord.ETOOLARGE, Field: "body", Message: fmt.Sprintf("evidence is at most %d bytes", MaxEvidenceBytes)}
	}
	sum := sha256.Sum256(content)
	id := evidenceID(hex.EncodeToString(sum[:]))
	_, err := m.store.Get(ctx, id)
	return m.write(ctx, req, err != nil, func(ctx context.Context, wt *writeTx) (any, error) {
		ev, err := wt.storeEvidence(ctx, id, mediaType, content)
		return map[string]any{"evidence": ev}, err
	})
}

func (wt *writeTx) storeEvidence(ctx context.Context, id, mediaType string, content []byte) (EvidenceItem, error) {
	who := wt.req.Actor.Party
	rec, err := wt.Get(ctx, id)
	if concord.ErrorCode(err) == concord.ENOTFOUND {
		ev := EvidenceItem{SHA256: id[len("sha256:"):], MediaType: mediaType, Size: int64(len(content)), Uploaders: []string{who}, UploadedAt: wt.now}
		r := &store.Record{Type: "evidence", ID: id, Version: 1, Owner: who, Kind: mediaType, Status: "stored", Start: wt.now}
		if err := wt.put(ctx, r, "evidence.upload", ev); err != nil {
			return ev, err
		}
		body := &store.Record{Type: "evidence-content", ID: id + ":content", Version: 1, Owner: who, Kind: mediaType, Status: "stored", Start: wt.now}
		return ev, wt.put(ctx, body, "evidence.content", base64.StdEncoding.EncodeToString(content))
	}
	if err != nil || rec.Type != "evidence" {
		return EvidenceItem{}, concord.Errorf(concord.ECONFLICT, "record %s exists and is not evidence", id)
	}
	ev, err := decodeEvidence(rec)
	switch {
	case err != nil:
		return ev, err
	case ev.MediaType != mediaType:
		return ev, &concord.Error{Code: concord.ECONFLICT, Field: "Content-Type", Message: "these bytes are stored as " + ev.MediaType}
	case slices.Contains(ev.Uploaders, who):
		return ev, nil
	}
	ev.Uploaders = append(ev.Uploaders, who)
	rec.Version++
	return ev, wt.put(ctx, &rec, "evidence.upload", ev)
}

// checkCited checks that a report's evidence was uploaded by the author (or
// that the author sees all evidence) with the same type and size. Evidence
// the author may not see is reported as absent, so citing cannot probe.
func (wt *writeTx) checkCited(ctx context.Context, e ceasefire.Evidence) error {
	rec, err := wt.Get(ctx, evidenceID(e.SHA256))
	var ev EvidenceItem
	if err == nil && rec.Type == "evidence" {
		ev, err = decodeEvidence(rec)
	}
	switch {
	case err != nil || rec.Type != "evidence" || !ev.visibleTo(wt.req.Actor):
		return concord.Invalid("sha256", "no evidence with this hash was uploaded (POST /v1/evidence)")
	case ev.MediaType != e.MediaType:
		return concord.Invalid("media_type", "the uploaded evidence is %s", ev.MediaType)
	case ev.Size != e.Size:
		return concord.Invalid("size", "the uploaded evidence is %d bytes", ev.Size)
	}
	return nil
}

// Evidence returns an uploaded item and its content, if a may see it.
func (m *Mechanism) Evidence(ctx context.Context, a concord.Actor, sum string) (EvidenceItem, []byte, error) {
	notFound := concord.Errorf(concord.ENOTFOUND, "no evidence %q", sum)
	rec, err := m.store.Get(ctx, evidenceID(sum))
	if err != nil || rec.Type != "evidence" || !m.seesInFull(a, rec) {
		return EvidenceItem{}, nil, notFound
	}
	ev, err := decodeEvidence(rec)
	if err != nil {
		return ev, nil, err
	}
	body, err := m.store.Get(ctx, evidenceID(sum)+":content")
	if err != nil {
		return ev, nil, err
	}
	var b64 string
	if err := json.Unmarshal(body.Body, &b64); err != nil {
		return ev, nil, err
	}
	content, err := base64.StdEncoding.DecodeString(b64)
	return ev, content, err
}
