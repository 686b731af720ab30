package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"concord/internal/ceasefire"
	"concord/internal/client"
	"concord/internal/feed/ucdp"
	"concord/internal/mechanism"
)

func init() {
	commands["report"] = runReport
	commands["export"] = runExport
}

// exportTargets are what `concord export` exports; other capabilities may add theirs.
var exportTargets = map[string]command{"incidents": exportIncidents}

// reportBatch is how many reports one request of a submission or import carries.
const reportBatch = 500

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: concord report submit FILE | concord report import --format ucdp-ged FILE")
	}
	switch args[0] {
	case "submit":
		return reportSubmit(ctx, args[1:], stdout, stderr)
	case "import":
		return reportImport(ctx, args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown report command %q (want submit or import)", args[0])
	}
}

// reportSubmit sends a JSON report, an array of reports or {"reports": [...]},
// in batches whose idempotency keys derive from the file's content, so that
// running it again after a failure adds nothing twice.
func reportSubmit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report submit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: concord report submit FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	raws, err := reportsOf(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	var t tally
	if err := t.start(ctx, c); err != nil {
		return err
	}
	for i := 0; i < len(raws); i += reportBatch {
		batch := raws[i:min(i+reportBatch, len(raws))]
		key := fmt.Sprintf("report-submit-%s-%d", hex.EncodeToString(sum[:12]), i/reportBatch)
		if err := t.send(ctx, c, batch, key); err != nil {
			return fmt.Errorf("reports %d–%d: %w", i, i+len(batch)-1, err)
		}
	}
	for i, r := range t.stored {
		if i == 20 {
			fmt.Fprintf(stdout, "… and %d more\n", len(t.stored)-i)
			break
		}
		fmt.Fprintf(stdout, "report %s stored\n", r)
	}
	t.print(stdout)
	return nil
}

// reportsOf splits a file into its reports' JSON.
func reportsOf(data []byte) ([]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	var raws []json.RawMessage
	switch {
	case len(data) == 0:
		return nil, errors.New("empty file")
	case data[0] == '[':
		err := json.Unmarshal(data, &raws)
		return raws, err
	}
	var batch struct {
		Reports []json.RawMessage `json:"reports"`
	}
	if json.Unmarshal(data, &batch) == nil && batch.Reports != nil {
		return batch.Reports, nil
	}
	return []json.RawMessage{data}, nil
}

// tally adds up the answers to a submission's batches. A batch sent again
// with the same idempotency key is answered as the first time; tally tells
// such replays by their receipts, which name leaves older than the journal
// was when the submission began (since), and counts their reports as held.
type tally struct {
	since               int64
	sent, dups, replays int
	stored              []string
	incidents           map[string]bool
}

// start notes the journal's size before the first batch.
func (t *tally) start(ctx context.Context, c *client.Client) error {
	var cp []byte
	if err := c.Do(ctx, "GET", "/v1/journal/checkpoint", nil, "", &cp); err != nil {
		return err
	}
	lines := strings.SplitN(string(cp), "\n", 3)
	if len(lines) < 3 {
		return fmt.Errorf("malformed checkpoint %q", cp)
	}
	var err error
	t.since, err = strconv.ParseInt(lines[1], 10, 64)
	return err
}

func (t *tally) send(ctx context.Context, c *client.Client, reports any, key string) error {
	var out struct {
		mechanism.ReportsSubmitted
		Receipts []struct{ Index int64 } `json:"receipts"`
	}
	if err := c.Do(ctx, "POST", "/v1/reports", map[string]any{"reports": reports}, key, &out); err != nil {
		return err
	}
	if t.incidents == nil {
		t.incidents = map[string]bool{}
	}
	n := len(out.Reports) + len(out.Duplicates)
	t.sent += n
	if len(out.Receipts) > 0 && out.Receipts[len(out.Receipts)-1].Index < t.since {
		t.replays++
		t.dups += n
		return nil
	}
	for _, r := range out.Reports {
		t.stored = append(t.stored, r.ID)
	}
	for _, id := range out.Incidents {
		t.incidents[id] = true
	}
	t.dups += len(out.Duplicates)
	return nil
}

func (t *tally) print(w io.Writer) {
	fmt.Fprintf(w, "%d reports: %d new, %d already held; %d incidents created or changed",
		t.sent, len(t.stored), t.dups, len(t.incidents))
	if t.replays > 0 {
		fmt.Fprintf(w, " (%d batches answered from an earlier run with the same idempotency keys)", t.replays)
	}
	fmt.Fprintln(w)
}

// sideFlags collects --side NAME=PARTY.
type sideFlags map[string]string

func (s sideFlags) String() string { return fmt.Sprint(map[string]string(s)) }

func (s sideFlags) Set(v string) error {
	name, party, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(name) == "" || party == "" {
		return errors.New("want NAME=PARTY, e.g. \"Government of Syria=sy-gov\"")
	}
	s[strings.TrimSpace(name)] = strings.TrimSpace(party)
	return nil
}

