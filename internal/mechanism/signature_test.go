package mechanism

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"

	"concord"
)

func TestCheckSignature(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	p := Party{ID: "A", Role: concord.RoleParty, PublicKey: base64.StdEncoding.EncodeToString(pub), KeyID: KeyID(pub)}
	body := []byte(`{"kind":"control-area"}`)
	good := SignatureHeader(priv, "POST", "/v1/zones", "k1", body)
	tests := []struct {
		name, header, path, key string
		body                    []byte
		ok                      bool
	}{
		{"good", good, "/v1/zones", "k1", body, true},
		{"other body", good, "/v1/zones", "k1", []byte(`{}`), false},
		{"other path", good, "/v1/zones/batch", "k1", body, false},
		{"other idempotency key", good, "/v1/zones", "k2", body, false},
		{"missing", "", "/v1/zones", "k1", body, false},
		{"garbage", "sig=AAAA", "/v1/zones", "k1", body, false},
	}
	for _, tt := range tests {
		_, _, err := CheckSignature(p, tt.header, "POST", tt.path, tt.key, tt.body)
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
		if err != nil && concord.ErrorField(err) != "Concord-Signature" {
			t.Errorf("%s: error names %q", tt.name, concord.ErrorField(err))
		}
	}
	// A party without a key may not sign; with none given it passes.
	if _, _, err := CheckSignature(Party{ID: "B"}, good, "POST", "/v1/zones", "k1", body); err == nil {
		t.Error("a signature from a party without a key was accepted")
	}
	if _, _, err := CheckSignature(Party{ID: "B"}, "", "POST", "/v1/zones", "k1", body); err != nil {
		t.Error(err)
	}
}

// FuzzParseSignatureHeader: any header either parses to a key ID and a
// 64-byte signature or is refused; it never panics.
func FuzzParseSignatureHeader(f *testing.F) {
	f.Add(`keyid=0011223344556677, sig=` + base64.StdEncoding.EncodeToString(make([]byte, 64)))
	f.Add(`keyid="ab", sig="AAAA"`)
	f.Add(`sig=,keyid=`)
	f.Add(`,,,=`)
	f.Fuzz(func(t *testing.T, h string) {
		id, sig, err := ParseSignatureHeader(h)
		if err == nil && (id == "" || len(sig) != ed25519.SignatureSize) {
			t.Fatalf("accepted %q as key %q and a %d-byte signature", h, id, len(sig))
		}
	})
}
