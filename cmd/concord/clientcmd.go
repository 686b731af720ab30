package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"concord"
	"concord/internal/client"
	"concord/internal/journal"
	"concord/internal/mechanism"
	"concord/internal/zones"
)

// clientFlags are the connection flags every client command takes.
type clientFlags struct {
	url, token, keyFile string
}

func (cf *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&cf.url, "url", envOr("CONCORD_URL", "http://127.0.0.1:8080"), "server URL ($CONCORD_URL)")
	fs.StringVar(&cf.token, "token", os.Getenv("CONCORD_TOKEN"), "bearer token ($CONCORD_TOKEN)")
	fs.StringVar(&cf.keyFile, "key", os.Getenv("CONCORD_KEY"), "Ed25519 private key file that signs writes ($CONCORD_KEY)")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func (cf *clientFlags) client() (*client.Client, error) {
	if cf.token == "" {
		return nil, errors.New("no token: set CONCORD_TOKEN or pass --token")
	}
	c := client.New(cf.url, strings.TrimSpace(cf.token))
	if cf.keyFile != "" {
		b, err := os.ReadFile(cf.keyFile)
		if err != nil {
			return nil, err
		}
		seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("%s: want the standard base64 of a 32-byte Ed25519 seed", cf.keyFile)
		}
		c.Key = ed25519.NewKeyFromSeed(seed)
	}
	return c, nil
}

func runParty(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: concord party add|list")
	}
	switch args[0] {
	case "add":
		return partyAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return partyList(ctx, args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown party command %q (want add or list)", args[0])
	}
}

func partyAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("party add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	var np mechanism.NewParty
	var role string
	fs.StringVar(&np.ID, "id", "", "party ID (letters, digits, _ and -; default: generated)")
	fs.StringVar(&np.Name, "name", "", "display name")
	fs.StringVar(&role, "role", "", "party, humanitarian, observer, coordinator or auditor")
	fs.StringVar(&np.PublicKey, "public-key", "", "Ed25519 public key (standard base64) that will sign its writes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	np.Role = mechanismRole(role)
	c, err := cf.client()
	if err != nil {
		return err
	}
	var out mechanism.PartyCreated
	if err := c.Do(ctx, "POST", "/v1/parties", np, "", &out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "party %s (%s, %s) created\ntoken: %s\n", out.Party.ID, out.Party.Name, out.Party.Role, out.Token)
	return nil
}

func partyList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("party list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	var out struct{ Parties []mechanism.Party }
	if err := c.Do(ctx, "GET", "/v1/parties", nil, "", &out); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tNAME\tKEY")
	for _, p := range out.Parties {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, p.Role, p.Name, p.KeyID)
	}
	return tw.Flush()
}

func runZone(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New("usage: concord zone import FILE [--kind KIND] [--start RFC3339]")
	}
	return zoneImport(ctx, args[1:], stdout, stderr)
}

// importBatch is how many zones one request of an import carries.
const importBatch = 500

// zoneImport parses and validates the whole file locally (with progress),
// so a malformed file sends nothing, then sends it in batches. Each batch's
// idempotency key derives from the file's hash, so re-running an
// interrupted import resumes it without duplicating a zone.
func zoneImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("zone import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	kind := fs.String("kind", "", "kind of features that do not name one")
	start := fs.String("start", "", "start (RFC 3339) of features that do not give one (default: now)")
	receipts := fs.String("receipts", "", "directory to save each write's receipt in (for concord verify --receipt)")
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: concord zone import FILE")
	}
	file := fs.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	d := zones.Defaults{Kind: zones.Kind(*kind), Start: time.Now().UTC()}
	if *start != "" {
		if d.Start, err = time.Parse(time.RFC3339, *start); err != nil {
			return fmt.Errorf("--start: %w", err)
		}
	}
	d.Progress = func(done, total int) { fmt.Fprintf(stderr, "\rparsed %d/%d features", done, total) }
	zs, err := zones.Import(data, filepath.Base(file), d)
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	return sendZones(ctx, c, zs, data, *receipts, stdout, stderr)
}

func sendZones(ctx context.Context, c *client.Client, zs []zones.Zone, file []byte, receiptDir string, stdout, stderr io.Writer) error {
	sum := sha256.Sum256(file)
	var all []journal.Receipt
	for i := 0; i < len(zs); i += importBatch {
		batch := zs[i:min(i+importBatch, len(zs))]
		in := make([]zones.Input, len(batch))
		for j, z := range batch {
			in[j] = z.Input()
		}
		var out struct {
			Receipts []journal.Receipt `json:"receipts"`
		}
		key := fmt.Sprintf("import-%s-%d", hex.EncodeToString(sum[:12]), i/importBatch)
		if err := c.Do(ctx, "POST", "/v1/zones/batch", map[string]any{"zones": in}, key, &out); err != nil {
			return fmt.Errorf("zones %d–%d: %w", i, i+len(batch)-1, err)
		}
		all = append(all, out.Receipts...)
		fmt.Fprintf(stderr, "\rimported %d/%d zones", i+len(batch), len(zs))
	}
	fmt.Fprintln(stderr)
	if err := saveReceipts(receiptDir, all); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d zones; %d journal receipts", len(zs), len(all))
	if len(all) > 0 {
		fmt.Fprintf(stdout, " (leaves %d–%d)", all[0].Index, all[len(all)-1].Index)
	}
	fmt.Fprintln(stdout)
	return nil
}

func saveReceipts(dir string, rs []journal.Receipt) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, r := range rs {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("receipt-%08d.json", r.Index)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// reorder moves flags before positional arguments, so that
// "zone import FILE --kind X" works as well as "zone import --kind X FILE".
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

func mechanismRole(s string) concord.Role { return concord.Role(s) }
