package witness

import (
	"fmt"
	"strings"

	"concord"
)

// VerifyCosignatures checks that the signed note msg (a checkpoint with its
// signature lines) carries valid cosignatures by at least n distinct
// cosigners among witnesses, and returns the valid ones, at most one per
// cosigner, in the order of witnesses. Signature lines of other keys (the
// log's own, unknown witnesses, other signature types) are ignored, as
// https://c2sp.org/tlog-cosignature lets clients do; it does not check the
// log's signature (journal.Open does). A witness repeated in witnesses counts
// once; n ≤ 0 requires nothing. Fewer than n valid cosignatures is ECONFLICT
// naming "cosignatures", listing the witnesses whose cosignature did not
// verify; n greater than the number of distinct witnesses is EINVALID naming
// "min_cosignatures"; a malformed note is EINVALID naming "checkpoint".
func VerifyCosignatures(msg []byte, witnesses []*Verifier, n int) ([]Cosignature, error) {
	ws := distinct(witnesses)
	if n > len(ws) {
		return nil, concord.Invalid("min_cosignatures", "%d cosignatures required but only %d witness keys given", n, len(ws))
	}
	text, lines, err := SplitNote(msg)
	if err != nil {
		return nil, err
	}
	var cosigs []Cosignature
	for _, l := range lines {
		if c, err := ParseCosignature(l); err == nil {
			cosigs = append(cosigs, c)
		}
	}
	var valid []Cosignature
	var invalid []string
	for _, w := range ws {
		c, found, ok := w.find(cosigs, text)
		switch {
		case ok:
			valid = append(valid, c)
		case found:
			invalid = append(invalid, w.name)
		}
	}
	if len(valid) < n {
		msg := fmt.Sprintf("the checkpoint carries %d valid cosignatures from the %d witness keys given, want at least %d", len(valid), len(ws), n)
		if len(invalid) > 0 {
			msg += "; cosignatures that do not verify: " + strings.Join(invalid, ", ")
		}
		return valid, &concord.Error{Code: concord.ECONFLICT, Field: "cosignatures", Message: msg}
	}
	return valid, nil
}

// find returns w's valid cosignature of text among cosigs; found reports
// whether any cosignature claimed to be w's.
func (w *Verifier) find(cosigs []Cosignature, text []byte) (c Cosignature, found, ok bool) {
	for _, c := range cosigs {
		if c.Name != w.name || c.KeyHash != w.hash {
			continue
		}
		found = true
		if w.Check(c, text) {
			return c, true, true
		}
	}
	return Cosignature{}, found, false
}

func distinct(vs []*Verifier) []*Verifier {
	seen := map[string]bool{}
	var out []*Verifier
	for _, v := range vs {
		if v == nil {
			continue
		}
		k := v.Key()
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}
