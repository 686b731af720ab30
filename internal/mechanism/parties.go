package mechanism

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"concord"
	"concord/internal/store"
)

// Party is an actor of the mechanism: an armed party, an aid organisation,
// the observer mission, the coordinator or an auditor.
type Party struct {
	ID        string       `json:"id"`
	Version   int          `json:"version"`
	Name      string       `json:"name"`
	Role      concord.Role `json:"role"`
	PublicKey string       `json:"public_key,omitempty"` // Ed25519, standard base64 of 32 bytes
	KeyID     string       `json:"key_id,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// NewParty is what a coordinator submits to create a party.
type NewParty struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Role      concord.Role `json:"role"`
	PublicKey string       `json:"public_key,omitempty"`
}

// token is the journaled record of a token's issue: only its hash is kept.
type token struct {
	ID        string    `json:"id"`
	Party     string    `json:"party"`
	SHA256    string    `json:"sha256"`
	CreatedAt time.Time `json:"created_at"`
}

func init() {
	// Who takes part, in which role, with which public key, is known to every member.
	registerType("party", RecordType{
		InFull: func(*Mechanism, concord.Actor, store.Record) bool { return true },
		View: func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error) {
			p, err := decodeParty(r)
			return p, err == nil, err
		},
	})
}

var partyIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

func (p *NewParty) validate() error {
	if p.ID != "" && !partyIDPattern.MatchString(p.ID) {
		return concord.Invalid("id", "must match %s", partyIDPattern)
	}
	if n := len(strings.TrimSpace(p.Name)); n == 0 || len(p.Name) > 200 {
		return concord.Invalid("name", "must be 1 to 200 characters")
	}
	if !p.Role.Valid() {
		return concord.Invalid("role", "must be one of party, humanitarian, observer, coordinator, auditor")
	}
	if p.PublicKey != "" {
		if _, err := parsePublicKey(p.PublicKey); err != nil {
			return concord.Prefix("public_key", err)
		}
	}
	return nil
}

func parsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, concord.Invalid("", "must be a 32-byte Ed25519 public key in standard base64")
	}
	return ed25519.PublicKey(b), nil
}

// KeyID names an Ed25519 public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewToken returns a fresh bearer token and the hash under which it is stored.
func NewToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	t := "cct_" + base64.RawURLEncoding.EncodeToString(b)
	return t, TokenHash(t)
}

// TokenHash is how tokens are stored: only their SHA-256.
func TokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// PartyCreated is the answer to creating a party: the token is shown once.
type PartyCreated struct {
	Party Party  `json:"party"`
	Token string `json:"token"`
}

// CreateParty creates a party and its first token (coordinator only).
func (m *Mechanism) CreateParty(ctx context.Context, req Request, np NewParty) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleCoordinator); err != nil {
		return Result{}, err
	}
	if err := np.validate(); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		p, tok, err := wt.createParty(ctx, np)
		return PartyCreated{Party: p, Token: tok}, err
	})
}

func (wt *writeTx) createParty(ctx context.Context, np NewParty) (Party, string, error) {
	if np.ID == "" {
		np.ID = newID("p", wt.now)
	}
	if _, err := wt.Get(ctx, np.ID); err == nil {
		return Party{}, "", &concord.Error{Code: concord.ECONFLICT, Field: "id", Message: "a party or record with this ID exists"}
	}
	p := Party{ID: np.ID, Version: 1, Name: np.Name, Role: np.Role, PublicKey: np.PublicKey, CreatedAt: wt.now, UpdatedAt: wt.now}
	if p.PublicKey != "" {
		pub, _ := parsePublicKey(p.PublicKey)
		p.KeyID = KeyID(pub)
	}
	if err := wt.put(ctx, partyRecord(p), "party.create", p); err != nil {
		return Party{}, "", err
	}
	tok, err := wt.issueToken(ctx, p.ID)
	return p, tok, err
}

func partyRecord(p Party) *store.Record {
	return &store.Record{Type: "party", ID: p.ID, Version: p.Version, Owner: p.ID, Kind: string(p.Role), Status: "active"}
}

func (wt *writeTx) issueToken(ctx context.Context, party string) (string, error) {
	tok, hash := NewToken()
	t := token{ID: newID("t", wt.now), Party: party, SHA256: hex.EncodeToString(hash), CreatedAt: wt.now}
	r := &store.Record{Type: "token", ID: t.ID, Version: 1, Owner: party, Kind: "bearer", Status: "active"}
	if err := wt.put(ctx, r, "token.issue", t); err != nil {
		return "", err
	}
	return tok, wt.PutToken(ctx, hash, party)
}

// IssueToken issues another token for a party (coordinator only).
func (m *Mechanism) IssueToken(ctx context.Context, req Request, party string) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleCoordinator); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		if _, err := wt.party(ctx, party); err != nil {
			return nil, err
		}
		tok, err := wt.issueToken(ctx, party)
		return map[string]string{"party": party, "token": tok}, err
	})
}

// RegisterKey registers (or replaces) a party's Ed25519 public key; from then
// on its writes must be signed. A party registers its own key; the
// coordinator may register any party's.
func (m *Mechanism) RegisterKey(ctx context.Context, req Request, party, publicKey string) (Result, error) {
	if !req.Actor.Owns(party) {
		return Result{}, concord.Errorf(concord.EFORBIDDEN, "only the party itself or the coordinator may register its key")
	}
	pub, err := parsePublicKey(publicKey)
	if err != nil {
		return Result{}, concord.Prefix("public_key", err)
	}
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		p, err := wt.party(ctx, party)
		if err != nil {
			return nil, err
		}
		p.Version++
		p.PublicKey, p.KeyID, p.UpdatedAt = publicKey, KeyID(pub), wt.now
		return map[string]Party{"party": p}, wt.put(ctx, partyRecord(p), "party.key", p)
	})
}

func (wt *writeTx) party(ctx context.Context, id string) (Party, error) {
	r, err := wt.Get(ctx, id)
	if err != nil || r.Type != "party" {
		return Party{}, concord.Errorf(concord.ENOTFOUND, "no party %q", id)
	}
	return decodeParty(r)
}

func decodeParty(r store.Record) (Party, error) {
	var p Party
	err := json.Unmarshal(r.Body, &p)
	return p, err
}

// Party returns a party (any authenticated role but auditors may look parties up).
func (m *Mechanism) Party(ctx context.Context, a concord.Actor, id string) (Party, error) {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "party" {
		return Party{}, concord.Errorf(concord.ENOTFOUND, "no party %q", id)
	}
	return decodeParty(r)
}

// Parties lists every party. Every role may list parties: who takes part in
// the mechanism, and their public keys, are not secret from its members.
func (m *Mechanism) Parties(ctx context.Context, a concord.Actor) ([]Party, error) {
	rs, err := m.store.List(ctx, store.Query{Type: "party", Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	out := make([]Party, 0, len(rs))
	for _, r := range rs {
		p, err := decodeParty(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Authenticate returns the actor a bearer token belongs to.
func (m *Mechanism) Authenticate(ctx context.Context, bearer string) (concord.Actor, Party, error) {
	if bearer == "" {
		return concord.Actor{}, Party{}, &concord.Error{Code: concord.EUNAUTHORIZED, Field: "Authorization", Message: "a bearer token is required"}
	}
	id, err := m.store.PartyForToken(ctx, TokenHash(bearer))
	if err != nil {
		return concord.Actor{}, Party{}, &concord.Error{Code: concord.EUNAUTHORIZED, Field: "Authorization", Message: "unknown token"}
	}
	p, err := m.Party(ctx, concord.Actor{}, id)
	if err != nil {
		return concord.Actor{}, Party{}, err
	}
	return concord.Actor{Party: p.ID, Role: p.Role}, p, nil
}

// CheckSignature enforces the signing rule: a party with a registered key must
// sign every write; the signature must verify over SignedMessage. It returns
// the key ID and signature to journal.
func CheckSignature(p Party, header, method, path, key string, body []byte) (string, []byte, error) {
	fail := func(msg string) (string, []byte, error) {
		return "", nil, &concord.Error{Code: concord.EUNAUTHORIZED, Field: "Concord-Signature", Message: msg}
	}
	if p.PublicKey == "" {
		if header != "" {
			return fail("this party has no registered key; register one before signing")
		}
		return "", nil, nil
	}
	if header == "" {
		return fail("this party has registered a key: its writes must carry a Concord-Signature header")
	}
	keyID, sig, err := ParseSignatureHeader(header)
	if err != nil {
		return fail(err.Error())
	}
	pub, _ := parsePublicKey(p.PublicKey)
	if keyID != p.KeyID {
		return fail("keyid " + keyID + " is not the party's registered key " + p.KeyID)
	}
	if !ed25519.Verify(pub, SignedMessage(method, path, key, body), sig) {
		return fail("the signature does not verify over this request")
	}
	return keyID, sig, nil
}

// ParseSignatureHeader parses `keyid=<hex>, sig=<base64>`.
func ParseSignatureHeader(h string) (string, []byte, error) {
	var keyID, sig string
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		v = strings.Trim(v, `"`)
		switch {
		case !ok:
			return "", nil, concord.Errorf(concord.EINVALID, "malformed parameter %q", part)
		case k == "keyid":
			keyID = v
		case k == "sig":
			sig = v
		}
	}
	b, err := base64.StdEncoding.DecodeString(sig)
	if keyID == "" || err != nil || len(b) != ed25519.SignatureSize {
		return "", nil, concord.Errorf(concord.EINVALID, "want keyid=<hex>, sig=<base64 of 64 bytes>")
	}
	return keyID, b, nil
}