// reportImport imports a UCDP GED CSV file as violation reports. A first
// pass reads the whole file (streaming), hashing it and checking that every
// row maps to a valid report, so a bad file sends nothing; the second pass
// sends the reports in batches whose idempotency keys derive from the file's
// hash and the batch's number. Each report carries external_id ucdp:ID, which
// the server will not store twice for the same author: a re-import, however
// batched, adds nothing.
func reportImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	format := fs.String("format", "", "input format: ucdp-ged")
	batch := fs.Int("batch", reportBatch, "reports per request (1 to 1000)")
	sides := sideFlags{}
	fs.Var(sides, "side", "map a GED side (or one of its comma-separated members) to an alleged party: NAME=PARTY (repeatable)")
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	switch {
	case *format != "ucdp-ged":
		return errors.New("--format: want ucdp-ged")
	case fs.NArg() != 1:
		return errors.New("usage: concord report import --format ucdp-ged FILE")
	case *batch < 1 || *batch > mechanism.MaxReportBatch:
		return errors.New("--batch: want 1 to 1000")
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	imp := &gedImport{file: fs.Arg(0), sides: sides, batch: *batch, stderr: stderr}
	if err := imp.check(); err != nil {
		return err
	}
	if err := imp.t.start(ctx, c); err != nil {
		return err
	}
	if err := imp.send(ctx, c); err != nil {
		return err
	}
	imp.t.print(stdout)
	return nil
}

// gedImport is one import of a GED file.
type gedImport struct {
	file   string
	sides  map[string]string
	batch  int
	stderr io.Writer
	sum    string // hex SHA-256 of the file, first 12 bytes
	total  int
	t      tally
}

// each streams the file's events as reports to fn, stopping at the first
// error fn returns. Row errors are passed to bad.
func (g *gedImport) each(h io.Writer, fn func(ceasefire.Report) error, bad func(error)) error {
	f, err := os.Open(g.file)
	if err != nil {
		return err
	}
	defer f.Close()
	var raw io.Reader = f
	if h != nil {
		raw = io.TeeReader(f, h)
	}
	in, err := gunzipIf(g.file, raw)
	if err != nil {
		return err
	}
	rd := ucdp.NewReader(in)
	for {
		e, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var pe *ucdp.ParseError
		if errors.As(err, &pe) && pe.Row > 1 {
			bad(err)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", g.file, err)
		}
		r := ucdp.ToReport(e, g.sides)
		r.ID, r.Author = "", "" // the server assigns them
		if err := fn(r); err != nil {
			return err
		}
	}
}

// check reads the whole file once: its hash (with the side mapping, which
// changes the reports sent), and a valid report per row.
func (g *gedImport) check() error {
	h := sha256.New()
	now := time.Now()
	var problems []string
	note := func(err error) {
		if len(problems) < 10 {
			problems = append(problems, err.Error())
		}
	}
	err := g.each(h, func(r ceasefire.Report) error {
		g.total++
		if err := r.Validate(now); err != nil {
			note(fmt.Errorf("%s: %w", r.ExternalID, err))
		}
		if g.total%1000 == 0 {
			fmt.Fprintf(g.stderr, "\rchecked %d events", g.total)
		}
		return nil
	}, func(err error) { g.total++; note(err) })
	fmt.Fprintf(g.stderr, "\rchecked %d events\n", g.total)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: nothing sent; first problems:\n  %s", g.file, strings.Join(problems, "\n  "))
	}
	for _, side := range slices.Sorted(maps.Keys(g.sides)) { // another mapping sends other reports
		fmt.Fprintf(h, "\nside %q=%q", side, g.sides[side])
	}
	g.sum = hex.EncodeToString(h.Sum(nil)[:12])
	return nil
}

// send reads the file again and sends it in batches, with progress.
func (g *gedImport) send(ctx context.Context, c *client.Client) error {
	var pending []ceasefire.Report
	n := 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		key := fmt.Sprintf("ucdp-ged-%s-%d-%d", g.sum, g.batch, n)
		if err := g.t.send(ctx, c, pending, key); err != nil {
			return fmt.Errorf("events %d–%d: %w", n*g.batch, n*g.batch+len(pending)-1, err)
		}
		n++
		pending = pending[:0]
		fmt.Fprintf(g.stderr, "\rimported %d/%d events (%d new, %d already held)", g.t.sent, g.total, len(g.t.stored), g.t.dups)
		return nil
	}
	err := g.each(nil, func(r ceasefire.Report) error {
		pending = append(pending, r)
		if len(pending) == g.batch {
			return flush()
		}
		return nil
	}, func(error) {})
	if err == nil {
		err = flush()
	}
	fmt.Fprintln(g.stderr)
	return err
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || exportTargets[args[0]] == nil {
		return errors.New("usage: concord export incidents --format csv|geojson [--out FILE]")
	}
	return exportTargets[args[0]](ctx, args[1:], stdout, stderr)
}

// exportIncidents writes the incidents the caller may see as CSV (with an
// HXL row) or GeoJSON, to --out or standard output.
func exportIncidents(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export incidents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	format := fs.String("format", "csv", "csv (with an HXL hashtag row) or geojson")
	out := fs.String("out", "", "file to write (default: standard output)")
	q := url.Values{}
	for _, name := range []string{"from", "to", "category", "state", "area", "alleged_party"} {
		fs.Func(strings.ReplaceAll(name, "_", "-"), "filter: "+name, func(v string) error { q.Set(name, v); return nil })
	}
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	q.Set("format", *format)
	var body []byte
	if err := c.Do(ctx, "GET", "/v1/incidents/export?"+q.Encode(), nil, "", &body); err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(body)
		return err
	}
	if err := os.WriteFile(*out, body, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (%d bytes)\n", *out, len(body))
	return nil
}

// gunzipIf decompresses r when name ends in .gz: the GED releases and the
// repository's copy are often kept gzipped.
func gunzipIf(name string, r io.Reader) (io.Reader, error) {
	if !strings.HasSuffix(name, ".gz") {
		return r, nil
	}
	return gzip.NewReader(r)
}

// openMaybeGzip opens a file, decompressing it if its name ends in .gz.
func openMaybeGzip(name string) (io.ReadCloser, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	r, err := gunzipIf(name, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{r, f}, nil
}
