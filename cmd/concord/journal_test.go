package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"concord/internal/client"
	"concord/internal/journal"
)

func writeZones(t *testing.T, c *client.Client, n int) []journal.Receipt {
	t.Helper()
	var all []journal.Receipt
	for i := 0; i < n; i++ {
		var res struct{ Receipts []journal.Receipt }
		body := zoneJSON("KIND", `"ceasefire-area"`, "EXTRA", fmt.Sprintf(`,"properties":{"n":"%d"}`, i))
		if err := c.Do(context.Background(), "POST", "/v1/zones", []byte(body), "", &res); err != nil {
			t.Fatal(err)
		}
		all = append(all, res.Receipts...)
	}
	return all
}

func verify(t *testing.T, s *server, state string, extra ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	args := append([]string{"verify", "--url", s.URL(), "--token", s.coord.Token, "--state", state}, extra...)
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

// Acceptance 4: every write returns a receipt; verify passes; a record or a
// leaf altered in the SQLite file behind the service's back is named.
func TestVerifyDetectsTampering(t *testing.T) {
	for _, what := range []string{"record", "leaf"} {
		t.Run(what, func(t *testing.T) {
			dir := t.TempDir()
			s := startServer(t, Config{Data: dir})
			receipts := writeZones(t, s.coord, 6)
			rdir := t.TempDir()
			if err := saveReceipts(rdir, receipts); err != nil {
				t.Fatal(err)
			}
			state := t.TempDir()
			if out, err := verify(t, s, state, "--receipt", rdir); err != nil || !strings.Contains(out, "journal verified") || !strings.Contains(out, "6 receipts included") {
				t.Fatalf("verify on an honest log: %v\n%s", err, out)
			}
			victim := receipts[3]
			leaf, _ := journal.ParseLeaf([]byte(victim.Leaf))
			s.stop()
			db, err := sql.Open("sqlite", filepath.Join(dir, "concord.db"))
			if err != nil {
				t.Fatal(err)
			}
			var q string
			if what == "record" {
				q = fmt.Sprintf(`UPDATE versions SET body = replace(CAST(body AS TEXT), '"n":"3"', '"n":"9"') WHERE id = '%s'`, leaf.Record)
			} else {
				q = fmt.Sprintf(`UPDATE leaves SET data = replace(CAST(data AS TEXT), 'actor coordinator', 'actor H') WHERE idx = %d`, victim.Index)
			}
			if res, err := db.Exec(q); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("tampering changed %d rows", n)
			}
			db.Close()
			s = startServer(t, Config{Data: dir})
			for _, st := range []string{state, t.TempDir()} { // with trusted state, and from scratch
				out, err := verify(t, s, st)
				if err == nil {
					t.Fatalf("verify passed on a log whose %s was altered:\n%s", what, out)
				}
				if want := fmt.Sprint(victim.Index); !strings.Contains(err.Error(), want) && !strings.Contains(err.Error(), leaf.Record) {
					t.Errorf("the failure does not name leaf %s or record %s: %v", want, leaf.Record, err)
				}
			}
		})
	}
}

