package journal

import (
	"bytes"
	"encoding/json"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// The parsers of outside input never panic and accept only canonical text:
// whatever they accept, the matching writer reproduces byte for byte.

func FuzzParseLeaf(f *testing.F) {
	f.Add([]byte(goldenLeaf))
	for i := range 3 {
		f.Add(testLeaf(i).Marshal())
	}
	f.Add([]byte("concord-leaf/v1\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLeaf(data)
		if err != nil {
			return
		}
		if err := l.Validate(); err != nil {
			t.Fatalf("ParseLeaf accepted %q, which is invalid: %v", data, err)
		}
		if got := l.Marshal(); !bytes.Equal(got, data) {
			t.Fatalf("ParseLeaf(%q).Marshal() = %q", data, got)
		}
		if _, err := new(MemoryHashes).Append(data); err != nil {
			t.Fatalf("Append refuses a leaf ParseLeaf accepts: %v", err)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte("concord.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"))
	f.Add([]byte("PeterNeumann\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"))
	f.Add([]byte("o\n01\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := ParseCheckpoint(body)
		if err != nil {
			return
		}
		if got := c.Body(); !bytes.Equal(got, body) {
			t.Fatalf("ParseCheckpoint(%q).Body() = %q", body, got)
		}
		if c.Size < 0 || checkOrigin(c.Origin) != nil {
			t.Fatalf("ParseCheckpoint(%q) = %+v", body, c)
		}
	})
}

func FuzzOpen(f *testing.F) {
	s, v := testKey(f, testOrigin, 1)
	stranger, _ := testKey(f, "witness.example", 3)
	c := Checkpoint{Origin: testOrigin, Size: 3, Root: goldenCommitment()}
	msg, _ := Sign(c, s)
	cosigned, _ := note.Sign(&note.Note{Text: string(c.Body())}, s, stranger)
	f.Add(msg)
	f.Add(cosigned)
	f.Add([]byte(goldenCheckpoint))
	f.Add(append(c.Body(), '\n'))
	f.Fuzz(func(t *testing.T, msg []byte) {
		got, err := Open(msg, v)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(msg, append(got.Body(), '\n')) {
			t.Fatalf("Open(%q) = %+v, whose body does not begin the note", msg, got)
		}
		again, err := Sign(got, s)
		if err != nil {
			t.Fatalf("cannot re-sign %+v: %v", got, err)
		}
		if back, err := Open(again, v); err != nil || back != got {
			t.Fatalf("re-signed %+v opens as %+v, %v", got, back, err)
		}
	})
}

// FuzzReceiptVerify checks soundness as well as robustness: the only key the
// fuzzer can use signs checkpoints of one test log, so any receipt that
// verifies must hold that log's leaf at its index.
func FuzzReceiptVerify(f *testing.F) {
	l := newTestLog(f, 7)
	st := l.state(f)
	for _, i := range []int64{0, 3, 6} {
		data, _ := json.Marshal(integratedReceipt(f, l, i))
		f.Add(data)
	}
	pending, _ := json.Marshal(NewReceipt(2, l.leaves[2]))
	f.Add(pending)
	f.Add([]byte(`{"index":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Receipt
		if json.Unmarshal(data, &r) != nil {
			return
		}
		c, err := r.Verify(l.v)
		if err != nil {
			return
		}
		if r.Index >= c.Size || c.Size > l.size() {
			t.Fatalf("receipt %+v verified against checkpoint %+v", r, c)
		}
		if err := st.CheckReceipt(r); err != nil {
			t.Fatalf("receipt verified but its leaf is not in the log: %v", err)
		}
	})
}

func FuzzStateUnmarshal(f *testing.F) {
	for _, n := range []int{0, 1, 5} {
		data, _ := newTestLog(f, n).state(f).MarshalBinary()
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var st State
		if st.UnmarshalBinary(data) != nil {
			return
		}
		if got, _ := st.MarshalBinary(); !bytes.Equal(got, data) {
			t.Fatalf("UnmarshalBinary(%q) re-encodes as %q", data, got)
		}
	})
}
