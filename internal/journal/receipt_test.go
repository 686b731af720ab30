package journal

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"concord"
)

// integratedReceipt returns the receipt of leaf index in l, integrated into
// the checkpoint of l's current size.
func integratedReceipt(t testing.TB, l *testLog, index int64) Receipt {
	t.Helper()
	signed := l.checkpoint(t, l.size())
	c, err := Open(signed, l.v)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReceipt(index, l.leaves[index]).Integrate(signed, c, l.m)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReceiptVerify(t *testing.T) {
	l := newTestLog(t, 13)
	for i := range l.size() {
		r := integratedReceipt(t, l, i)
		c, err := r.Verify(l.v)
		if err != nil {
			t.Fatalf("receipt %d: %v", i, err)
		}
		if c.Size != 13 || c.Origin != testOrigin {
			t.Fatalf("receipt %d: checkpoint %+v", i, c)
		}
	}
}

func TestReceiptJSON(t *testing.T) {
	l := newTestLog(t, 5)
	r := integratedReceipt(t, l, 3)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"index":3`, `"leaf_hash":`, `"leaf":"concord-leaf/v1\n`, `"checkpoint":`, `"inclusion_proof":[`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("JSON %s lacks %s", data, key)
		}
	}
	pending, _ := json.Marshal(NewReceipt(3, l.leaves[3]))
	if strings.Contains(string(pending), "checkpoint") || strings.Contains(string(pending), "inclusion_proof") {
		t.Errorf("pending receipt JSON %s has a checkpoint or proof", pending)
	}
	var back Receipt
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if _, err := back.Verify(l.v); err != nil {
		t.Fatal(err)
	}
}

func TestReceiptTampered(t *testing.T) {
	l := newTestLog(t, 6)
	_, strangerV := testKey(t, testOrigin, 9)
	tests := []struct {
		name        string
		edit        func(*Receipt)
		v           note.Verifier
		code, field string
		msg         string
	}{
		{"leaf text", func(r *Receipt) { r.Leaf = strings.Replace(r.Leaf, "z_4", "z_5", 1) }, nil, concord.ECONFLICT, "leaf_hash", "not the hash"},
		{"leaf and hash", func(r *Receipt) {
			r.Leaf = string(l.leaves[5])
			r.LeafHash = LeafHash(l.leaves[5]).String()
		}, nil, concord.ECONFLICT, "inclusion_proof", "does not verify"},
		{"index", func(r *Receipt) { r.Index = 3 }, nil, concord.ECONFLICT, "inclusion_proof", "leaf 3"},
		{"index beyond size", func(r *Receipt) { r.Index = 6 }, nil, concord.EINVALID, "index", "less than"},
		{"negative index", func(r *Receipt) { r.Index = -1 }, nil, concord.EINVALID, "index", "negative"},
		{"proof hash", func(r *Receipt) { r.Proof[1] = r.Proof[0] }, nil, concord.ECONFLICT, "inclusion_proof", "does not verify"},
		{"proof short", func(r *Receipt) { r.Proof = r.Proof[1:] }, nil, concord.ECONFLICT, "inclusion_proof", "does not verify"},
		{"proof not base64", func(r *Receipt) { r.Proof[1] = "hello" }, nil, concord.EINVALID, "inclusion_proof[1]", "base64"},
		{"proof too long", func(r *Receipt) { r.Proof = make([]string, 65) }, nil, concord.EINVALID, "inclusion_proof", "at most"},
		{"leaf hash not base64", func(r *Receipt) { r.LeafHash = "x" }, nil, concord.EINVALID, "leaf_hash", "base64"},
		{"leaf malformed", func(r *Receipt) { r.Leaf = "concord-leaf/v1\n" }, nil, concord.EINVALID, "leaf", ""},
		{"checkpoint", func(r *Receipt) { r.Checkpoint = strings.Replace(r.Checkpoint, "\n6\n", "\n7\n", 1) }, nil, concord.ECONFLICT, "checkpoint", "invalid"},
		{"other key", func(r *Receipt) {}, strangerV, concord.ECONFLICT, "checkpoint", "not signed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := integratedReceipt(t, l, 4)
			tt.edit(&r)
			v := tt.v
			if v == nil {
				v = l.v
			}
			wantErr(t, second(r.Verify(v)), tt.code, tt.field, tt.msg)
		})
	}
}

func TestReceiptNotIntegrated(t *testing.T) {
	l := newTestLog(t, 3)
	r := NewReceipt(2, l.leaves[2])
	if _, err := r.Verify(l.v); !errors.Is(err, ErrNotIntegrated) {
		t.Fatalf("Verify = %v, want ErrNotIntegrated", err)
	}
	r.Leaf += "x"
	if _, err := r.Verify(l.v); concord.ErrorField(err) != "leaf" {
		t.Fatalf("a pending receipt's leaf is not checked: %v", err)
	}
}

func TestReceiptIntegrateErrors(t *testing.T) {
	l := newTestLog(t, 3)
	signed := l.checkpoint(t, 2)
	c, _ := Open(signed, l.v)
	wantErr(t, second(NewReceipt(2, l.leaves[2]).Integrate(signed, c, l.m)), concord.EINVALID, "index", "less than")
	c.Size = 3
	wantErr(t, second(NewReceipt(1, l.leaves[1]).Integrate(signed, c, l.m)), concord.EINVALID, "checkpoint", "not of checkpoint")
}
