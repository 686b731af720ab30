package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"concord/internal/journal"
	"concord/internal/protection"
)

func init() { commands["evidence"] = runEvidence }

// runEvidence writes the evidence bundle of a movement, site or operation:
// concord evidence movement|site|operation ID [--out FILE]. The bundle is
// verified before it is written.
func runEvidence(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[1], "-") {
		return errors.New("usage: concord evidence movement|site|operation ID [--out FILE]")
	}
	typ, id := args[0], args[1]
	fs := flag.NewFlagSet("evidence", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	out := fs.String("out", "", "file to write (default evidence-TYPE-ID.json)")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	var b protection.Bundle
	if err := c.Do(ctx, "GET", "/v1/bundles/"+url.PathEscape(typ)+"/"+url.PathEscape(id), nil, "", &b); err != nil {
		return err
	}
	v, err := b.Verify("")
	if err != nil {
		return fmt.Errorf("the bundle the server sent does not verify: %w", err)
	}
	if *out == "" {
		*out = "evidence-" + typ + "-" + strings.NewReplacer("/", "_", ":", "_").Replace(id) + ".json"
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s\n", *out, summary(b, v))
	return nil
}

func summary(b protection.Bundle, v protection.Verified) string {
	checked := 0
	for _, l := range v.Leaves {
		if l.Checked {
			checked++
		}
	}
	return fmt.Sprintf("%s %s for %s, %d leaves (%d records checked, %d withheld) in checkpoint %s size %d",
		b.Subject.Type, b.Subject.ID, b.For, len(v.Leaves), checked, len(v.Leaves)-checked, v.Checkpoint.Origin, v.Checkpoint.Size)
}

// verifyBundle checks an evidence bundle offline (concord verify --bundle
// FILE), against the log key pin when given, and prints its timeline.
func verifyBundle(path, pin string, stdout io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var b protection.Bundle
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return fmt.Errorf("%s is not an evidence bundle: %w", path, err)
	}
	v, err := b.Verify(pin)
	if err != nil {
		return fmt.Errorf("EVIDENCE VERIFICATION FAILED: %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "evidence bundle verified: %s\n", summary(b, v))
	for _, l := range v.Leaves {
		fmt.Fprintf(stdout, "  leaf %-7d %s  %-22s %s v%d by %s%s\n", l.Index, l.Leaf.Time.Format(journal.TimeLayout),
			l.Leaf.Kind, l.Leaf.Record, l.Leaf.Version, l.Leaf.Actor, marks(l))
	}
	return nil
}

func marks(l protection.VerifiedLeaf) string {
	var m []string
	if l.Leaf.KeyID != "" {
		m = append(m, "signed by key "+l.Leaf.KeyID)
	}
	if l.Checked {
		m = append(m, "record checked")
	} else {
		m = append(m, "record withheld")
	}
	return " (" + strings.Join(m, ", ") + ")"
}
