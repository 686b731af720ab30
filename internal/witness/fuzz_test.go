package witness

import (
	"os"
	"strings"
	"testing"
)

func FuzzParseCosignature(f *testing.F) {
	msg, err := os.ReadFile(vectorFile)
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range strings.SplitAfter(string(msg), "\n") {
		f.Add(l)
	}
	f.Add("— w AAAA\n")
	f.Add("— \n")
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCosignature(line)
		if err != nil {
			return
		}
		if want := strings.TrimSuffix(line, "\n") + "\n"; c.Line() != want {
			t.Fatalf("Line() = %q, want %q", c.Line(), want)
		}
		again, err := ParseCosignature(c.Line())
		if err != nil || again.Line() != c.Line() {
			t.Fatalf("round trip of %q: %v", c.Line(), err)
		}
	})
}

func FuzzVerifyCosignatures(f *testing.F) {
	msg, err := os.ReadFile(vectorFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(msg)
	f.Add([]byte("o\n1\nAAAA\n\n— w AAAA\n"))
	vs := make([]*Verifier, len(vectorWitnesses))
	for i, k := range vectorWitnesses {
		vs[i], _ = NewVerifier(k)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		valid, err := VerifyCosignatures(msg, vs, 1)
		if err == nil && len(valid) == 0 {
			t.Fatal("no error without a valid cosignature")
		}
		text, _, _ := SplitNote(msg)
		for _, c := range valid {
			v := vs[0]
			for _, w := range vs {
				if w.Name() == c.Name {
					v = w
				}
			}
			if !v.Check(c, text) {
				t.Fatalf("returned cosignature by %s does not check", c.Name)
			}
		}
	})
}

func FuzzNewVerifier(f *testing.F) {
	for _, k := range vectorWitnesses {
		f.Add(k)
	}
	f.Add("w+00000000+BA==")
	f.Fuzz(func(t *testing.T, vkey string) {
		v, err := NewVerifier(vkey)
		if err != nil {
			return
		}
		again, err := NewVerifier(v.Key())
		if err != nil || again.Key() != v.Key() || v.KeyHash() != KeyHash(v.Name(), v.pub) {
			t.Fatalf("%q parsed as %q, which does not parse back: %v", vkey, v.Key(), err)
		}
	})
}

func FuzzCheckFork(f *testing.F) {
	log := newTestLog(f, "concord.example/log", 1)
	log.grow(f, 3)
	a := log.checkpoint(f)
	fork := &testLog{s: log.s, v: log.v, tag: "b"}
	fork.grow(f, 3)
	f.Add(a, fork.checkpoint(f))
	f.Add(a, a)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		fe, err := CheckFork(log.v, a, b)
		if err != nil {
			return
		}
		if fe.CosignedRoot == fe.OfferedRoot {
			t.Fatal("accepted two checkpoints with one root as a fork")
		}
		if _, err := CheckFork(log.v, fe.Cosigned, fe.Offered); err != nil {
			t.Fatalf("the evidence does not check again: %v", err)
		}
	})
}
