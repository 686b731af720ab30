package protection

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/journal"
)

// testLog builds a journal of n leaves in memory, each committing to a
// record "r<i>" (bodies and salts kept), signs a checkpoint, and returns a
// bundle of the leaves at indexes, with records for those in visible.
func testBundle(t testing.TB, n int, indexes []int64, visible map[int64]bool) Bundle {
	t.Helper()
	skey, vkey, err := journal.GenerateKey("concord.test/journal")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	var mem journal.MemoryHashes
	var leaves [][]byte
	var records []Record
	for i := range n {
		body := `{"id":"r` + string(rune('a'+i)) + `","n":` + string(rune('0'+i%10)) + `}`
		salt := journal.NewSalt()
		l := journal.Leaf{Kind: "test.write", Record: "r" + string(rune('a'+i)), Version: 1, Actor: "B",
			Time: time.Date(2016, 9, 19, 15, i, 0, 0, time.UTC), Commitment: journal.Commit(salt, []byte(body))}
		data := l.Marshal()
		if _, err := mem.Append(data); err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, data)
		records = append(records, Record{Type: "test", ID: l.Record, Version: 1, Body: body, Salt: base64.StdEncoding.EncodeToString(salt)})
	}
	root, err := journal.TreeRoot(int64(n), mem)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := journal.Sign(journal.Checkpoint{Origin: "concord.test/journal", Size: int64(n), Root: root}, signer)
	if err != nil {
		t.Fatal(err)
	}
	b := Bundle{Format: BundleFormat, Subject: BundleSubject{Type: "movement", ID: "mv_1"}, For: "H", LogKey: vkey, Checkpoint: string(cp)}
	for _, i := range indexes {
		proof, err := journal.InclusionProof(i, int64(n), mem)
		if err != nil {
			t.Fatal(err)
		}
		e := Entry{Index: i, Leaf: string(leaves[i]), LeafHash: journal.LeafHash(leaves[i]).String()}
		for _, h := range proof {
			e.Proof = append(e.Proof, h.String())
		}
		if visible[i] {
			r := records[i]
			e.Record = &r
		}
		b.Entries = append(b.Entries, e)
	}
	return b
}

func TestBundleVerifies(t *testing.T) {
	b := testBundle(t, 9, []int64{1, 4, 5, 8}, map[int64]bool{1: true, 5: true})
	v, err := b.Verify("")
	if err != nil {
		t.Fatal(err)
	}
	if v.Checkpoint.Size != 9 || len(v.Leaves) != 4 || !v.Leaves[0].Checked || v.Leaves[1].Checked || v.Leaves[3].Leaf.Record != "ri" {
		t.Fatalf("verified %+v", v)
	}
	// A round trip through JSON (as a file) keeps it verifiable.
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var back Bundle
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if _, err := back.Verify(b.LogKey); err != nil {
		t.Fatalf("after a round trip: %v", err)
	}
}

// Every alteration is detected, naming what was altered.
func TestBundleAltered(t *testing.T) {
	for _, tc := range []struct {
		name   string
		alter  func(b *Bundle)
		field  string
		detail string
	}{
		{"record body", func(b *Bundle) {
			b.Entries[0].Record.Body = strings.Replace(b.Entries[0].Record.Body, `"n":1`, `"n":7`, 1)
		},
			"entries[0].record", "does not match leaf 1's commitment"},
		{"record salt", func(b *Bundle) { b.Entries[2].Record.Salt = base64.StdEncoding.EncodeToString(make([]byte, 32)) },
			"entries[2].record", "does not match"},
		{"record of another leaf", func(b *Bundle) { b.Entries[0].Record.ID = "rf" }, "entries[0].record", "is not the one leaf 1 names"},
		{"leaf text", func(b *Bundle) { b.Entries[1].Leaf = strings.Replace(b.Entries[1].Leaf, "actor B", "actor A", 1) },
			"entries[1].leaf_hash", "is not the hash"},
		{"leaf text and hash", func(b *Bundle) {
			b.Entries[1].Leaf = strings.Replace(b.Entries[1].Leaf, "actor B", "actor A", 1)
			b.Entries[1].LeafHash = journal.LeafHash([]byte(b.Entries[1].Leaf)).String()
		}, "entries[1].inclusion_proof", "does not verify"},
		{"proof", func(b *Bundle) { b.Entries[3].Proof[0] = journal.LeafHash([]byte("x")).String() }, "entries[3].inclusion_proof", "does not verify"},
		{"index", func(b *Bundle) { b.Entries[3].Index = 7 }, "entries[3].inclusion_proof", "does not verify"},
		{"order", func(b *Bundle) { b.Entries[1], b.Entries[2] = b.Entries[2], b.Entries[1] }, "entries[2].index", "is not after"},
		{"checkpoint", func(b *Bundle) { b.Checkpoint = strings.Replace(b.Checkpoint, "\n9\n", "\n10\n", 1) }, "checkpoint", "invalid"},
		{"log key", func(b *Bundle) {
			_, other, _ := journal.GenerateKey("concord.test/journal")
			b.LogKey = other
		}, "checkpoint", "not signed"},
		{"format", func(b *Bundle) { b.Format = "v0" }, "format", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := testBundle(t, 9, []int64{1, 4, 5, 8}, map[int64]bool{1: true, 5: true})
			tc.alter(&b)
			_, err := b.Verify("")
			if concord.ErrorField(err) != tc.field || !strings.Contains(concord.ErrorMessage(err), tc.detail) {
				t.Fatalf("got %v, want an error naming %s (%q)", err, tc.field, tc.detail)
			}
		})
	}
}

func TestBundlePinnedKey(t *testing.T) {
	b := testBundle(t, 3, []int64{0}, nil)
	_, other, _ := journal.GenerateKey("concord.test/journal")
	if _, err := b.Verify(other); concord.ErrorField(err) != "log_key" {
		t.Fatalf("a bundle under another key than the one trusted: %v", err)
	}
}

// FuzzBundle feeds arbitrary files to the verifier: it never panics, and
// whatever it accepts has strictly ascending leaves, each parsed.
func FuzzBundle(f *testing.F) {
	b := testBundle(f, 5, []int64{0, 2, 4}, map[int64]bool{2: true})
	good, _ := json.Marshal(b)
	f.Add(good)
	f.Add([]byte(`{"format":"concord-evidence/v1"}`))
	f.Add([]byte(strings.Replace(string(good), `"index":2`, `"index":3`, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Bundle
		if json.Unmarshal(data, &b) != nil {
			return
		}
		v, err := b.Verify("")
		if err != nil {
			return
		}
		for i, l := range v.Leaves {
			if i > 0 && l.Index <= v.Leaves[i-1].Index || l.Index >= v.Checkpoint.Size || l.Leaf.Record == "" {
				t.Fatalf("accepted leaf %+v", l)
			}
		}
	})
}