// Acceptance 5: proofs produced by concord (golang.org/x/mod/sumdb/tlog) are
// checked by another implementation (transparency-dev/merkle).
func TestProofsVerifyWithAnotherImplementation(t *testing.T) {
	s := startServer(t, Config{})
	writeZones(t, s.coord, 20)
	ctx := context.Background()
	size := s.size(t)
	var leaves struct{ Leaves []struct{ Data string } }
	if err := s.coord.Do(ctx, "GET", fmt.Sprintf("/v1/journal/leaves?start=0&end=%d", size), nil, "", &leaves); err != nil {
		t.Fatal(err)
	}
	roots := map[int64][]byte{}
	for n := int64(1); n <= size; n++ {
		roots[n] = referenceRoot(leaves.Leaves[:n])
	}
	_, cp, _ := s.Mech.Checkpoint(ctx)
	c, err := journal.Open(cp, s.Mech.Verifier())
	if err != nil || !bytes.Equal(c.Root[:], roots[size]) {
		t.Fatalf("checkpoint root %x differs from the reference root %x (%v)", c.Root, roots[size], err)
	}
	h := rfc6962.DefaultHasher
	for n := int64(1); n <= size; n++ {
		for i := int64(0); i < n; i++ {
			var p struct{ Proof []string }
			if err := s.coord.Do(ctx, "GET", fmt.Sprintf("/v1/journal/proof/inclusion?index=%d&size=%d", i, n), nil, "", &p); err != nil {
				t.Fatal(err)
			}
			leafHash := h.HashLeaf([]byte(leaves.Leaves[i].Data))
			if err := proof.VerifyInclusion(h, uint64(i), uint64(n), leafHash, unb64(t, p.Proof), roots[n]); err != nil {
				t.Fatalf("inclusion %d in %d: %v", i, n, err)
			}
		}
		for m := int64(1); m <= n; m++ {
			var p struct{ Proof []string }
			if err := s.coord.Do(ctx, "GET", fmt.Sprintf("/v1/journal/proof/consistency?from=%d&to=%d", m, n), nil, "", &p); err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyConsistency(h, uint64(m), uint64(n), unb64(t, p.Proof), roots[m], roots[n]); err != nil {
				t.Fatalf("consistency %d→%d: %v", m, n, err)
			}
		}
	}
	// And a wrong proof is refused by that implementation, so the check can fail.
	var p struct{ Proof []string }
	s.coord.Do(ctx, "GET", fmt.Sprintf("/v1/journal/proof/inclusion?index=1&size=%d", size), nil, "", &p)
	if err := proof.VerifyInclusion(h, 2, uint64(size), h.HashLeaf([]byte(leaves.Leaves[1].Data)), unb64(t, p.Proof), roots[size]); err == nil {
		t.Fatal("a proof for leaf 1 verified for leaf 2")
	}
}

// referenceRoot is RFC 6962's MTH, written out recursively with
// transparency-dev's hasher: independent of tlog's stored-hash layout.
func referenceRoot[T any](leaves []T) []byte {
	h := rfc6962.DefaultHasher
	data := func(l T) []byte {
		b, _ := json.Marshal(l)
		var v struct{ Data string }
		json.Unmarshal(b, &v)
		return []byte(v.Data)
	}
	var mth func(ls []T) []byte
	mth = func(ls []T) []byte {
		if len(ls) == 1 {
			return h.HashLeaf(data(ls[0]))
		}
		k := 1
		for k*2 < len(ls) {
			k *= 2
		}
		return h.HashChildren(mth(ls[:k]), mth(ls[k:]))
	}
	return mth(leaves)
}

func unb64(t *testing.T, ss []string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// Retries with the same Idempotency-Key do not duplicate; reusing a key for
// another request is refused.
func TestIdempotencyKey(t *testing.T) {
	s := startServer(t, Config{})
	body := zoneJSON()
	h := map[string]string{"Idempotency-Key": "retry-1"}
	st1, b1 := raw(t, s.coord, "POST", "/v1/zones", body, h)
	n := s.size(t)
	st2, b2 := raw(t, s.coord, "POST", "/v1/zones", body, h)
	if st1 != 201 || st2 != 201 || s.size(t) != n {
		t.Fatalf("retry: %d then %d, journal %d → %d", st1, st2, n, s.size(t))
	}
	var r1, r2 struct{ Zone struct{ ID string } }
	json.Unmarshal([]byte(b1), &r1)
	json.Unmarshal([]byte(b2), &r2)
	if r1.Zone.ID == "" || r1.Zone.ID != r2.Zone.ID {
		t.Fatalf("retry answered another zone: %s vs %s", r1.Zone.ID, r2.Zone.ID)
	}
	st3, b3 := raw(t, s.coord, "POST", "/v1/zones", zoneJSON("CEIL", "30000"), h)
	if st3 != 409 || !strings.Contains(b3, "Idempotency-Key") || s.size(t) != n {
		t.Fatalf("key reuse with another body: %d %s", st3, b3)
	}
}