// SignatureHeader returns the Concord-Signature header for a request signed by priv.
func SignatureHeader(priv ed25519.PrivateKey, method, path, key string, body []byte) string {
	sig := ed25519.Sign(priv, SignedMessage(method, path, key, body))
	return "keyid=" + KeyID(priv.Public().(ed25519.PublicKey)) + ", sig=" + base64.StdEncoding.EncodeToString(sig)
}

// Bootstrap creates the coordinator party and its token when the store has
// none, returning the token (shown once). created is false when it existed.
func (m *Mechanism) Bootstrap(ctx context.Context) (tok string, created bool, err error) {
	if _, err := m.store.Get(ctx, CoordinatorID); err == nil {
		return "", false, nil
	}
	req := Request{Actor: concord.Actor{Party: CoordinatorID, Role: concord.RoleCoordinator}, Method: "BOOTSTRAP"}
	res, err := m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		p, tok, err := wt.createParty(ctx, NewParty{ID: CoordinatorID, Name: "Coordinator", Role: concord.RoleCoordinator})
		return PartyCreated{Party: p, Token: tok}, err
	})
	if err != nil {
		return "", false, err
	}
	var pc PartyCreated
	err = json.Unmarshal(res.Body, &pc)
	return pc.Token, true, err
}

func requireRole(a concord.Actor, roles ...concord.Role) error {
	for _, r := range roles {
		if a.Role == r {
			return nil
		}
	}
	return concord.Errorf(concord.EFORBIDDEN, "the %s role may not do this", a.Role)
}

// newID returns a sortable unique ID: prefix, "_", 48 bits of milliseconds and
// 80 random bits in Crockford base32 (as a ULID).
func newID(prefix string, now time.Time) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [16]byte
	ms := uint64(now.UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	rand.Read(b[6:])
	var out [26]byte
	// 128 bits as 26 base32 digits, most significant first.
	hi := uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 | uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
	lo := uint64(b[8])<<56 | uint64(b[9])<<48 | uint64(b[10])<<40 | uint64(b[11])<<32 | uint64(b[12])<<24 | uint64(b[13])<<16 | uint64(b[14])<<8 | uint64(b[15])
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return prefix + "_" + string(out[:])
}
